// The contract over a WebSocket for web mode: the same BridgeHandler as the desktop's IPC. The
// upgrade is refused unless it carries the web UI's session cookie (401) and comes from the web
// UI's own origin (403) — a page on another origin could otherwise drive the cluster through the
// user's browser (cross-site WebSocket hijacking; SameSite=Strict alone does not cover all cases).
// Messages: `{id, channel, args}` → `{id, ok, result | error}`; subscriptions push
// `{subscription: SubscriptionMessage}`. Closing the socket stops everything it opened.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { BridgeHandler } from '../bridge/handler.js';
import type { WebUi } from './web-ui.js';

export const WS_PATH = '/api/ws';
/** A request larger than this is refused by `ws` itself (apply takes up to 5 MB of YAML). */
const MAX_MESSAGE_BYTES = 6 * 1024 * 1024;
/** Bytes queued for a slow client after which it is dropped rather than buffered without end. */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

export interface WsBridge {
  /** Open connections (for tests). */
  readonly connections: number;
  close(): void;
}

function refuse(socket: Duplex, code: 401 | 403 | 404, why: string): void {
  const text = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' }[code];
  socket.end(
    `HTTP/1.1 ${code} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(why)}\r\n\r\n${why}`,
  );
}

export function attachWsBridge(
  webUi: Pick<WebUi, 'server' | 'origin' | 'authenticated'>,
  handler: BridgeHandler,
): WsBridge {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path !== WS_PATH) return refuse(socket, 404, 'no such endpoint');
    if (!webUi.authenticated(req)) return refuse(socket, 401, 'not signed in: open the login link that serve printed');
    if (req.headers.origin !== webUi.origin) return refuse(socket, 403, 'this origin may not use the KubeDesk bridge');
    wss.handleUpgrade(req, socket, head, (ws) => serve(ws, handler));
  };
  webUi.server.on('upgrade', onUpgrade);

  return {
    get connections() {
      return wss.clients.size;
    },
    close() {
      webUi.server.off('upgrade', onUpgrade);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}

function serve(ws: WebSocket, handler: BridgeHandler): void {
  const send = (data: unknown) => {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      ws.close(1008, 'client too slow');
      return;
    }
    ws.send(JSON.stringify(data));
  };
  const session = handler.openSession((subscription) => send({ subscription }));
  ws.on('close', () => session.dispose());
  ws.on('error', () => session.dispose());
  ws.on('message', (data, isBinary) => {
    let message: unknown;
    try {
      if (isBinary) throw new Error('binary');
      message = JSON.parse(data.toString());
    } catch {
      send({
        id: null,
        ok: false,
        error: { code: 400, reason: 'BadRequest', message: 'messages must be JSON text', causes: [] },
      });
      return;
    }
    const { id, channel, args } = (typeof message === 'object' && message !== null ? message : {}) as Record<
      string,
      unknown
    >;
    if (typeof id !== 'number' && typeof id !== 'string') {
      send({
        id: null,
        ok: false,
        error: { code: 400, reason: 'BadRequest', message: 'a message needs an id (number or string)', causes: [] },
      });
      return;
    }
    void handler.request(channel, args, session).then((reply) => send({ id, ...reply }));
  });
}
