// The Ingress proxy on an in-process engine, with Service backends stubbed by local servers:
// class selection, status, proxying with X-Forwarded-*, 503/404 bodies and upgrade pass-through.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import http from 'node:http';
import net from 'node:net';
import { WebSocketServer, WebSocket } from 'ws';
import { Engine } from '../../../src-main/engine/index.js';
import { InformerFactory } from '../../../src-main/engine/controllers/framework/informer.js';
import {
  ensureBuiltinIngressClass,
  IngressProxy,
  DEFAULT_CLASS_ANNOTATION,
} from '../../../src-main/engine/network/ingress-proxy.js';
import { NoBackendError, type ServiceBackends } from '../../../src-main/engine/network/service-backends.js';

let engine: Engine;
let informers: InformerFactory;
let proxy: IngressProxy;
let backend: http.Server;
let backendPort: number;
const dialed: string[] = [];

beforeEach(async () => {
  engine = await Engine.start();
  informers = new InformerFactory(engine.store);
  backend = http.createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ url: req.url, headers: req.headers }));
  });
  const wss = new WebSocketServer({ server: backend });
  wss.on('connection', (ws) => ws.on('message', (m) => ws.send(`echo:${m.toString()}`)));
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  backendPort = (backend.address() as net.AddressInfo).port;
  dialed.length = 0;
  const backends = {
    async dial(ns: string, svc: string, port: number | string) {
      dialed.push(`${ns}/${svc}:${port}`);
      if (svc === 'empty') throw new NoBackendError(`service ${ns}/${svc} port ${port} has no ready endpoints`);
      const socket = net.connect(backendPort, '127.0.0.1');
      await new Promise((r) => socket.once('connect', r));
      return { socket, backend: {} };
    },
  } as unknown as ServiceBackends;
  await ensureBuiltinIngressClass(engine.api);
  proxy = new IngressProxy({ informers, api: engine.api, clock: engine.clock, backends, httpPort: 0, httpsPort: 0 });
  await proxy.start();
});

afterEach(async () => {
  await proxy.close();
  backend.closeAllConnections();
  await new Promise((r) => backend.close(r));
  informers.stop();
  await engine.stop();
});

async function createIngress(name: string, spec: object, annotations: Record<string, string> = {}): Promise<void> {
  await engine.api.create(
    { group: 'networking.k8s.io', resource: 'ingresses', namespace: 'default' },
    { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name, annotations }, spec },
  );
}

const rule = (path: string, service: string, port: number | string = 80) => ({
  path,
  pathType: 'Prefix',
  backend: { service: { name: service, port: typeof port === 'number' ? { number: port } : { name: port } } },
});

function get(path: string, host = 'app.local'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port: proxy.httpPort, path, headers: { host } }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

async function until(cond: () => boolean | Promise<boolean>, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('IngressProxy', () => {
  it('creates the built-in default IngressClass kubedesk once', async () => {
    await ensureBuiltinIngressClass(engine.api);
    const cls = await engine.api.get({ group: 'networking.k8s.io', resource: 'ingressclasses', name: 'kubedesk' });
    expect(cls.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION]).toBe('true');
    expect((cls.spec as { controller: string }).controller).toBe('kubedesk.io/ingress-controller');
  });

  it('proxies by path to the Service port with X-Forwarded headers and fills status.loadBalancer', async () => {
    await createIngress('web', { rules: [{ http: { paths: [rule('/api', 'api', 'http'), rule('/', 'web')] } }] });
    await until(async () => (await get('/api/x')).status === 200);
    const res = await get('/api/x?y=1');
    const echoed = JSON.parse(res.body) as { url: string; headers: Record<string, string> };
    expect(echoed.url).toBe('/api/x?y=1');
    expect(echoed.headers['x-forwarded-host']).toBe('app.local');
    expect(echoed.headers['x-forwarded-proto']).toBe('http');
    expect(echoed.headers['x-forwarded-for']).toBe('127.0.0.1');
    await get('/');
    expect(dialed).toEqual(['default/api:http', 'default/api:http', 'default/web:80']);
    await until(async () => {
      const ing = await engine.api.get({
        group: 'networking.k8s.io',
        resource: 'ingresses',
        namespace: 'default',
        name: 'web',
      });
      return (
        JSON.stringify(ing.status) ===
        JSON.stringify({ loadBalancer: { ingress: [{ ip: '127.0.0.1', hostname: 'localhost' }] } })
      );
    });
  });

  it('answers 404 when no rule matches and 503 naming the Service when it has no ready endpoint', async () => {
    await createIngress('web', { rules: [{ host: 'app.local', http: { paths: [rule('/empty', 'empty')] } }] });
    await until(async () => (await get('/empty')).status === 503);
    expect((await get('/empty')).body).toContain('service default/empty port 80 has no ready endpoints');
    const missing = await get('/other');
    expect(missing).toEqual({ status: 404, body: 'default backend - 404\n' });
  });

  it('ignores Ingresses of another class, and takes class-less ones while kubedesk is the default', async () => {
    await engine.api.create(
      { group: 'networking.k8s.io', resource: 'ingressclasses' },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'IngressClass',
        metadata: { name: 'nginx' },
        spec: { controller: 'k8s.io/ingress-nginx' },
      },
    );
    await createIngress('theirs', { ingressClassName: 'nginx', rules: [{ http: { paths: [rule('/theirs', 'x')] } }] });
    await createIngress('mine', { rules: [{ http: { paths: [rule('/mine', 'web')] } }] });
    await until(async () => (await get('/mine')).status === 200);
    expect((await get('/theirs')).status).toBe(404);
    const theirs = await engine.api.get({
      group: 'networking.k8s.io',
      resource: 'ingresses',
      namespace: 'default',
      name: 'theirs',
    });
    expect(theirs.status ?? {}).toEqual({});
    // DefaultIngressClass admission filled in the default class.
    const mine = await engine.api.get({
      group: 'networking.k8s.io',
      resource: 'ingresses',
      namespace: 'default',
      name: 'mine',
    });
    expect((mine.spec as { ingressClassName?: string }).ingressClassName).toBe('kubedesk');
  });

  it('an Ingress moved to another class loses the address we gave it', async () => {
    await engine.api.create(
      { group: 'networking.k8s.io', resource: 'ingressclasses' },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'IngressClass',
        metadata: { name: 'other' },
        spec: { controller: 'x/y' },
      },
    );
    await createIngress('moving', { rules: [{ http: { paths: [rule('/m', 'web')] } }] });
    const ref = { group: 'networking.k8s.io', resource: 'ingresses', namespace: 'default', name: 'moving' };
    const address = async () =>
      JSON.stringify(((await engine.api.get(ref)).status as { loadBalancer?: object } | undefined)?.loadBalancer ?? {});
    await until(async () => (await address()).includes('127.0.0.1'));
    const ing = await engine.api.get(ref);
    await engine.api.update(ref, { ...ing, spec: { ...(ing.spec as object), ingressClassName: 'other' } });
    await until(async () => (await address()) === '{}');
    expect((await get('/m')).status).toBe(404);
  });

  it('passes a WebSocket upgrade through to the backend', async () => {
    await createIngress('ws', { rules: [{ http: { paths: [rule('/ws', 'web')] } }] });
    await until(async () => (await get('/ws')).status === 200);
    const ws = new WebSocket(`ws://127.0.0.1:${proxy.httpPort}/ws`);
    const reply = await new Promise<string>((resolve, reject) => {
      ws.on('open', () => ws.send('hi'));
      ws.on('message', (m) => resolve(m.toString()));
      ws.on('error', reject);
    });
    expect(reply).toBe('echo:hi');
    ws.close();
  });
});
