import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src-main/engine/api/types.js';
import { deepCopy } from '../../../src-main/engine/api/types.js';
import { rfc3339 } from '../../../src-main/engine/clock.js';
import { EventRecorder } from '../../../src-main/engine/controllers/events.js';
import { ServiceProxy } from '../../../src-main/engine/network/service-proxy.js';
import { events, harness, podsRef, type Harness } from '../controllers/helpers.js';

let h: Harness | undefined;
let proxy: ServiceProxy | undefined;
const servers: net.Server[] = [];
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  await h?.stop();
  h = undefined;
  for (const s of servers.splice(0)) s.close();
});

const svcRef = (name?: string) => ({ group: '', resource: 'services', namespace: 'default', name });

async function listenOn(port: number, onConn: (s: net.Socket) => void = (s) => s.destroy()): Promise<net.Server> {
  const server = net.createServer(onConn);
  servers.push(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return server;
}

async function answering(name: string): Promise<number> {
  const server = await listenOn(0, (sock) => {
    sock.once('data', () => sock.end(`${name}\n`));
    sock.on('error', () => {});
  });
  return (server.address() as net.AddressInfo).port;
}

/** A free port in [lo, hi] (probed by binding it). */
async function freePort(lo: number, hi: number): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = lo + Math.floor(Math.random() * (hi - lo));
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (ok) return port;
  }
  throw new Error(`no free port in ${lo}-${hi}`);
}

function request(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = net.connect(port, '127.0.0.1', () => c.write('hi\n'));
    let out = '';
    c.on('data', (d) => (out += d));
    c.on('end', () => resolve(out.trim()));
    c.on('error', reject);
  });
}

async function backendPod(hh: Harness, name: string, ip: string, hostPort: number): Promise<void> {
  const body: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      labels: { app: 'web' },
      annotations: {
        'kubedesk.io/host-ports': JSON.stringify([
          { container: 'main', containerPort: 8080, protocol: 'TCP', hostPort },
        ]),
      },
    },
    spec: { containers: [{ name: 'main', image: 'b', ports: [{ containerPort: 8080 }] }] },
  };
  await hh.api.create(podsRef(), body);
  const latest = deepCopy(hh.engine.store.get(`/pods/default/${name}`)!);
  latest.status = {
    phase: 'Running',
    podIP: ip,
    conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: rfc3339(hh.clock.now()) }],
  };
  await hh.api.update(podsRef('default', name, 'status'), latest);
}

async function start(): Promise<Harness> {
  const hh = await harness();
  proxy = new ServiceProxy({
    informers: hh.ctrl.informers,
    api: hh.api,
    clock: hh.clock,
    recorder: new EventRecorder(hh.api, 'service-proxy'),
  });
  proxy.start();
  return hh;
}

async function settle(hh: Harness): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await hh.settle();
    await proxy!.whenIdle();
  }
}

function service(type: string, ports: Record<string, unknown>[]): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web' },
    spec: { type, selector: { app: 'web' }, ports },
  };
}

describe('NodePort and LoadBalancer proxy', () => {
  it('answers on 127.0.0.1:<nodePort> from every ready backend, round robin', async () => {
    h = await start();
    const nodePort = await freePort(30000, 32767);
    await backendPod(h, 'web-a', '10.244.0.2', await answering('a'));
    await backendPod(h, 'web-b', '10.244.0.3', await answering('b'));
    await h.api.create(svcRef(), service('NodePort', [{ port: 80, targetPort: 8080, nodePort }]));
    await settle(h);
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await request(nodePort));
    expect(answers.sort()).toEqual(['a', 'a', 'b', 'b']);
    // A NodePort Service has no load-balancer ingress.
    expect(h.engine.store.get('/services/default/web')!.status).not.toHaveProperty('loadBalancer.ingress');
  });

  it('exposes a LoadBalancer Service on its port and reports 127.0.0.1/localhost as its ingress', async () => {
    h = await start();
    const port = await freePort(40000, 50000);
    await backendPod(h, 'web-a', '10.244.0.2', await answering('a'));
    await h.api.create(svcRef(), service('LoadBalancer', [{ port, targetPort: 8080 }]));
    await settle(h);
    const svc = h.engine.store.get('/services/default/web')!;
    const nodePort = (svc.spec as { ports: { nodePort: number }[] }).ports[0].nodePort;
    expect(await request(port)).toBe('a');
    expect(await request(nodePort)).toBe('a');
    expect((svc.status as { loadBalancer: unknown }).loadBalancer).toEqual({
      ingress: [{ ip: '127.0.0.1', hostname: 'localhost' }],
    });
    expect(events(h, 'EnsuredLoadBalancer')).toEqual([
      expect.objectContaining({ type: 'Normal', name: 'web', message: 'Ensured load balancer' }),
    ]);
  });

  it('warns on a port it cannot bind, leaves the ingress empty, and binds once the port is free', async () => {
    h = await start();
    const port = await freePort(40000, 50000);
    const squatter = await listenOn(port);
    await backendPod(h, 'web-a', '10.244.0.2', await answering('a'));
    await h.api.create(svcRef(), service('LoadBalancer', [{ port, targetPort: 8080 }]));
    await settle(h);
    expect(events(h, 'SyncLoadBalancerFailed')).toEqual([
      expect.objectContaining({
        type: 'Warning',
        name: 'web',
        message: `Error syncing load balancer: failed to ensure load balancer: listen tcp 127.0.0.1:${port}: bind: address already in use`,
      }),
    ]);
    expect(h.engine.store.get('/services/default/web')!.status).not.toHaveProperty('loadBalancer.ingress');
    await new Promise((r) => squatter.close(r));
    h.clock.advance(10_000);
    await settle(h);
    expect(await request(port)).toBe('a');
    expect((h.engine.store.get('/services/default/web')!.status as { loadBalancer: unknown }).loadBalancer).toEqual({
      ingress: [{ ip: '127.0.0.1', hostname: 'localhost' }],
    });
  });

  it('closes the listeners when the Service is deleted or stops being a NodePort', async () => {
    h = await start();
    const nodePort = await freePort(30000, 32767);
    await backendPod(h, 'web-a', '10.244.0.2', await answering('a'));
    await h.api.create(svcRef(), service('NodePort', [{ port: 80, targetPort: 8080, nodePort }]));
    await settle(h);
    expect(proxy!.listeners()).toEqual([
      { service: 'default/web', hostPort: nodePort, servicePort: 80, kind: 'NodePort', bound: true },
    ]);
    const svc = deepCopy(h.engine.store.get('/services/default/web')!);
    (svc.spec as Record<string, unknown>).type = 'ClusterIP';
    await h.api.update(svcRef('web'), svc);
    await settle(h);
    expect(proxy!.listeners()).toEqual([]);
    expect((h.engine.store.get('/services/default/web')!.spec as { ports: object[] }).ports[0]).not.toHaveProperty(
      'nodePort',
    );
    await expect(request(nodePort)).rejects.toThrow(/ECONNREFUSED/);
  });
  it('warns on the Service when its ready endpoints target a port the pods do not publish', async () => {
    h = await start();
    const nodePort = await freePort(30000, 32767);
    await backendPod(h, 'web-a', '10.244.0.2', await answering('a'));
    await h.api.create(svcRef(), service('NodePort', [{ port: 80, targetPort: 9376, nodePort }]));
    await settle(h);
    await expect(request(nodePort)).resolves.toBe('');
    await settle(h);
    expect(events(h, 'TargetPortNotPublished')).toEqual([
      expect.objectContaining({
        type: 'Warning',
        name: 'web',
        message: expect.stringContaining('target port 9376 of its pods was not published on 127.0.0.1'),
      }),
    ]);
  });

  it('an open proxied connection does not hold up deleting its Service or syncing others', async () => {
    h = await start();
    const [np1, np2] = [await freePort(30000, 31000), await freePort(31000, 32767)];
    // A backend that answers once and keeps the connection open.
    const holding = await listenOn(0, (sock) => sock.once('data', () => sock.write('hello\n')));
    await backendPod(h, 'web-a', '10.244.0.2', (holding.address() as net.AddressInfo).port);
    await h.api.create(svcRef(), service('NodePort', [{ port: 80, targetPort: 8080, nodePort: np1 }]));
    await settle(h);
    const open = net.connect(np1, '127.0.0.1', () => open.write('hi\n'));
    await new Promise((r) => open.once('data', r));
    await h.api.delete(svcRef('web'));
    await h.api.create(svcRef(), {
      ...service('NodePort', [{ port: 80, targetPort: 8080, nodePort: np2 }]),
      metadata: { name: 'next' },
    });
    await settle(h);
    expect(proxy!.listeners().map((l) => [l.service, l.hostPort, l.bound])).toEqual([['default/next', np2, true]]);
    await expect(request(np1)).rejects.toThrow(/ECONNREFUSED/);
    expect(open.destroyed).toBe(false);
    open.destroy();
  });

  it('answers a client that half-closes after sending its request', async () => {
    h = await start();
    const nodePort = await freePort(30000, 32767);
    const replyOnEnd = await listenOn(0, (sock) => {
      let got = '';
      sock.on('data', (d) => (got += d));
      sock.on('end', () => sock.end(`got ${got.length} bytes`));
    });
    await backendPod(h, 'web-a', '10.244.0.2', (replyOnEnd.address() as net.AddressInfo).port);
    await h.api.create(svcRef(), service('NodePort', [{ port: 80, targetPort: 8080, nodePort }]));
    await settle(h);
    const answer = await new Promise<string>((resolve, reject) => {
      const c = net.connect(nodePort, '127.0.0.1', () => c.end(Buffer.alloc(200 * 1024, 1)));
      let out = '';
      c.on('data', (d) => (out += d));
      c.on('end', () => resolve(out));
      c.on('error', reject);
    });
    expect(answer).toBe(`got ${200 * 1024} bytes`);
  });
});

describe('node port allocation on update', () => {
  it('allocates node ports when a ClusterIP Service becomes NodePort, and rejects a taken one', async () => {
    h = await harness();
    await h.api.create(svcRef(), service('NodePort', [{ port: 80, nodePort: 30555 }]));
    await h.api.create(svcRef(), { ...service('ClusterIP', [{ port: 80 }]), metadata: { name: 'other' } });
    const other = deepCopy(h.engine.store.get('/services/default/other')!);
    (other.spec as Record<string, unknown>).type = 'NodePort';
    const updated = deepCopy(await h.api.update(svcRef('other'), deepCopy(other)));
    const np = (updated.spec as { ports: { nodePort: number }[] }).ports[0].nodePort;
    expect(np).toBeGreaterThanOrEqual(30000);
    expect(np).not.toBe(30555);
    (updated.spec as { ports: { nodePort: number }[] }).ports[0].nodePort = 30555;
    await expect(h.api.update(svcRef('other'), updated)).rejects.toThrow(/provided port is already allocated/);
    expect(
      (h.engine.store.get('/services/default/other')!.spec as { ports: { nodePort: number }[] }).ports[0].nodePort,
    ).toBe(np);
  });

  it('does not give a port without a nodePort the one a later port of the same Service asks for', async () => {
    h = await harness();
    const svc = await h.api.create(
      svcRef(),
      service('NodePort', [
        { name: 'a', port: 80 },
        { name: 'b', port: 81, nodePort: 30000 },
      ]),
    );
    const ports = (svc.spec as { ports: { nodePort: number }[] }).ports.map((p) => p.nodePort);
    expect(ports[1]).toBe(30000);
    expect(ports[0]).not.toBe(30000);
  });
});
