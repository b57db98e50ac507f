// pods/log (a chunked text stream) and pods/exec (WebSocket, the channel.k8s.io protocols that
// kubectl ≥ 1.30 uses first) routed to the node agent.
//
// Channel framing: every binary message starts with a stream byte — 0 stdin, 1 stdout, 2 stderr,
// 3 error (a JSON Status once the command ends), 4 resize (JSON {Width, Height}); v5 adds 255 =
// "close stream N" so stdin can end without closing the socket.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { badRequest, isStatusError, internalError } from '../../engine/api/errors.js';
import type { PodIO, LogRequest } from '../../engine/node/index.js';
import type { PodIOHandlers } from './handler.js';
import { portForwardHandler } from './port-forward-http.js';

const PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];

function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^\d+$/.test(v)) throw badRequest(`${name} must be a non-negative integer, got ${JSON.stringify(v)}`);
  return Number(v);
}

function boolParam(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v === 'true' || v === '1';
}

export function podIOHandlers(io: PodIO): PodIOHandlers {
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => PROTOCOLS.find((p) => offered.has(p)) ?? false,
  });

  const portForward = portForwardHandler();

  return {
    portForward(req, socket, head, ref, q) {
      portForward(req, socket, head, ref, q, (port) => io.portForward(ref.namespace, ref.name, port));
      return Promise.resolve();
    },

    async log(req: IncomingMessage, res: ServerResponse, ref, q) {
      const opts: LogRequest = {
        follow: boolParam(q, 'follow'),
        previous: boolParam(q, 'previous'),
        timestamps: boolParam(q, 'timestamps'),
        tailLines: intParam(q, 'tailLines'),
        sinceSeconds: intParam(q, 'sinceSeconds'),
        sinceTime: q.get('sinceTime') ?? undefined,
        limitBytes: intParam(q, 'limitBytes'),
      };
      const reader = await io.logs(ref.namespace, ref.name, q.get('container') ?? undefined, opts);
      res.writeHead(200, {
        'Content-Type': 'text/plain',
        'Cache-Control': 'no-cache, private',
        'Transfer-Encoding': 'chunked',
      });
      res.flushHeaders();
      const stop = () => reader.close();
      req.on('close', stop);
      res.on('close', stop);
      try {
        for await (const chunk of reader) {
          // Respect backpressure so a slow reader never makes us buffer without bound.
          if (!res.write(chunk)) await new Promise((r) => res.once('drain', r));
          if (res.destroyed) break;
        }
      } finally {
        reader.close();
        res.end();
      }
    },

    async exec(req: IncomingMessage, socket: Duplex, head: Buffer, ref, q) {
      const command = q.getAll('command');
      if (command.length === 0) throw badRequest('you must specify at least one command for the container');
      const tty = boolParam(q, 'tty');
      const stdin = boolParam(q, 'stdin');
      const session = await io.exec(ref.namespace, ref.name, q.get('container') ?? undefined, { command, stdin, tty });
      wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
        const v5 = ws.protocol === 'v5.channel.k8s.io';
        const send = (stream: number, data: Buffer) => {
          if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([stream]), data]));
        };
        session.stdout.on('data', (d: Buffer) => send(1, d));
        session.stderr?.on('data', (d: Buffer) => send(2, d));
        ws.on('message', (msg: Buffer, isBinary: boolean) => {
          const data = isBinary ? msg : Buffer.from(msg);
          if (data.length === 0) return;
          const stream = data[0];
          if (stream === 0) session.stdin?.write(data.subarray(1));
          else if (stream === 4) {
            try {
              const size = JSON.parse(data.subarray(1).toString()) as { Width?: number; Height?: number };
              if (size.Width && size.Height) void session.resize(size.Width, size.Height).catch(() => undefined);
            } catch {
              // ignore a malformed resize
            }
          } else if (v5 && stream === 255 && data[1] === 0) session.stdin?.end();
        });
        ws.on('close', () => session.close());
        session.exitCode.then(
          (code) => {
            const status =
              code === 0
                ? { metadata: {}, status: 'Success' }
                : {
                    metadata: {},
                    status: 'Failure',
                    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${code}`,
                    reason: 'NonZeroExitCode',
                    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
                  };
            send(3, Buffer.from(JSON.stringify(status)));
            ws.close(1000);
          },
          (err: unknown) => {
            const status = isStatusError(err) ? err.toStatus() : internalError(String(err)).toStatus();
            send(3, Buffer.from(JSON.stringify(status)));
            ws.close(1000);
          },
        );
      });
    },
  };
}
