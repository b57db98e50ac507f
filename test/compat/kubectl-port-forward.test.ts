// `kubectl port-forward` against a whole cluster on the real Docker engine, with kubectl 1.30
// (SPDY/3.1 over an HTTP upgrade) and the newest kubectl (a WebSocket tunnel carrying SPDY,
// falling back to the plain upgrade), plus client-node's v4.channel.k8s.io PortForward.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import { dockerOrSkip } from '../fixtures/docker.js';
import { ensurePauseImage, ensureTestImage, TEST_HTTP_PORT, TEST_IMAGE } from '../fixtures/images.js';
import { serveCluster } from './harness.js';
import { portForwardStats } from '../../src-main/server/api/port-forward-http.js';

const run = promisify(execFile);
const docker = await dockerOrSkip();
interface Client {
  name: string;
  bin: string;
  env: Record<string, string>;
  /** Which transport the server should see (portForwardStats key). */
  transport: 'spdy' | 'websocketSpdy';
}
// kubectl 1.30 only speaks SPDY over an upgrade; 1.31+ tunnels SPDY through a WebSocket unless
// KUBECTL_PORT_FORWARD_WEBSOCKETS=false (and falls back to the upgrade when the server refuses).
// (/usr/bin/kubectl is a dispatcher that picks a version by the server's, so versions are named.)
const SDK = '/usr/lib/google-cloud-sdk/bin';
const CLIENTS: Client[] = (
  [
    { name: 'kubectl 1.30', bin: `${SDK}/kubectl.1.30`, env: {}, transport: 'spdy' },
    { name: 'kubectl 1.32', bin: `${SDK}/kubectl.1.32`, env: {}, transport: 'websocketSpdy' },
    {
      name: 'kubectl 1.32 with WebSockets off',
      bin: `${SDK}/kubectl.1.32`,
      env: { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' },
      transport: 'spdy',
    },
  ] as Client[]
).filter((c) => {
  const ok = existsSync(c.bin);
  if (!ok) console.warn(`SKIPPED: port-forward with ${c.bin} — not installed`);
  return ok;
});

let h: Awaited<ReturnType<typeof serveCluster>>;
const kc = () => ['--kubeconfig', h.cluster.api.kubeconfigPath];

async function kubectl(bin: string, args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(bin, [...kc(), ...args], { timeout: 60_000 });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; code?: number };
    return { stdout: e.stdout ?? '', stderr: e.stderr ?? '', code: typeof e.code === 'number' ? e.code : 1 };
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

interface Forward {
  child: ChildProcess;
  out: () => string;
  stop(): Promise<void>;
}

/** Starts `kubectl port-forward` and waits for "Forwarding from". */
async function startForward(bin: string, args: string[], env: Record<string, string> = {}): Promise<Forward> {
  const child = spawn(bin, [...kc(), 'port-forward', ...(process.env.PF_DEBUG ? ['-v=9'] : []), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const end = Date.now() + 20_000;
  while (!out.includes('Forwarding from') && child.exitCode === null && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 50));
  }
  if (!out.includes('Forwarding from')) {
    child.kill('SIGKILL');
    throw new Error(`kubectl port-forward did not start: ${out}`);
  }
  return {
    child,
    out: () => out,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGINT');
      await exited;
    },
  };
}

/** A raw HTTP/1.0 GET, so nothing keeps the connection alive. */
function httpGet(port: number, path = '/'): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let body = '';
    s.on('connect', () => s.write(`GET ${path} HTTP/1.0\r\nHost: x\r\n\r\n`));
    s.on('data', (d: Buffer) => (body += d.toString()));
    s.on('end', () => resolve(body));
    s.on('error', reject);
    s.setTimeout(10_000, () => s.destroy(new Error(`GET ${path} through port ${port} timed out`)));
  });
}

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  return cond();
}

const httpdPod = (name: string, declarePort: boolean) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels: { app: name } },
  spec: {
    nodeName: 'kubedesk',
    terminationGracePeriodSeconds: 0,
    containers: [
      {
        name: 'web',
        image: TEST_IMAGE,
        imagePullPolicy: 'Never',
        command: ['httpd', '-f', '-p', String(TEST_HTTP_PORT), '-h', '/www'],
        // 9999 is published but nothing listens there.
        ...(declarePort
          ? {
              ports: [
                { name: 'http', containerPort: TEST_HTTP_PORT },
                { name: 'idle', containerPort: 9999 },
              ],
            }
          : {}),
        readinessProbe: { tcpSocket: { port: TEST_HTTP_PORT }, periodSeconds: 1 },
      },
    ],
  },
});

/** httpd serving 4 MiB of random bytes at /big.bin (published port), to check integrity and speed. */
const bigFilePod = () => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'big' },
  spec: {
    nodeName: 'kubedesk',
    terminationGracePeriodSeconds: 0,
    containers: [
      {
        name: 'web',
        image: TEST_IMAGE,
        imagePullPolicy: 'Never',
        command: [
          'sh',
          '-c',
          `mkdir -p /tmp/w && head -c 4194304 /dev/urandom > /tmp/w/big.bin && exec httpd -f -p ${TEST_HTTP_PORT} -h /tmp/w`,
        ],
        ports: [{ containerPort: TEST_HTTP_PORT }],
        readinessProbe: { exec: { command: ['test', '-f', '/tmp/w/big.bin'] }, periodSeconds: 1 },
      },
    ],
  },
});

/** The raw bytes of a GET (HTTP/1.0, so the body ends with the connection). */
function httpGetBytes(port: number, path: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    s.on('connect', () => s.write(`GET ${path} HTTP/1.0\r\nHost: x\r\n\r\n`));
    s.on('data', (d: Buffer) => chunks.push(d));
    s.on('end', () => {
      const all = Buffer.concat(chunks);
      resolve(all.subarray(all.indexOf('\r\n\r\n') + 4));
    });
    s.on('error', reject);
    s.setTimeout(30_000, () => s.destroy(new Error(`GET ${path} through port ${port} timed out`)));
  });
}

describe.skipIf(!docker || CLIENTS.length === 0)('kubectl port-forward against pods on Docker', () => {
  beforeAll(async () => {
    await ensureTestImage(docker!);
    await ensurePauseImage(docker!);
    h = await serveCluster();
    const api = h.cluster.engine.api;
    await api.create({ group: '', resource: 'pods', namespace: 'default' }, httpdPod('web', true));
    await api.create({ group: '', resource: 'pods', namespace: 'default' }, httpdPod('hidden', false));
    await api.create({ group: '', resource: 'pods', namespace: 'default' }, bigFilePod());
    // Never starts: its image is not on the node and may not be pulled.
    await api.create(
      { group: '', resource: 'pods', namespace: 'default' },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'stuck' },
        spec: {
          nodeName: 'kubedesk',
          containers: [{ name: 'c', image: 'kubedesk-test/absent:0', imagePullPolicy: 'Never' }],
        },
      },
    );
    await api.create(
      { group: '', resource: 'services', namespace: 'default' },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web' },
        spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] },
      },
    );
    for (const pod of ['web', 'hidden', 'big']) {
      const r = await kubectl(CLIENTS[0].bin, ['wait', '--for=condition=Ready', `pod/${pod}`, '--timeout=60s']);
      if (r.code !== 0) throw new Error(`pod ${pod} did not become Ready: ${r.stderr}`);
    }
  }, 120_000);
  afterAll(async () => h?.stop());

  for (const { name: v, bin, env, transport } of CLIENTS) {
    it(`${v}: port-forward pod/web serves the httpd page, twice over one forward`, async () => {
      const before = portForwardStats();
      const local = await freePort();
      const fwd = await startForward(bin, ['pod/web', `${local}:${TEST_HTTP_PORT}`], env);
      try {
        const first = await httpGet(local);
        expect(first).toMatch(/^HTTP\/1\.[01] 200/);
        expect(first).toContain('busybox httpd');
        const second = await httpGet(local);
        expect(second).toMatch(/^HTTP\/1\.[01] 200/);
        const after = portForwardStats();
        expect(after[transport], fwd.out()).toBe(before[transport] + 1);
      } finally {
        await fwd.stop();
      }
      expect(
        await waitFor(() => portForwardStats().connections === 0 && portForwardStats().upstreams === 0, 5000),
      ).toBe(true);
    });

    it(`${v}: port-forward svc/web maps the Service port to the pod's named port`, async () => {
      const local = await freePort();
      const fwd = await startForward(bin, ['svc/web', `${local}:80`], env);
      try {
        expect(fwd.out()).toContain(`-> ${TEST_HTTP_PORT}`);
        expect(await httpGet(local)).toContain('busybox httpd');
      } finally {
        await fwd.stop();
      }
    });

    it(`${v}: a port the pod does not publish is reached from inside the pod`, async () => {
      const local = await freePort();
      const fwd = await startForward(bin, ['pod/hidden', `${local}:${TEST_HTTP_PORT}`], env);
      try {
        expect(await httpGet(local)).toContain('busybox httpd');
      } finally {
        await fwd.stop();
      }
      expect(await waitFor(() => portForwardStats().upstreams === 0, 5000)).toBe(true);
      // The nc that carried the connection inside the pod is gone too.
      const pod = await h.cluster.engine.api.get({ group: '', resource: 'pods', namespace: 'default', name: 'hidden' });
      const id = (pod.status as { containerStatuses: { containerID: string }[] }).containerStatuses[0].containerID;
      const container = docker!.getContainer(id.replace('docker://', ''));
      const ncRunning = async () =>
        (((await container.top()).Processes ?? []) as string[][]).some((p) => p.some((f) => /\bnc\b/.test(f)));
      const end = Date.now() + 5000;
      while ((await ncRunning()) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
      expect(await ncRunning()).toBe(false);
    });

    it.each([
      [9999, 'published'],
      [9, 'unpublished'],
    ])(`${v}: a closed %s (%s) port is reported as connection refused`, async (port) => {
      const local = await freePort();
      const fwd = await startForward(bin, ['pod/web', `${local}:${port}`], env);
      try {
        await httpGet(local).catch(() => '');
        await waitFor(() => /connection refused/.test(fwd.out()), 10_000);
        expect(fwd.out()).toContain('connection refused');
        expect(fwd.out()).toMatch(new RegExp(`an error occurred forwarding \\d+ -> ${port}`));
      } finally {
        await fwd.stop();
      }
    });

    it(`${v}: 4 MiB arrive intact through the forward (throughput printed)`, async () => {
      const local = await freePort();
      const fwd = await startForward(bin, ['pod/big', `${local}:${TEST_HTTP_PORT}`], env);
      try {
        const started = performance.now();
        const body = await httpGetBytes(local, '/big.bin');
        const seconds = (performance.now() - started) / 1000;
        expect(body.length).toBe(4 * 1024 * 1024);
        const { stdout } = await kubectl(bin, ['exec', 'big', '--', 'md5sum', '/tmp/w/big.bin']);
        expect(createHash('md5').update(body).digest('hex')).toBe(stdout.split(' ')[0]);
        // Baseline in the same run: the pod's published port, straight.
        const pod = await h.cluster.engine.api.get({ group: '', resource: 'pods', namespace: 'default', name: 'big' });
        const ports = JSON.parse(pod.metadata.annotations?.['kubedesk.io/host-ports'] ?? '[]') as {
          hostPort: number;
        }[];
        const t0 = performance.now();
        await httpGetBytes(ports[0].hostPort, '/big.bin');
        const direct = (performance.now() - t0) / 1000;
        console.log(
          `port-forward ${v}: 4 MiB in ${(seconds * 1000).toFixed(0)} ms = ${(4 / seconds).toFixed(1)} MiB/s ` +
            `(direct published port: ${(4 / direct).toFixed(1)} MiB/s, ratio ${(direct / seconds).toFixed(2)})`,
        );
      } finally {
        await fwd.stop();
      }
    });

    it(`${v}: a pod that is not running is refused`, async () => {
      const r = await kubectl(bin, ['port-forward', 'pod/stuck', '18081:80']);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('unable to forward port because pod is not running. Current status=Pending');
    });

    it(`${v}: a missing pod is NotFound`, async () => {
      const r = await kubectl(bin, ['port-forward', 'pod/nope', '18080:80']);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('pods "nope" not found');
    });
  }

  it('the API refuses a port-forward upgrade to a pod that is not running (client-node)', async () => {
    const kcfg = new k8s.KubeConfig();
    kcfg.loadFromFile(h.cluster.api.kubeconfigPath);
    const pf = new k8s.PortForward(kcfg);
    const sink = new PassThrough();
    await expect(pf.portForward('default', 'stuck', [80], sink, sink, new PassThrough())).rejects.toThrow();
  });

  it('client-node PortForward (v4.channel.k8s.io) fetches the page', async () => {
    const kcfg = new k8s.KubeConfig();
    kcfg.loadFromFile(h.cluster.api.kubeconfigPath);
    const pf = new k8s.PortForward(kcfg);
    const output = new PassThrough();
    const errors = new PassThrough();
    const input = new PassThrough();
    let body = '';
    output.on('data', (d: Buffer) => (body += d.toString()));
    let errText = '';
    errors.on('data', (d: Buffer) => (errText += d.toString()));
    const ws = await pf.portForward('default', 'web', [TEST_HTTP_PORT], output, errors, input);
    input.write('GET / HTTP/1.0\r\nHost: x\r\n\r\n');
    expect(await waitFor(() => body.includes('</html>') || body.includes('busybox httpd'), 10_000)).toBe(true);
    expect(body).toMatch(/^HTTP\/1\.[01] 200/);
    expect(errText).toBe('');
    (ws as { close(): void }).close();
  });
});
