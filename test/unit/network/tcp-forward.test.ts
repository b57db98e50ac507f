// The splice under every NodePort/LoadBalancer connection, on real loopback sockets: large
// transfers both ways with a slow reader (backpressure), half-close, connect timeouts and refusals
// moving on to the next backend, and the `done` report.
import net from 'node:net';
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { forwardConnection, type DialTarget } from '../../../src-main/engine/network/tcp-forward.js';
import {
  listen as listenConn,
  preferHandles,
  tcpImplementation,
  type TcpListener,
} from '../../../src-main/engine/network/tcp-conn.js';

const servers: net.Server[] = [];
const fronts: TcpListener[] = [];
afterEach(async () => {
  await Promise.all(fronts.splice(0).map((f) => f.close(true)));
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  preferHandles(true);
});

async function listen(server: net.Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as net.AddressInfo).port;
}

/** A front listener forwarding every connection over `targets`; `reports` collects `done`. */
async function front(targets: DialTarget[], reports: (DialTarget | undefined)[], connectTimeoutMs?: number) {
  const f = await listenConn('127.0.0.1', 0, (client) =>
    forwardConnection(client, targets, { target: (t) => t, done: (t) => reports.push(t), connectTimeoutMs }),
  );
  fronts.push(f);
  return f.port;
}

/**
 * A port whose SYNs go unanswered: a listener in a stopped process (backlog 1) whose accept queue
 * is already full, so the kernel drops further handshakes and a connect hangs.
 */
async function neverAccepting(): Promise<{ target: DialTarget; close(): void }> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      "const s=require('net').createServer().listen({port:0,host:'127.0.0.1',backlog:1},()=>console.log(s.address().port))",
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((r) => child.stdout!.once('data', (d) => r(Number(String(d).trim()))));
  child.kill('SIGSTOP');
  const fillers: net.Socket[] = [];
  for (let i = 0; i < 4; i++) {
    const f = net.connect(port, '127.0.0.1');
    f.on('error', () => {});
    fillers.push(f);
  }
  await new Promise((r) => setTimeout(r, 100));
  return {
    target: { host: '127.0.0.1', port },
    close() {
      for (const f of fillers) f.destroy();
      child.kill('SIGKILL');
    },
  };
}

function sha(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

// On libuv handles (the default where Node has them) and on net.Sockets (the fallback).
describe.each([true, false])('tcp forward (handles preferred: %s)', (handles) => {
  beforeEach(() => preferHandles(handles));

  it('runs on the implementation asked for', () => {
    // Node 20 has the bindings; were they ever missing, `handles` would report sockets.
    expect(tcpImplementation()).toBe(handles ? 'handles' : 'sockets');
  });

  it('carries 8 MiB each way intact to a client that reads slowly, and half-closes', async () => {
    const payload = Buffer.alloc(8 * 1024 * 1024);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 31 + (i >> 12)) % 256;
    // Echo server that hashes what it got, then answers with the payload once the client half-closes.
    const backendPort = await listen(
      net.createServer({ allowHalfOpen: true }, (sock) => {
        const got: Buffer[] = [];
        sock.on('data', (d: Buffer) => got.push(d));
        sock.on('end', () => {
          sock.write(`${sha(Buffer.concat(got))}\n`);
          sock.end(payload);
        });
      }),
    );
    const reports: (DialTarget | undefined)[] = [];
    const port = await front([{ host: '127.0.0.1', port: backendPort }], reports);
    const answer = await new Promise<Buffer>((resolve, reject) => {
      const c = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
      const parts: Buffer[] = [];
      c.on('data', (d: Buffer) => {
        parts.push(d);
        // A slow reader: the proxy must hold the backend back rather than buffer everything.
        c.pause();
        setTimeout(() => c.resume(), 1);
      });
      c.on('end', () => resolve(Buffer.concat(parts)));
      c.on('error', reject);
      c.end(payload);
    });
    const newline = answer.indexOf(10);
    expect(answer.subarray(0, newline).toString()).toBe(sha(payload));
    expect(sha(answer.subarray(newline + 1))).toBe(sha(payload));
    expect(reports).toEqual([{ host: '127.0.0.1', port: backendPort }]);
  });

  it('moves past a backend that refuses and one that never accepts, and reports the one that answered', async () => {
    const refused = await listen(net.createServer());
    await new Promise((r) => servers.pop()!.close(r)); // closed again: its port now refuses
    const answering = await listen(net.createServer((s) => s.once('data', () => s.end('ok\n'))));
    const silent = await neverAccepting();
    try {
      const reports: (DialTarget | undefined)[] = [];
      const port = await front(
        [{ host: '127.0.0.1', port: refused }, silent.target, { host: '127.0.0.1', port: answering }],
        reports,
        300,
      );
      const started = performance.now();
      const answer = await new Promise<string>((resolve, reject) => {
        const c = net.connect(port, '127.0.0.1', () => c.write('hello\n'));
        let out = '';
        c.on('data', (d) => (out += d));
        c.on('end', () => resolve(out));
        c.on('error', reject);
      });
      expect(answer).toBe('ok\n');
      // The silent one cost the connect timeout (plus at most one sweep), not the OS's minutes.
      const took = performance.now() - started;
      expect(took).toBeGreaterThanOrEqual(290);
      expect(took).toBeLessThan(2000);
      expect(reports).toEqual([{ host: '127.0.0.1', port: answering }]);
    } finally {
      silent.close();
    }
  });

  it('closes the client and reports no backend when every candidate fails', async () => {
    const refused = await listen(net.createServer());
    await new Promise((r) => servers.pop()!.close(r));
    const reports: (DialTarget | undefined)[] = [];
    const port = await front([{ host: '127.0.0.1', port: refused }], reports);
    const closed = await new Promise<string>((resolve) => {
      const c = net.connect(port, '127.0.0.1', () => c.write('hello\n'));
      let out = '';
      c.on('data', (d) => (out += d));
      c.on('close', () => resolve(out));
      c.on('error', () => {});
    });
    expect(closed).toBe('');
    await expect.poll(() => reports).toEqual([undefined]);
  });
});
