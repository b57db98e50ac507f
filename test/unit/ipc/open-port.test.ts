// The "Open in browser" channel: validation at the boundary, published pod ports used directly,
// otherwise a loopback forward owned by the session and closed with it.
import { describe, it, expect, afterEach } from 'vitest';
import net from 'node:net';
import { Duplex } from 'node:stream';
import { Engine } from '../../../src-main/engine/index.js';
import { BridgeHandler } from '../../../src-main/bridge/handler.js';
import { OPEN_PORT } from '../../../src-main/ipc/contract.js';
import { parseRequest } from '../../../src-main/ipc/schemas.js';

let engine: Engine | undefined;
afterEach(async () => {
  await engine?.stop();
  engine = undefined;
});

/** An in-memory pod port that answers every request with a fixed HTTP response. */
function fakeDial(calls: string[]) {
  return async (ns: string, pod: string, port: number): Promise<Duplex> => {
    calls.push(`${ns}/${pod}:${port}`);
    const d = new Duplex({
      read() {},
      write(_c, _e, cb) {
        d.push('HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok');
        d.push(null);
        cb();
      },
    });
    return d;
  };
}

async function runningPod(e: Engine, name: string, labels: Record<string, string>, annotations = {}): Promise<void> {
  await e.api.create(
    { group: '', resource: 'pods', namespace: 'default' },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, labels, annotations },
      spec: { containers: [{ name: 'web', image: 'x', ports: [{ name: 'http', containerPort: 8080 }] }] },
    },
  );
  const pod = await e.api.get({ group: '', resource: 'pods', namespace: 'default', name });
  await e.api.update({ group: '', resource: 'pods', namespace: 'default', name, subresource: 'status' } as never, {
    ...pod,
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
  });
}

function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write('GET / HTTP/1.0\r\n\r\n'));
    let out = '';
    s.on('data', (d) => (out += d.toString()));
    s.on('end', () => resolve(out));
    s.on('error', reject);
  });
}

describe('open-port channel validation', () => {
  it('accepts a pod or Service port', () => {
    expect(parseRequest(OPEN_PORT, { namespace: 'default', kind: 'Pod', name: 'web-1', port: 8080 })).toEqual({
      namespace: 'default',
      kind: 'Pod',
      name: 'web-1',
      port: 8080,
    });
  });

  it.each([
    [{ namespace: 'default', kind: 'Deployment', name: 'web', port: 80 }, /kind/],
    [{ namespace: 'default', kind: 'Pod', name: 'web', port: 0 }, /port/],
    [{ namespace: 'default', kind: 'Pod', name: 'web', port: 70000 }, /port/],
    [{ namespace: 'default', kind: 'Pod', name: 'web', port: '80' }, /port/],
    [{ namespace: 'Bad NS', kind: 'Pod', name: 'web', port: 80 }, /namespace/],
    [{ namespace: 'default', kind: 'Pod', name: '../x', port: 80 }, /name/],
    [{ namespace: 'default', kind: 'Pod', name: 'web', port: 80, host: '0.0.0.0' }, /host/],
  ])('rejects %j', (request, field) => {
    expect(() => parseRequest(OPEN_PORT, request)).toThrow(field);
  });
});

describe('open-port through the bridge', () => {
  it('a published pod port is opened directly, without a forward', async () => {
    engine = await Engine.start();
    const calls: string[] = [];
    const bridge = new BridgeHandler({ engine, version: 't', portForward: fakeDial(calls) });
    const session = bridge.openSession(() => undefined);
    await runningPod(
      engine,
      'web-1',
      { app: 'web' },
      {
        'kubedesk.io/host-ports': JSON.stringify([
          { container: 'web', containerPort: 8080, protocol: 'TCP', hostPort: 32001 },
        ]),
      },
    );
    const reply = await bridge.request(
      OPEN_PORT,
      { namespace: 'default', kind: 'Pod', name: 'web-1', port: 8080 },
      session,
    );
    expect(reply).toEqual({
      ok: true,
      result: { url: 'http://127.0.0.1:32001/', via: 'published', pod: 'web-1', targetPort: 8080 },
    });
    expect(calls).toEqual([]);
  });

  it('a Service port maps to a ready pod and its named target port through a session-owned forward', async () => {
    engine = await Engine.start();
    const calls: string[] = [];
    const bridge = new BridgeHandler({ engine, version: 't', portForward: fakeDial(calls) });
    const session = bridge.openSession(() => undefined);
    await runningPod(engine, 'web-1', { app: 'web' });
    await engine.api.create(
      { group: '', resource: 'services', namespace: 'default' },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web' },
        spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] },
      },
    );
    const reply = await bridge.request(
      OPEN_PORT,
      { namespace: 'default', kind: 'Service', name: 'web', port: 80 },
      session,
    );
    if (!reply.ok) throw new Error(reply.error.message);
    const result = reply.result as { url: string; via: string; targetPort: number };
    expect(result.via).toBe('forward');
    expect(result.targetPort).toBe(8080);
    const port = Number(new URL(result.url).port);
    expect(new URL(result.url).hostname).toBe('127.0.0.1');
    expect(await get(port)).toContain('ok');
    expect(calls).toEqual(['default/web-1:8080']);
    // Asking again reuses the forward.
    const again = await bridge.request(
      OPEN_PORT,
      { namespace: 'default', kind: 'Service', name: 'web', port: 80 },
      session,
    );
    expect(again.ok && (again.result as { url: string }).url).toBe(result.url);
    // The session goes: the listener closes.
    session.dispose();
    await new Promise((r) => setTimeout(r, 20));
    await expect(get(port)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('a Service without a ready pod answers 503 and a missing port names the ports it has', async () => {
    engine = await Engine.start();
    const bridge = new BridgeHandler({ engine, version: 't', portForward: fakeDial([]) });
    const session = bridge.openSession(() => undefined);
    await engine.api.create(
      { group: '', resource: 'services', namespace: 'default' },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web' },
        spec: { selector: { app: 'none' }, ports: [{ port: 80 }] },
      },
    );
    const none = await bridge.request(
      OPEN_PORT,
      { namespace: 'default', kind: 'Service', name: 'web', port: 80 },
      session,
    );
    expect(none).toMatchObject({ ok: false, error: { code: 503, message: 'service web has no ready pod to open' } });
    const wrong = await bridge.request(
      OPEN_PORT,
      { namespace: 'default', kind: 'Service', name: 'web', port: 81 },
      session,
    );
    expect(wrong).toMatchObject({
      ok: false,
      error: { code: 400, message: 'service web has no port 81; its ports are 80' },
    });
  });
});
