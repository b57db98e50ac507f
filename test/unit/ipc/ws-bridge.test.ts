// Web mode's WebSocket: the session cookie and the UI's own Origin are both required, and a socket
// that goes away takes its subscriptions with it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { BridgeHandler } from '../../../src-main/bridge/handler.js';
import { Engine } from '../../../src-main/engine/index.js';
import { startWebUi, type WebUi } from '../../../src-main/server/web-ui.js';
import { attachWsBridge, WS_PATH, type WsBridge } from '../../../src-main/server/ws-bridge.js';
import { until } from './helpers.js';

let engine: Engine;
let ui: WebUi;
let bridge: WsBridge;
let cookie: string;
let wsUrl: string;

beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kubedesk-ws-'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>t</title>');
  engine = await Engine.start();
  ui = await startWebUi({ rendererDir: dir });
  bridge = attachWsBridge(ui, new BridgeHandler({ engine, version: 't' }));
  const login = await fetch(ui.loginUrl(), { redirect: 'manual' });
  cookie = login.headers.get('set-cookie')!.split(';')[0];
  wsUrl = ui.url.replace('http:', 'ws:') + WS_PATH;
});

afterAll(async () => {
  bridge.close();
  await ui.close();
  await engine.stop();
});

/** Resolves with the HTTP status of a refused upgrade, or 101 when the socket opened. */
function connect(headers: Record<string, string>): Promise<{ status: number; ws?: WebSocket }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(wsUrl, { headers });
    ws.once('open', () => resolve({ status: 101, ws }));
    ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }));
    ws.once('error', () => resolve({ status: 0 }));
  });
}

function call(ws: WebSocket, id: number, channel: string, args: unknown): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const msg = JSON.parse(data.toString()) as Record<string, unknown>;
      if (msg['id'] !== id) return;
      ws.off('message', onMessage);
      resolve(msg);
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ id, channel, args }));
  });
}

describe('the WebSocket bridge', () => {
  it('rejects a connection without the session cookie with 401', async () => {
    expect((await connect({ Origin: ui.origin })).status).toBe(401);
  });

  it('rejects a connection with a bad session cookie with 401', async () => {
    expect((await connect({ Origin: ui.origin, Cookie: 'kubedesk_session=forged' })).status).toBe(401);
  });

  it('rejects a connection from a foreign Origin with 403, even with the cookie', async () => {
    expect((await connect({ Origin: 'http://evil.example', Cookie: cookie })).status).toBe(403);
    expect((await connect({ Cookie: cookie })).status).toBe(403);
  });

  it('answers contract requests with the same ids and Status errors', async () => {
    const { status, ws } = await connect({ Origin: ui.origin, Cookie: cookie });
    expect(status).toBe(101);
    const info = await call(ws!, 1, 'kubedesk:cluster-info', {});
    expect(info).toMatchObject({ id: 1, ok: true, result: { backend: 'embedded' } });
    const bad = await call(ws!, 2, 'kubedesk:get', { ref: { group: '', resource: 'pods' } });
    expect(bad).toMatchObject({ id: 2, ok: false, error: { code: 400, causes: [{ field: 'request.ref.name' }] } });
    ws!.close();
  });

  it('pushes watch messages and stops them when the socket closes', async () => {
    const { ws } = await connect({ Origin: ui.origin, Cookie: cookie });
    const pushed: unknown[] = [];
    ws!.on('message', (d) => {
      const m = JSON.parse(d.toString()) as { subscription?: unknown };
      if (m.subscription) pushed.push(m.subscription);
    });
    const reply = await call(ws!, 1, 'kubedesk:subscribe', {
      id: 'w',
      topic: 'watch',
      args: { ref: { group: '', resource: 'namespaces' } },
    });
    expect(reply).toMatchObject({ ok: true });
    await until(() => pushed.length === 1);
    expect(pushed[0]).toMatchObject({ id: 'w', message: { type: 'SYNC' } });
    expect(bridge.connections).toBe(1);
    ws!.close();
    await until(() => bridge.connections === 0);
  });
});
