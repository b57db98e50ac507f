// pods/portforward over the three transports Kubernetes clients use:
//  - SPDY/3.1 over an HTTP upgrade (`X-Stream-Protocol-Version: portforward.k8s.io`), kubectl ≤ 1.30
//    and its fallback after;
//  - a WebSocket with subprotocol `SPDY/3.1+portforward.k8s.io` whose binary messages carry the
//    same SPDY bytes (kubectl ≥ 1.31 tries this first);
//  - a WebSocket with `v4.channel.k8s.io` (client-node's PortForward): ports in the query, two
//    channels per port (2i data, 2i+1 error), each opened by the server with the port number as
//    two little-endian bytes.
// In the SPDY forms the client opens an error stream and a data stream per connection, paired by
// their `requestID` header; we answer each pair with a new TCP stream to the pod's port, as the
// kubelet's httpstream handler does. Errors go as text on the error stream, which kubectl prints
// as "an error occurred forwarding L -> R: …".
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, createWebSocketStream, type WebSocket } from 'ws';
import { badRequest, StatusError } from '../../engine/api/errors.js';
import { SpdyConnection, type SpdyStream } from '../spdy/connection.js';
import { RstStatus } from '../spdy/frames.js';

export const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';
const WS_SPDY_PROTOCOL = `SPDY/3.1+${PORT_FORWARD_PROTOCOL}`;
const WS_CHANNEL_PROTOCOL = 'v4.channel.k8s.io';
/**
 * `/` is not a token character (RFC 6455 §4.1), so the `ws` package refuses the handshake when
 * it sees `SPDY/3.1+…` offered. Go's gorilla/websocket accepts it, and kubectl sends it; we hand
 * `ws` a token-safe alias and answer with the real name.
 */
const WS_SPDY_ALIAS = 'SPDY_3.1+portforward.k8s.io';
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** The kubelet gives up on a half-made stream pair after this long (streamCreationTimeout). */
const PAIR_TIMEOUT_MS = 30_000;

export type OpenPort = (port: number) => Promise<Duplex>;

export interface PortForwardRef {
  namespace: string;
  name: string;
}

/** Live forwarding state, so tests can assert that a stopped forward leaves nothing behind. */
const live = { connections: 0, upstreams: 0, spdy: 0, websocketSpdy: 0, channel: 0 };
export function portForwardStats(): typeof live {
  return { ...live };
}

function parsePort(value: string | undefined): number | undefined {
  if (!value || !/^\d{1,5}$/.test(value)) return undefined;
  const n = Number(value);
  return n >= 1 && n <= 65535 ? n : undefined;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Copies between a client stream and the pod's port until both are done; returns when closed. */
function splice(client: Duplex, upstream: Duplex, onError: (err: Error) => void, onDone: () => void): void {
  live.upstreams++;
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    live.upstreams--;
    upstream.destroy();
    // kubectl reads the error stream only once the data stream has ended.
    if (!client.writableEnded && !client.destroyed) client.end();
    onDone();
  };
  upstream.on('data', (d: Buffer) => {
    if (!client.write(d)) upstream.pause();
  });
  client.on('drain', () => upstream.resume());
  client.on('data', (d: Buffer) => {
    if (!upstream.write(d)) client.pause();
  });
  upstream.on('drain', () => client.resume());
  // The client half-closed: the pod's side reads EOF and may still answer.
  client.on('end', () => upstream.end());
  upstream.on('end', () => {
    client.end();
    finish();
  });
  upstream.on('error', (err) => {
    onError(err);
    finish();
  });
  upstream.on('close', finish);
  client.on('close', finish);
}

export function portForwardHandler() {
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) =>
      offered.has(WS_SPDY_ALIAS) ? WS_SPDY_PROTOCOL : offered.has(WS_CHANNEL_PROTOCOL) ? WS_CHANNEL_PROTOCOL : false,
  });

  return function handle(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    ref: PortForwardRef,
    query: URLSearchParams,
    open: OpenPort,
  ): void {
    const upgrade = (req.headers.upgrade ?? '').toLowerCase();
    if (upgrade === 'websocket') {
      const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
      if (!offered.includes(WS_SPDY_PROTOCOL) && !offered.includes(WS_CHANNEL_PROTOCOL)) {
        throw badRequest(
          `unable to upgrade: no supported WebSocket subprotocol in [${offered.join(', ')}]; ` +
            `supported: ${WS_SPDY_PROTOCOL}, ${WS_CHANNEL_PROTOCOL}`,
        );
      }
      req.headers['sec-websocket-protocol'] = offered
        .map((p) => (p === WS_SPDY_PROTOCOL ? WS_SPDY_ALIAS : p))
        .filter((p) => TOKEN.test(p))
        .join(', ');
      const ports = query
        .getAll('ports')
        .flatMap((p) => p.split(','))
        .map((p) => p.trim())
        .filter(Boolean);
      wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
        if (ws.protocol === WS_SPDY_PROTOCOL) {
          live.websocketSpdy++;
          const stream = createWebSocketStream(ws);
          stream.on('error', () => undefined);
          serveSpdy(new SpdyConnection(stream), ref, open);
        } else {
          live.channel++;
          serveChannels(ws, ports, ref, open);
        }
      });
      return;
    }
    if (upgrade !== 'spdy/3.1') throw badRequest(`unable to upgrade: unsupported protocol ${JSON.stringify(upgrade)}`);
    const versions = (req.headers['x-stream-protocol-version'] ?? '')
      .toString()
      .split(',')
      .map((v) => v.trim());
    if (!versions.includes(PORT_FORWARD_PROTOCOL)) {
      throw new StatusError(
        403,
        'Forbidden',
        `unable to upgrade: unable to negotiate protocol: client supports [${versions.join(' ')}], server supports [${PORT_FORWARD_PROTOCOL}]`,
      );
    }
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\n' +
        'Connection: Upgrade\r\n' +
        'Upgrade: SPDY/3.1\r\n' +
        `X-Stream-Protocol-Version: ${PORT_FORWARD_PROTOCOL}\r\n\r\n`,
    );
    if ((socket as { setNoDelay?: (v: boolean) => void }).setNoDelay) {
      (socket as unknown as { setNoDelay(v: boolean): void }).setNoDelay(true);
    }
    if (head.length > 0) socket.unshift(head);
    live.spdy++;
    serveSpdy(new SpdyConnection(socket), ref, open);
  };
}

interface StreamPair {
  port: number;
  data?: SpdyStream;
  error?: SpdyStream;
  timer: NodeJS.Timeout;
}

function serveSpdy(conn: SpdyConnection, ref: PortForwardRef, open: OpenPort): void {
  live.connections++;
  const pairs = new Map<string, StreamPair>();
  conn.on('error', () => undefined);
  conn.on('close', () => {
    live.connections--;
    for (const p of pairs.values()) clearTimeout(p.timer);
    pairs.clear();
  });
  conn.on('stream', (stream) => {
    stream.on('error', () => undefined);
    const type = stream.headers['streamtype'];
    const port = parsePort(stream.headers['port']);
    if ((type !== 'data' && type !== 'error') || port === undefined) {
      // The kubelet refuses streams it cannot place; kubectl reports the reset.
      stream.reset(RstStatus.RefusedStream);
      return;
    }
    void stream.reply();
    // Clients older than the requestID header pair streams by port alone.
    const key = stream.headers['requestid'] ?? `port:${port}`;
    let pair = pairs.get(key);
    if (!pair) {
      const timer = setTimeout(() => {
        pairs.delete(key);
        const p = pair!;
        const msg = `timed out waiting for the ${p.data ? 'error' : 'data'} stream of request ${key}`;
        if (p.error) p.error.end(msg);
        p.data?.reset();
      }, PAIR_TIMEOUT_MS);
      timer.unref();
      pair = { port, timer };
      pairs.set(key, pair);
    }
    if (type === 'data') pair.data = stream;
    else pair.error = stream;
    if (pair.data && pair.error) {
      clearTimeout(pair.timer);
      pairs.delete(key);
      void forwardPair(pair as Required<StreamPair>, ref, open);
    }
  });
}

async function forwardPair(pair: Required<StreamPair>, ref: PortForwardRef, open: OpenPort): Promise<void> {
  const { data, error, port } = pair;
  // kubectl half-closes the error stream at once; nothing it could send there matters.
  error.resume();
  const reportError = (err: unknown) => {
    if (!error.writableEnded && !error.destroyed) {
      error.end(`error forwarding port ${port} to pod ${ref.namespace}/${ref.name}: ${messageOf(err)}`);
    }
  };
  let upstream: Duplex;
  try {
    upstream = await open(port);
  } catch (err) {
    reportError(err);
    data.end();
    return;
  }
  if (data.destroyed) {
    upstream.destroy();
    error.end();
    return;
  }
  splice(data, upstream, reportError, () => {
    if (!error.writableEnded) error.end();
  });
}

function serveChannels(ws: WebSocket, rawPorts: string[], ref: PortForwardRef, open: OpenPort): void {
  const ports = rawPorts.map(parsePort);
  if (ports.length === 0 || ports.some((p) => p === undefined)) {
    ws.close(1008, `ports must be 1-65535, got [${rawPorts.join(',')}]`);
    return;
  }
  live.connections++;
  const send = (channel: number, data: Buffer) => {
    if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([channel]), data]));
  };
  const upstreams: (Duplex | undefined)[] = [];
  const queued: Buffer[][] = ports.map(() => []);
  let open_ = ports.length;
  const oneDone = () => {
    if (--open_ === 0 && ws.readyState === ws.OPEN) ws.close(1000);
  };
  ports.forEach((port, i) => {
    const prefix = Buffer.alloc(2);
    prefix.writeUInt16LE(port!);
    send(2 * i, prefix);
    send(2 * i + 1, prefix);
    const fail = (err: unknown) =>
      send(
        2 * i + 1,
        Buffer.from(`error forwarding port ${port} to pod ${ref.namespace}/${ref.name}: ${messageOf(err)}`),
      );
    open(port!).then(
      (up) => {
        if (ws.readyState !== ws.OPEN) {
          up.destroy();
          return;
        }
        live.upstreams++;
        upstreams[i] = up;
        for (const chunk of queued[i].splice(0)) up.write(chunk);
        up.on('data', (d: Buffer) => send(2 * i, d));
        up.on('error', fail);
        up.on('close', () => {
          live.upstreams--;
          upstreams[i] = undefined;
          oneDone();
        });
      },
      (err: unknown) => {
        fail(err);
        oneDone();
      },
    );
  });
  ws.on('message', (msg: Buffer) => {
    if (msg.length < 1) return;
    const channel = msg[0];
    if (channel % 2 !== 0) return;
    const i = channel / 2;
    if (i >= ports.length) return;
    const body = msg.subarray(1);
    const up = upstreams[i];
    if (up) up.write(body);
    else queued[i].push(body);
  });
  ws.on('close', () => {
    live.connections--;
    for (const up of upstreams) up?.destroy();
  });
}
