// An Ingress on the real Docker engine: two paths to two Services, a host rule, TLS from a
// kubernetes.io/tls Secret (SNI), 503 for a Service without ready pods, 404 for no rule.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type tls from 'node:tls';
import Dockerode from 'dockerode';
import forge from 'node-forge';
import { dockerOrSkip, removeClusterContainers } from '../fixtures/docker.js';
import { ensurePauseImage, ensureTestImage, PAUSE_IMAGE, TEST_HTTP_PORT, TEST_IMAGE } from '../fixtures/images.js';
import { startCluster, type Cluster } from '../../src-main/server/cluster.js';

const docker = await dockerOrSkip();
const run = promisify(execFile);
const KUBECTL = '/usr/lib/google-cloud-sdk/bin/kubectl.1.32';
const haveKubectl = existsSync(KUBECTL);
if (!haveKubectl) console.warn(`SKIPPED: kubectl get ingress — ${KUBECTL} is not installed`);

/** A self-signed certificate for `host`, PEM. */
function selfSigned(host: string): { cert: string; key: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 24 * 3600_000);
  const attrs = [{ name: 'commonName', value: host }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([{ name: 'subjectAltName', altNames: [{ type: 2, value: host }] }]);
  const key = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString());
  cert.sign(key as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return {
    cert: forge.pki.certificateToPem(cert),
    key: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
  };
}

/** A pod whose httpd serves `<name>` at /, /<name>/ and a marker at /<name>/id. */
function webPod(name: string, declarePort = true) {
  const script = [
    `mkdir -p /tmp/w/${name}`,
    `echo root-${name} > /tmp/w/index.html`,
    `echo path-${name} > /tmp/w/${name}/index.html`,
    `exec httpd -f -p ${TEST_HTTP_PORT} -h /tmp/w`,
  ].join(' && ');
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: name } },
    spec: {
      terminationGracePeriodSeconds: 0,
      containers: [
        {
          name: 'web',
          image: TEST_IMAGE,
          imagePullPolicy: 'Never',
          command: ['sh', '-c', script],
          ...(declarePort ? { ports: [{ name: 'http', containerPort: TEST_HTTP_PORT }] } : {}),
          readinessProbe: { tcpSocket: { port: TEST_HTTP_PORT }, periodSeconds: 1 },
        },
      ],
    },
  };
}

const svc = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name },
  spec: { selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
});

const prefix = (p: string, service: string, port: object = { number: 80 }) => ({
  path: p,
  pathType: 'Prefix',
  backend: { service: { name: service, port } },
});

let cluster: Cluster;
let dataDir: string;

function get(host: string, p: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port: cluster.ingress!.httpPort, path: p, headers: { host } }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

async function until(cond: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond().catch(() => false))) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.skipIf(!docker)('Ingress on Docker', () => {
  const tlsPair = selfSigned('secure.example.com');

  beforeAll(async () => {
    await ensureTestImage(docker!);
    await ensurePauseImage(docker!);
    dataDir = await mkdtemp(path.join(tmpdir(), 'kubedesk-ingress-'));
    cluster = await startCluster({
      dataDir,
      apiPort: 0,
      runtime: 'docker',
      sandboxImage: PAUSE_IMAGE,
      ingressPort: 0,
      ingressHttpsPort: 0,
    });
    const api = cluster.engine.api;
    const ns = { group: '', namespace: 'default' };
    for (const name of ['one', 'two']) {
      await api.create({ ...ns, resource: 'pods' }, webPod(name));
      await api.create({ ...ns, resource: 'services' }, svc(name));
    }
    await api.create({ ...ns, resource: 'services' }, svc('nobody'));
    // Its container declares no port, so nothing is published: reached from inside the pod.
    await api.create({ ...ns, resource: 'pods' }, webPod('three', false));
    await api.create(
      { ...ns, resource: 'services' },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'three' },
        spec: { selector: { app: 'three' }, ports: [{ port: 80, targetPort: TEST_HTTP_PORT }] },
      },
    );
    await api.create(
      { ...ns, resource: 'secrets' },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'secure-tls' },
        type: 'kubernetes.io/tls',
        data: {
          'tls.crt': Buffer.from(tlsPair.cert).toString('base64'),
          'tls.key': Buffer.from(tlsPair.key).toString('base64'),
        },
      },
    );
    await api.create(
      { group: 'networking.k8s.io', resource: 'ingresses', namespace: 'default' },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: 'site' },
        spec: {
          tls: [{ hosts: ['secure.example.com'], secretName: 'secure-tls' }],
          rules: [
            { host: 'two.example.com', http: { paths: [prefix('/', 'two', { name: 'http' })] } },
            { host: 'secure.example.com', http: { paths: [prefix('/', 'one')] } },
            {
              http: {
                paths: [
                  prefix('/one', 'one'),
                  prefix('/two', 'two'),
                  prefix('/nobody', 'nobody'),
                  prefix('/three', 'three'),
                ],
              },
            },
          ],
        },
      },
    );
    await until(
      async () => (await get('x', '/one/')).status === 200 && (await get('x', '/two/')).status === 200,
      60_000,
    );
  }, 120_000);

  afterAll(async () => {
    if (!cluster) return;
    await cluster.stopCluster();
    await removeClusterContainers(new Dockerode(), cluster.clusterId);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('routes two paths to two Services', async () => {
    expect(await get('x', '/one/')).toEqual({ status: 200, body: 'path-one\n' });
    expect(await get('x', '/two/')).toEqual({ status: 200, body: 'path-two\n' });
  });

  it('proxies small requests at a useful rate (printed beside the pod’s published port)', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    const burst = async (port: number, host: string, p: string, n: number): Promise<number> => {
      const started = performance.now();
      let next = 0;
      const worker = async () => {
        while (next++ < n) {
          await new Promise<void>((resolve, reject) => {
            http
              .get({ host: '127.0.0.1', port, path: p, headers: { host }, agent }, (res) => {
                res.resume();
                res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
              })
              .on('error', reject);
          });
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
      return n / ((performance.now() - started) / 1000);
    };
    const pod = await cluster.engine.api.get({ group: '', resource: 'pods', namespace: 'default', name: 'one' });
    const ports = JSON.parse(pod.metadata.annotations?.['kubedesk.io/host-ports'] ?? '[]') as { hostPort: number }[];
    const direct = await burst(ports[0].hostPort, 'x', '/one/', 300);
    const viaIngress = await burst(cluster.ingress!.httpPort, 'x', '/one/', 300);
    agent.destroy();
    console.log(
      `ingress: ${viaIngress.toFixed(0)} req/s through the Ingress vs ${direct.toFixed(0)} req/s to the published port ` +
        `(ratio ${(viaIngress / direct).toFixed(2)}, 8 concurrent clients, 300 requests each way)`,
    );
    expect(viaIngress).toBeGreaterThan(0);
  });

  it('reaches a Service whose pods publish no port (from inside the pod)', async () => {
    await until(async () => (await get('x', '/three/')).status === 200);
    expect(await get('x', '/three/')).toEqual({ status: 200, body: 'path-three\n' });
  });

  it('routes a host rule (backend port by name) before the host-less rules', async () => {
    expect(await get('two.example.com', '/')).toEqual({ status: 200, body: 'root-two\n' });
    expect(await get('TWO.example.com:8080', '/two/')).toEqual({ status: 200, body: 'path-two\n' });
  });

  it('answers 503 naming the Service when it has no ready endpoint, 404 when nothing matches', async () => {
    const none = await get('x', '/nobody');
    expect(none.status).toBe(503);
    expect(none.body).toContain('default/nobody');
    expect((await get('x', '/elsewhere')).status).toBe(404);
  });

  it('serves TLS for the tls host with the Secret certificate (SNI)', async () => {
    await until(async () => cluster.ingress!.httpsPort > 0);
    const { body, cn } = await new Promise<{ body: string; cn: string }>((resolve, reject) => {
      const req = https.get(
        {
          host: '127.0.0.1',
          port: cluster.ingress!.httpsPort,
          path: '/one/',
          servername: 'secure.example.com',
          headers: { host: 'secure.example.com' },
          ca: tlsPair.cert,
          checkServerIdentity: () => undefined,
        },
        (res) => {
          let b = '';
          const peer = (res.socket as tls.TLSSocket).getPeerCertificate();
          res.on('data', (d) => (b += d));
          res.on('end', () => resolve({ body: b, cn: String(peer.subject?.CN) }));
        },
      );
      req.on('error', reject);
    });
    expect(cn).toBe('secure.example.com');
    expect(body).toBe('path-one\n');
  });

  it('fills status.loadBalancer and the default IngressClass exists', async () => {
    await until(async () => {
      const ing = await cluster.engine.api.get({
        group: 'networking.k8s.io',
        resource: 'ingresses',
        namespace: 'default',
        name: 'site',
      });
      return (
        (ing.status as { loadBalancer?: { ingress?: { ip?: string }[] } })?.loadBalancer?.ingress?.[0]?.ip ===
        '127.0.0.1'
      );
    });
    const cls = await cluster.engine.api.get({
      group: 'networking.k8s.io',
      resource: 'ingressclasses',
      name: 'kubedesk',
    });
    expect(cls.metadata.annotations?.['ingressclass.kubernetes.io/is-default-class']).toBe('true');
  });

  it.skipIf(!haveKubectl)(
    'kubectl lists the default IngressClass and the Ingress with its class and address',
    async () => {
      const kc = ['--kubeconfig', cluster.api.kubeconfigPath];
      // Async: the API server runs in this process, so a blocking exec would starve it.
      const { stdout: classes } = await run(KUBECTL, [...kc, 'get', 'ingressclass']);
      expect(classes).toMatch(/^NAME\s+CONTROLLER\s+PARAMETERS\s+AGE/);
      expect(classes).toMatch(/kubedesk\s+kubedesk\.io\/ingress-controller\s+<none>/);
      const { stdout: ing } = await run(KUBECTL, [...kc, 'get', 'ingress', 'site']);
      expect(ing).toMatch(/site\s+kubedesk\s+two\.example\.com,secure\.example\.com\s+127\.0\.0\.1\s+80, 443/);
    },
  );
});
