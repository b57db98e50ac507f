import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src-main/engine/api/types.js';
import { deepCopy } from '../../../src-main/engine/api/types.js';
import { rfc3339 } from '../../../src-main/engine/clock.js';
import { ServiceBackends } from '../../../src-main/engine/network/service-backends.js';
import { harness, podsRef, type Harness } from '../controllers/helpers.js';

let h: Harness | undefined;
const servers: net.Server[] = [];
afterEach(async () => {
  await h?.stop();
  h = undefined;
  for (const s of servers.splice(0)) s.close();
});

/** A loopback server that answers every connection with `name\n` once it has read a line. */
async function answering(name: string): Promise<number> {
  const server = net.createServer((sock) => {
    sock.once('data', () => sock.end(`${name}\n`));
    sock.on('error', () => {});
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as net.AddressInfo).port;
}

/** Docker's port proxy in front of a dead container: accepts, then closes without a byte. */
async function acceptsThenDrops(): Promise<number> {
  const server = net.createServer((sock) => sock.destroy());
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as net.AddressInfo).port;
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}

async function service(hh: Harness, spec: Record<string, unknown> = {}): Promise<void> {
  await hh.api.create(
    { group: '', resource: 'services', namespace: 'default' },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }], ...spec },
    },
  );
}

async function pod(hh: Harness, name: string, ip: string, hostPort: number, ready = true): Promise<void> {
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
    conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: rfc3339(hh.clock.now()) }],
  };
  await hh.api.update(podsRef('default', name, 'status'), latest);
}

async function ask(backends: ServiceBackends, clientIP = '127.0.0.1'): Promise<string> {
  const { socket } = await backends.dial('default', 'web', 80, { clientIP });
  return new Promise((resolve, reject) => {
    let out = '';
    socket.on('data', (d) => (out += d));
    socket.on('end', () => resolve(out.trim()));
    socket.on('error', reject);
    socket.write('hello\n');
  });
}

describe('service backends', () => {
  it('lists ready endpoints only, with the loopback port the pod publishes for the target port', async () => {
    h = await harness();
    await service(h);
    await pod(h, 'web-a', '10.244.0.2', 41001);
    await pod(h, 'web-b', '10.244.0.3', 41002, false);
    await h.settle();
    const backends = new ServiceBackends({ informers: h.ctrl.informers, clock: h.clock });
    expect(backends.endpoints('default', 'web', 80)).toEqual([
      {
        pod: { namespace: 'default', name: 'web-a', uid: expect.any(String) },
        podIP: '10.244.0.2',
        targetPort: 8080,
        protocol: 'TCP',
        dialHost: '127.0.0.1',
        dialPort: 41001,
      },
    ]);
    expect(backends.endpoints('default', 'web', 'http')).toHaveLength(1);
    expect(backends.endpoints('default', 'web', 81)).toEqual([]);
  });

  it('spreads connections round robin over the ready backends', async () => {
    h = await harness();
    await service(h);
    await pod(h, 'web-a', '10.244.0.2', await answering('a'));
    await pod(h, 'web-b', '10.244.0.3', await answering('b'));
    await h.settle();
    const backends = new ServiceBackends({ informers: h.ctrl.informers, clock: h.clock });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await ask(backends));
    expect(answers.sort()).toEqual(['a', 'a', 'b', 'b']);
  });

  it('keeps a client on one backend with ClientIP affinity until the timeout passes', async () => {
    h = await harness();
    await service(h, { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } });
    await pod(h, 'web-a', '10.244.0.2', await answering('a'));
    await pod(h, 'web-b', '10.244.0.3', await answering('b'));
    await h.settle();
    const backends = new ServiceBackends({ informers: h.ctrl.informers, clock: h.clock });
    const first = await ask(backends, '192.168.0.7');
    for (let i = 0; i < 5; i++) {
      h.clock.advance(30_000);
      expect(await ask(backends, '192.168.0.7')).toBe(first);
    }
    const other = new Set<string>();
    for (let i = 0; i < 4; i++) other.add(await ask(backends, `192.168.0.${20 + i}`));
    expect(other.size).toBe(2);
    // Idle for longer than timeoutSeconds: the pin is forgotten and round robin applies again.
    h.clock.advance(61_000);
    const after = new Set<string>();
    for (let i = 0; i < 2; i++) {
      h.clock.advance(61_000);
      after.add(await ask(backends, '192.168.0.7'));
    }
    expect(after.size).toBe(2);
  });

  it('dials the next ready backend when one refuses the connection', async () => {
    h = await harness();
    await service(h);
    await pod(h, 'web-a', '10.244.0.2', await closedPort());
    await pod(h, 'web-b', '10.244.0.3', await answering('b'));
    await h.settle();
    const backends = new ServiceBackends({ informers: h.ctrl.informers, clock: h.clock });
    for (let i = 0; i < 4; i++) expect(await ask(backends)).toBe('b');
  });

  it('fails with a clear error when no backend is ready', async () => {
    h = await harness();
    await service(h);
    await pod(h, 'web-a', '10.244.0.2', 41001, false);
    await h.settle();
    const backends = new ServiceBackends({ informers: h.ctrl.informers, clock: h.clock });
    await expect(backends.dial('default', 'web', 80)).rejects.toThrow(
      'service default/web port 80 has no ready endpoints',
    );
  });

  it('replays the client bytes on another backend when one accepts and closes without answering', async () => {
    h = await harness();
    await service(h);
    await pod(h, 'web-a', '10.244.0.2', await acceptsThenDrops());
    await pod(h, 'web-b', '10.244.0.3', await answering('b'));
    await h.settle();
    const backends = new ServiceBackends({ informers: h.ctrl.informers, clock: h.clock });
    const front = net.createServer((client) => void backends.forward(client, 'default', 'web', 80));
    servers.push(front);
    await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
    const port = (front.address() as net.AddressInfo).port;
    for (let i = 0; i < 4; i++) {
      const answer = await new Promise<string>((resolve, reject) => {
        const c = net.connect(port, '127.0.0.1', () => c.write('hello\n'));
        let out = '';
        c.on('data', (d) => (out += d));
        c.on('end', () => resolve(out.trim()));
        c.on('error', reject);
      });
      expect(answer).toBe('b');
    }
  });

  it('moves on to exactly one other backend when a dropped connection reports end, error and close', async () => {
    h = await harness();
    await service(h);
    let accepted = 0;
    const counting = net.createServer((sock) => {
      accepted++;
      sock.once('data', () => sock.end('b\n'));
    });
    servers.push(counting);
    await new Promise<void>((r) => counting.listen(0, '127.0.0.1', r));
    // A reset (error + close) rather than a clean FIN: every failure event fires.
    const resetting = net.createServer((sock) => sock.once('data', () => sock.resetAndDestroy()));
    servers.push(resetting);
    await new Promise<void>((r) => resetting.listen(0, '127.0.0.1', r));
    await pod(h, 'web-a', '10.244.0.2', (resetting.address() as net.AddressInfo).port);
    await pod(h, 'web-b', '10.244.0.3', (counting.address() as net.AddressInfo).port);
    await pod(h, 'web-c', '10.244.0.4', (counting.address() as net.AddressInfo).port);
    await h.settle();
    const backends = new ServiceBackends({ informers: h.ctrl.informers, clock: h.clock });
    const front = net.createServer((client) => void backends.forward(client, 'default', 'web', 80));
    servers.push(front);
    await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
    const answer = await new Promise<string>((resolve, reject) => {
      const c = net.connect((front.address() as net.AddressInfo).port, '127.0.0.1', () => c.write('hello\n'));
      let out = '';
      c.on('data', (d) => (out += d));
      c.on('end', () => resolve(out));
      c.on('error', reject);
    });
    expect(answer).toBe('b\n');
    expect(accepted).toBe(1);
  });

  it('passes a request larger than the replay buffer through intact', async () => {
    h = await harness();
    await service(h);
    // Counts and checksums everything until the client half-closes, then answers.
    const counting = net.createServer((sock) => {
      let n = 0;
      let sum = 0;
      sock.on('data', (d: Buffer) => {
        n += d.length;
        for (const b of d) sum = (sum + b) % 65521;
      });
      sock.on('end', () => sock.end(`${n} ${sum}`));
    });
    servers.push(counting);
    await new Promise<void>((r) => counting.listen(0, '127.0.0.1', r));
    await pod(h, 'web-a', '10.244.0.2', (counting.address() as net.AddressInfo).port);
    await h.settle();
    const backends = new ServiceBackends({ informers: h.ctrl.informers, clock: h.clock });
    const front = net.createServer(
      { allowHalfOpen: true },
      (client) => void backends.forward(client, 'default', 'web', 80),
    );
    servers.push(front);
    await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
    const body = Buffer.alloc(300 * 1024);
    for (let i = 0; i < body.length; i++) body[i] = (i * 7) % 251;
    let sum = 0;
    for (const b of body) sum = (sum + b) % 65521;
    const answer = await new Promise<string>((resolve, reject) => {
      const c = net.connect((front.address() as net.AddressInfo).port, '127.0.0.1');
      // Written at once, before the proxy has a backend: more than the 64 KiB replay buffer.
      c.end(body);
      let out = '';
      c.on('data', (d) => (out += d));
      c.on('end', () => resolve(out));
      c.on('error', reject);
    });
    expect(answer).toBe(`${body.length} ${sum}`);
  });
});
