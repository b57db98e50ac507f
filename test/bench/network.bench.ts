// Issue 8 numbers: the NodePort proxy on the host, against hitting the pods' published ports
// directly in the same run; and endpoint convergence (pod turns Ready → it gets traffic through
// the proxy). Every load loop is bounded by a request count or a deadline.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Dockerode from 'dockerode';
import { startCluster, type Cluster } from '../../src-main/server/cluster.js';
import type { KubeObject } from '../../src-main/engine/api/types.js';
import { publishedPorts } from '../../src-main/engine/network/service-backends.js';
import { ensurePauseImage, ensureTestImage, PAUSE_IMAGE, TEST_HTTP_PORT } from '../fixtures/images.js';
import { execInContainer, removeClusterContainers } from '../fixtures/docker.js';
import {
  deploymentsRef,
  endpointPods,
  get,
  podContainer,
  serviceManifest,
  servicesRef,
  waitFor,
  webDeployment,
} from '../fixtures/services.js';
import { percentile, report } from './report.js';

const REQUESTS_PER_ROUND = 800;
const ROUNDS = 2;
const CONCURRENCY = 8;
const CONVERGENCE_SAMPLES = 15;

interface LoadResult {
  rps: number;
  latencies: number[];
  errors: number;
}

/** `n` GETs, `CONCURRENCY` at a time, each to the port `target(i)` returns. */
async function load(n: number, target: (i: number) => number): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const t = performance.now();
      try {
        const r = await get(target(i), '/name');
        if (r.status !== 200) errors++;
        else latencies.push(performance.now() - t);
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { rps: latencies.length / ((performance.now() - t0) / 1000), latencies, errors };
}

function isReadyTrue(pod: KubeObject): boolean {
  const conds = (pod.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? [];
  return conds.some((c) => c.type === 'Ready' && c.status === 'True');
}

async function proxyVsDirect(cluster: Cluster, nodePort: number): Promise<void> {
  const api = cluster.engine.api;
  const pods = (await api.list({ group: '', resource: 'pods', namespace: 'default' }, { labelSelector: 'app=bench' }))
    .items;
  const direct = pods.map((p) => publishedPorts(p as never).find((h) => h.containerPort === TEST_HTTP_PORT)!.hostPort);
  await load(100, (i) => direct[i % direct.length]); // warm-up
  await load(100, () => nodePort);
  const viaProxy: LoadResult[] = [];
  const straight: LoadResult[] = [];
  // Interleaved rounds, so both see the same machine (2 CPUs shared with everything else).
  for (let r = 0; r < ROUNDS; r++) {
    straight.push(await load(REQUESTS_PER_ROUND, (i) => direct[i % direct.length]));
    viaProxy.push(await load(REQUESTS_PER_ROUND, () => nodePort));
  }
  const rps = (rs: LoadResult[]) => rs.reduce((a, r) => a + r.rps, 0) / rs.length;
  const p99 = (rs: LoadResult[]) =>
    percentile(
      rs.flatMap((r) => r.latencies),
      99,
    );
  const errors = (rs: LoadResult[]) => rs.reduce((a, r) => a + r.errors, 0);
  const ratio = rps(viaProxy) / rps(straight);
  report({
    name: `NodePort proxy throughput (small HTTP, ${CONCURRENCY} concurrent, new connection each)`,
    value: rps(viaProxy),
    unit: 'req/s',
    baseline: { name: "pods' published ports directly", value: rps(straight) },
    target: { text: '≥ 0.8× direct', met: ratio >= 0.8 },
  });
  report({
    name: 'NodePort proxy p99 latency',
    value: p99(viaProxy),
    unit: 'ms',
    baseline: { name: "pods' published ports directly", value: p99(straight) },
  });
  console.log(
    `  errors: proxy ${errors(viaProxy)}, direct ${errors(straight)} (of ${ROUNDS * REQUESTS_PER_ROUND} each)`,
  );
}

/**
 * Flip one pod's readiness with /tmp/fail; from the moment the store says it is Ready, poll the
 * NodePort (bounded: until it answers or 5 s) and time its first answer.
 */
async function convergence(cluster: Cluster, docker: Dockerode, nodePort: number): Promise<void> {
  const api = cluster.engine.api;
  const [target] = (await endpointPods(api, 'bench')).ready;
  const container = await podContainer(docker, target);
  const samples: number[] = [];
  for (let s = 0; s < CONVERGENCE_SAMPLES; s++) {
    await execInContainer(container, ['touch', '/tmp/fail']);
    await waitFor(
      'unready',
      async () => ((await endpointPods(api, 'bench')).notReady.includes(target) ? 1 : undefined),
      15_000,
    );
    let readyAt = 0;
    const watch = api.watch({ group: '', resource: 'pods', namespace: 'default', name: target }, {}, (e) => {
      if (!readyAt && isReadyTrue(e.object)) readyAt = performance.now();
    });
    await execInContainer(container, ['rm', '/tmp/fail']);
    await waitFor('Ready', () => (readyAt ? 1 : undefined), 15_000);
    watch.stop();
    const deadline = readyAt + 5000;
    let answeredAt = 0;
    // Two pollers: with round robin over two pods, every other request could be the target.
    const poll = async () => {
      while (!answeredAt && performance.now() < deadline) {
        const r = await get(nodePort, '/name').catch(() => undefined);
        if (r?.body === target && !answeredAt) answeredAt = performance.now();
      }
    };
    await Promise.all([poll(), poll()]);
    if (!answeredAt) throw new Error(`pod ${target} got no traffic within 5 s of turning Ready`);
    samples.push(answeredAt - readyAt);
  }
  const p99 = percentile(samples, 99);
  report({
    name: `endpoint convergence: pod Ready → first answer through the NodePort proxy, p99 of ${samples.length}`,
    value: p99,
    unit: 'ms',
    target: { text: '≤ 200 ms', met: p99 <= 200 },
  });
  console.log(`  convergence p50 ${percentile(samples, 50).toFixed(1)} ms, max ${Math.max(...samples).toFixed(1)} ms`);
}

export async function benchNetwork(): Promise<void> {
  console.log('\n## Services: NodePort proxy and endpoint convergence on Docker (issue 8)');
  const docker = new Dockerode();
  try {
    await docker.ping();
  } catch {
    console.log('  SKIPPED: no Docker engine reachable');
    return;
  }
  await ensureTestImage(docker);
  await ensurePauseImage(docker);
  const dir = await mkdtemp(path.join(tmpdir(), 'kubedesk-bench-net-'));
  const cluster = await startCluster({ dataDir: dir, apiPort: 0, runtime: 'docker', sandboxImage: PAUSE_IMAGE });
  try {
    const api = cluster.engine.api;
    await api.create(deploymentsRef, webDeployment('bench', 2));
    const svc = await api.create(servicesRef(), serviceManifest('bench', { type: 'NodePort' }));
    const nodePort = (svc.spec as { ports: { nodePort: number }[] }).ports[0].nodePort;
    await waitFor(
      '2 ready endpoints',
      async () => ((await endpointPods(api, 'bench')).ready.length === 2 ? 1 : undefined),
      90_000,
    );
    await proxyVsDirect(cluster, nodePort);
    await convergence(cluster, docker, nodePort);
  } finally {
    await cluster.stopCluster();
    await removeClusterContainers(docker, cluster.clusterId);
    await rm(dir, { recursive: true, force: true });
  }
}
