// The HTTPS API's boundary: authentication, loopback binding, malformed and oversized input.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { serve, type Served } from './harness.js';

let s: Served;
beforeAll(async () => {
  s = await serve();
});
afterAll(async () => s?.stop());

interface Reply {
  status: number;
  body: string;
  json: () => { kind?: string; reason?: string; message?: string; code?: number };
}

function request(
  method: string,
  rawPath: string,
  opts: { token?: string | null; body?: string | Buffer; type?: string } = {},
): Promise<Reply> {
  const token = opts.token === undefined ? s.api.token : opts.token;
  const headers: Record<string, string> = {};
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  if (opts.type) headers['Content-Type'] = opts.type;
  return new Promise((resolve, reject) => {
    const url = new URL(s.api.url);
    const req = https.request(
      { host: url.hostname, port: url.port, method, path: rawPath, ca: s.api.caCertPem, headers },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body, json: () => JSON.parse(body) as ReturnType<Reply['json']> }),
        );
      },
    );
    req.on('error', reject);
    if (opts.body) req.write(opts.body);
    req.end();
  });
}

describe('HTTPS API security', () => {
  it('listens on loopback only', () => {
    expect((s.api.server.address() as AddressInfo).address).toBe('127.0.0.1');
  });

  it('answers 401 with a Status to a request without a token or with a wrong one', async () => {
    for (const token of [null, 'wrong', `${s.api.token}x`, s.api.token.slice(0, -1)]) {
      const r = await request('GET', '/api/v1/namespaces', { token });
      expect(r.status).toBe(401);
      expect(r.json()).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
    }
    expect((await request('GET', '/api/v1/namespaces')).status).toBe(200);
  });

  it('the token is 256 bits of randomness', () => {
    expect(s.api.token).toMatch(/^[0-9a-f]{64}$/);
  });

  it('malformed JSON and YAML bodies get 400 with a message, and nothing is stored', async () => {
    const before = s.engine.store.resourceVersion;
    const json = await request('POST', '/api/v1/namespaces/default/configmaps', {
      body: '{"kind": "ConfigMap",',
      type: 'application/json',
    });
    expect(json.status).toBe(400);
    expect(json.json().message).toMatch(/json parse error/);
    const yaml = await request('POST', '/api/v1/namespaces/default/configmaps', {
      body: 'kind: ConfigMap\nmetadata: [unclosed',
      type: 'application/yaml',
    });
    expect(yaml.status).toBe(400);
    expect(yaml.json().message).toMatch(/error converting YAML to JSON/);
    expect(s.engine.store.resourceVersion).toBe(before);
  });

  it('a body over 3 MiB gets 413', async () => {
    const big = JSON.stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'big' },
      data: { a: 'x'.repeat(3 * 1024 * 1024 + 1) },
    });
    const r = await request('POST', '/api/v1/namespaces/default/configmaps', { body: big, type: 'application/json' });
    expect(r.status).toBe(413);
    expect(r.json().reason).toBe('RequestEntityTooLarge');
  });

  it('names with a slash, dot-dot or NUL are rejected', async () => {
    for (const name of ['a%2Fb', '..', 'a%00b', '%2E%2E']) {
      const r = await request('GET', `/api/v1/namespaces/default/configmaps/${name}`);
      expect(r.status, name).toBe(400);
    }
    const created = await request('POST', '/api/v1/namespaces/default/configmaps', {
      body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: '../etc' } }),
      type: 'application/json',
    });
    expect(created.status).toBe(422);
  });

  it('protobuf bodies get 415 so clients fall back to JSON', async () => {
    const r = await request('POST', '/api/v1/namespaces/default/configmaps', {
      body: Buffer.from([0x6b, 0x38, 0x73, 0x00]),
      type: 'application/vnd.kubernetes.protobuf',
    });
    expect(r.status).toBe(415);
  });

  it('a WatchList request (sendInitialEvents) is refused at once with 422, as with the feature gate off', async () => {
    const r = await request(
      'GET',
      '/api/v1/namespaces/default/configmaps?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true',
    );
    expect(r.status).toBe(422);
    expect(r.json().message).toContain(
      'sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled',
    );
  });

  it('unknown paths and resources get 404 Status bodies', async () => {
    expect((await request('GET', '/apis/nope/v1/things')).status).toBe(404);
    expect((await request('GET', '/api/v1/namespaces/default/widgets')).status).toBe(404);
    expect((await request('GET', '/etc/passwd')).status).toBe(404);
  });
});
