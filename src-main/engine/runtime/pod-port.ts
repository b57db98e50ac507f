// Reaching a TCP port on a pod's own loopback from the host, for port-forward and the UI's "Open
// in browser". Two ways, in order:
//  1. the port is published by the sandbox on 127.0.0.1: connect there (the only way the host
//     reaches containers — never the container IP, which is not routable on Docker Desktop);
//  2. otherwise, run `nc 127.0.0.1 PORT` inside a running container of the pod with stdin and
//     stdout attached (busybox-based images have nc), as the dockershim once ran socat.
// Errors read like the kubelet's, so `kubectl port-forward` prints what it prints on a cluster.
import net from 'node:net';
import { Duplex } from 'node:stream';
import type { ExecSession, SandboxStatus } from './types.js';

export class PortForwardError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PortForwardError';
  }
}

function refused(sandboxId: string, port: number): PortForwardError {
  return new PortForwardError(
    `failed to connect to localhost:${port} inside namespace "${sandboxId.slice(0, 12)}", ` +
      `IPv4: dial tcp4 127.0.0.1:${port}: connect: connection refused`,
  );
}

/**
 * Connects to a published port. Docker's userland proxy accepts every connection and, when nothing
 * listens behind it, resets or closes it before any byte: a reset before the first byte is
 * "refused"; a plain close before the first byte is checked with `isRefused` (an nc from inside
 * the pod), since a server may also legitimately close without a word.
 */
export function connectPublished(
  sandbox: SandboxStatus,
  port: number,
  hostPort: number,
  hostIP?: string,
  isRefused?: () => Promise<boolean>,
): Promise<Duplex> {
  const host = !hostIP || hostIP === '0.0.0.0' || hostIP === '::' ? '127.0.0.1' : hostIP;
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port: hostPort, allowHalfOpen: true });
    const onConnectError = (err: NodeJS.ErrnoException) =>
      reject(err.code === 'ECONNREFUSED' ? refused(sandbox.id, port) : err);
    socket.once('error', onConnectError);
    socket.once('connect', () => {
      socket.off('error', onConnectError);
      socket.setNoDelay(true);
      resolve(guardFirstByte(socket, sandbox.id, port, isRefused));
    });
  });
}

function guardFirstByte(
  socket: net.Socket,
  sandboxId: string,
  port: number,
  isRefused?: () => Promise<boolean>,
): Duplex {
  let received = false;
  const asRefused = (err: NodeJS.ErrnoException | null | undefined): Error | null | undefined => {
    const reset = err && (err.code === 'ECONNRESET' || err.code === 'EPIPE');
    return reset && !received ? refused(sandboxId, port) : err;
  };
  const duplex = new Duplex({
    allowHalfOpen: true,
    write(chunk: Buffer, _enc, cb) {
      socket.write(chunk, (err) => cb(asRefused(err)));
    },
    final(cb) {
      socket.end();
      cb();
    },
    read() {
      socket.resume();
    },
    destroy(err, cb) {
      socket.destroy();
      cb(err);
    },
  });
  socket.on('data', (chunk: Buffer) => {
    received = true;
    if (!duplex.push(chunk)) socket.pause();
  });
  socket.on('end', () => {
    if (received || !isRefused) {
      duplex.push(null);
      return;
    }
    isRefused().then(
      (yes) => (yes ? duplex.destroy(refused(sandboxId, port)) : duplex.push(null)),
      () => duplex.push(null),
    );
  });
  socket.on('error', (err: NodeJS.ErrnoException) => duplex.destroy(asRefused(err) ?? err));
  return duplex;
}

/**
 * A Duplex over an exec of `nc 127.0.0.1 PORT`: writes go to its stdin (end → EOF), reads come
 * from its stdout. If nc exits non-zero the stream fails with what it printed.
 */
export function execStream(session: ExecSession, sandboxId: string, port: number): Duplex {
  const stderr: Buffer[] = [];
  session.stderr?.on('data', (d: Buffer) => stderr.push(d));
  const duplex = new Duplex({
    allowHalfOpen: true,
    write(chunk: Buffer, _enc, cb) {
      if (!session.stdin) return cb(new Error('exec session has no stdin'));
      session.stdin.write(chunk, cb);
    },
    final(cb) {
      session.stdin?.end();
      cb();
    },
    read() {
      session.stdout.resume();
    },
    destroy(err, cb) {
      session.close();
      cb(err);
    },
  });
  session.stdout.on('data', (d: Buffer) => {
    if (!duplex.push(d)) session.stdout.pause();
  });
  session.exitCode.then(
    (code) => {
      if (code === 0) {
        duplex.push(null);
        return;
      }
      const text = Buffer.concat(stderr).toString().trim();
      let err: PortForwardError;
      if (/refused/i.test(text)) err = refused(sandboxId, port);
      else if (code === 126 || code === 127 || /not found/i.test(text))
        err = new PortForwardError(
          `port ${port} is not published by the pod and its container has no nc to reach it from inside; ` +
            `list it under the container's ports (containerPort: ${port}) so it is published`,
        );
      else err = new PortForwardError(`nc 127.0.0.1 ${port} in the pod exited with ${code}${text ? `: ${text}` : ''}`);
      duplex.destroy(err);
    },
    () => duplex.push(null),
  );
  return duplex;
}
