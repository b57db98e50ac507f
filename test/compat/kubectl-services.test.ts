// kubectl and Services: `kubectl expose deployment`, then `kubectl get endpoints` and
// `kubectl get endpointslices` list the deployment's ready pods (simulated runtime: pods get
// IPs and turn Ready without containers).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile, spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { serveSimulatedCluster } from './harness.js';
import { freePort, waitFor } from '../fixtures/services.js';

const run = promisify(execFile);
const haveKubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
if (!haveKubectl) console.warn('SKIPPED: kubectl Services tests — kubectl is not on PATH');

let h: Awaited<ReturnType<typeof serveSimulatedCluster>>;
const kubectl = async (args: string[]) =>
  (await run('kubectl', ['--kubeconfig', h.cluster.api.kubeconfigPath, ...args], { timeout: 60_000 })).stdout;

const manifest = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: web:v1
        ports:
        - {name: http, containerPort: 8080}
`;

/** Pod name → IP of the deployment's running pods. */
async function podIPs(): Promise<Map<string, string>> {
  const out = JSON.parse(await kubectl(['get', 'pods', '-l', 'app=web', '-o', 'json'])) as {
    items: { metadata: { name: string }; status: { podIP?: string } }[];
  };
  return new Map(out.items.filter((p) => p.status.podIP).map((p) => [p.metadata.name, p.status.podIP!]));
}

describe.skipIf(!haveKubectl)('kubectl expose and endpoints', () => {
  beforeAll(async () => {
    h = await serveSimulatedCluster();
    const file = path.join(tmpdir(), `kubedesk-svc-${process.pid}.yaml`);
    await writeFile(file, manifest);
    await kubectl(['apply', '-f', file]);
    await kubectl(['rollout', 'status', 'deployment/web', '--timeout=60s']);
  }, 90_000);
  afterAll(async () => h?.stop());

  it('kubectl expose deployment creates a Service whose Endpoints list the ready pods', async () => {
    expect(await kubectl(['expose', 'deployment', 'web', '--port=80', '--target-port=http'])).toContain(
      'service/web exposed',
    );
    const ips = await podIPs();
    expect(ips.size).toBe(2);
    const expected = [...ips.values()].map((ip) => `${ip}:8080`).sort();
    const table = await waitFor(
      'endpoints with both pods',
      async () => {
        const t = await kubectl(['get', 'endpoints', 'web']);
        return expected.every((e) => t.includes(e)) ? t : undefined;
      },
      10_000,
    );
    expect(table.split('\n')[0].split(/\s+/)).toEqual(['NAME', 'ENDPOINTS', 'AGE']);
    const ep = JSON.parse(await kubectl(['get', 'endpoints', 'web', '-o', 'json'])) as {
      subsets: { addresses: { ip: string; targetRef: { name: string } }[]; ports: { port: number }[] }[];
    };
    expect(ep.subsets).toHaveLength(1);
    expect(ep.subsets[0].ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
    expect(Object.fromEntries(ep.subsets[0].addresses.map((a) => [a.targetRef.name, a.ip]))).toEqual(
      Object.fromEntries(ips),
    );
  });

  it('kubectl get endpointslices shows the slice of the Service with its addresses', async () => {
    const ips = await podIPs();
    const table = await kubectl(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=web']);
    const [header, row] = table.trim().split('\n');
    expect(header.split(/\s+/)).toEqual(['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE']);
    const cells = row.split(/\s+/);
    expect(cells[0]).toMatch(/^web-[a-z0-9]{5}$/);
    expect(cells.slice(1, 3)).toEqual(['IPv4', '8080']);
    expect(cells[3].split(',').sort()).toEqual([...ips.values()].sort());
    // A pod going away leaves both lists.
    const [gone] = [...ips.keys()];
    await kubectl(['delete', 'pod', gone, '--wait=true']);
    await waitFor(
      'endpoints without the deleted pod',
      async () => ((await kubectl(['get', 'endpoints', 'web'])).includes(ips.get(gone)!) ? undefined : true),
      20_000,
    );
  });

  it('kubectl api-resources lists endpointslices in discovery.k8s.io', async () => {
    const out = await kubectl(['api-resources', '--api-group=discovery.k8s.io']);
    expect(out).toMatch(/endpointslices\s+discovery\.k8s\.io\/v1\s+true\s+EndpointSlice/);
  });

  it('kubectl shows a LoadBalancer Service with 127.0.0.1 as its external IP once it listens', async () => {
    const port = await freePort(20000, 29000);
    await kubectl([
      'expose',
      'deployment',
      'web',
      '--name=web-lb',
      '--type=LoadBalancer',
      `--port=${port}`,
      '--target-port=http',
    ]);
    const row = await waitFor(
      'EXTERNAL-IP',
      async () => {
        const out = await kubectl(['get', 'svc', 'web-lb', '--no-headers']);
        return out.includes('127.0.0.1') ? out : undefined;
      },
      10_000,
    );
    const [name, type, clusterIP, externalIP, ports] = row.trim().split(/\s+/);
    expect([name, type, externalIP]).toEqual(['web-lb', 'LoadBalancer', '127.0.0.1']);
    expect(clusterIP).toMatch(/^10\.(9[6-9]|1[01][0-9])\./);
    expect(ports).toMatch(new RegExp(`^${port}:3\\d{4}/TCP$`));
    await kubectl(['delete', 'svc', 'web-lb']);
  });
});
