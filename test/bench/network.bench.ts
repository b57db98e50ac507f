// Issue 8 numbers: the NodePort proxy on the host, against hitting the pods' published ports
// directly in the same run; and endpoint convergence (pod turns Ready → it gets traffic through
// the proxy). Every load loop is bounded by a request count or a deadline.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import Dockerode from 'dockerode';
import { startCluster, type Cluster } from '../../src-main/server/cluster.js';
import type { KubeObject } from '../../src-main/engine/api/types.js';
import { publishedPorts } from '../../src-main/engine/network/service-backends.js';
import { tcpImplementation } from '../../src-main/engine/network/tcp-conn.js';
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

const REQUESTS_PER_ROUND = 400;
/** Pairs of rounds (direct and proxy), interleaved in ABBA order. */
const ROUNDS = 8;
const WARM_UP = 400;
const CONCURRENCY = 8;
const CONVERGENCE_SAMPLES = 15;

interface LoadResult {
  rps: number;
  seconds: number;
  latencies: number[];
  errors: number;
}

// The load generator runs in its own process: clients of the proxy are other programs (a
// browser, curl), so they share neither the event loop nor the heap of the process hosting it.
const LOAD_PROCESS = `
const http = require('node:http');
function get(port) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/name', agent: false, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
      res.on('error', () => resolve(false));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}
process.on('message', async ({ ports, n, concurrency }) => {
  const latencies = [];
  let errors = 0;
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const t = performance.now();
      if (await get(ports[i % ports.length])) latencies.push(performance.now() - t);
      else errors++;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - t0) / 1000;
  process.send({ rps: latencies.length / seconds, seconds, latencies, errors });
});
`;

/**
 * One load-generator process for the whole run (started once: starting a process is not free, and
 * must not fall inside a measured round). Plain JavaScript, so it runs without the tsx loader.
 */
class LoadGenerator {
  #child: ChildProcess = spawn(process.execPath, ['-e', LOAD_PROCESS], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });

  /** `n` GETs, `CONCURRENCY` at a time, spread round robin over `ports`. */
  run(n: number, ports: number[]): Promise<LoadResult> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`the load generator exited (${code})`));
      this.#child.once('message', (m) => {
        this.#child.off('exit', onExit);
        resolve(m as LoadResult);
      });
      this.#child.once('exit', onExit);
      this.#child.send({ ports, n, concurrency: CONCURRENCY });
    });
  }

  async close(): Promise<void> {
    if (this.#child.exitCode !== null) return;
    const exited = new Promise((r) => this.#child.once('exit', r));
    this.#child.kill();
    await exited;
  }
}

/** Busy and total CPU time of the machine so far (Linux), for the share busy between two reads. */
function cpuTimes(): { busy: number; total: number } | undefined {
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    const n = fields.map(Number);
    const total = n.reduce((a, b) => a + b, 0);
    return { busy: total - n[3] - (n[4] ?? 0), total };
  } catch {
    return undefined;
  }
}

function cpuBusy(a: ReturnType<typeof cpuTimes>, b: ReturnType<typeof cpuTimes>): number | undefined {
  if (!a || !b || b.total === a.total) return undefined;
  return (100 * (b.busy - a.busy)) / (b.total - a.total);
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
  const gen = new LoadGenerator();
  const load = (n: number, ports: number[]) => gen.run(n, ports);
  await load(WARM_UP, direct);
  await load(WARM_UP, [nodePort]);
  const viaProxy: LoadResult[] = [];
  const straight: LoadResult[] = [];
  // Interleaved rounds, so both see the same machine (2 CPUs shared with everything else), in
  // ABBA order so that a machine getting faster or slower over the run favours neither.
  // How long the KubeDesk event loop (which hosts the proxy) was blocked while proxying.
  // A fresh histogram per round (re-enabling one would count the disabled interval as a delay);
  // the p99 of each round is kept.
  const loopDelay: number[] = [];
  const idleDelay: number[] = [];
  const cpuBefore = cpuTimes();
  for (let r = 0; r < ROUNDS; r++) {
    for (const proxied of r % 2 === 0 ? [false, true] : [true, false]) {
      const h = monitorEventLoopDelay({ resolution: 5 });
      h.enable();
      const result = await load(REQUESTS_PER_ROUND, proxied ? [nodePort] : direct);
      h.disable();
      (proxied ? viaProxy : straight).push(result);
      (proxied ? loopDelay : idleDelay).push(h.percentile(99) / 1e6);
    }
  }
  const busy = cpuBusy(cpuBefore, cpuTimes());
  await gen.close();
  // Requests over the time they took, across all rounds of a kind.
  const rps = (rs: LoadResult[]) =>
    rs.reduce((a, r) => a + r.latencies.length, 0) / rs.reduce((a, r) => a + r.seconds, 0);
  const p99 = (rs: LoadResult[]) =>
    percentile(
      rs.flatMap((r) => r.latencies),
      99,
    );
  const errors = (rs: LoadResult[]) => rs.reduce((a, r) => a + r.errors, 0);
  const pairRatios = viaProxy.map((p, i) => p.rps / straight[i].rps).sort((a, b) => a - b);
  const ratio = rps(viaProxy) / rps(straight);
  report({
    name: `NodePort proxy throughput (small HTTP, ${CONCURRENCY} concurrent, new connection each, client in its own process)`,
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
  // The proxy adds one process hop (client → KubeDesk → Docker's port proxy → pod): on a busy
  // machine each hop waits for a CPU, so the ratio depends on the load; print it.
  console.log(
    `  event-loop delay of the process hosting the proxy, p99 per round: ${loopDelay.map((d) => d.toFixed(1)).join(', ')} ms ` +
      `(during the direct rounds: ${idleDelay.map((d) => d.toFixed(1)).join(', ')} ms)`,
  );
  console.log(
    `  proxy data path: ${tcpImplementation() === 'handles' ? 'libuv TCP handles' : 'net.Socket (fallback)'}`,
  );
  console.log(
    `  ratio per pair of rounds: min ${pairRatios[0].toFixed(2)}, median ${percentile(pairRatios, 50).toFixed(2)}, ` +
      `max ${pairRatios[pairRatios.length - 1].toFixed(2)} (${ROUNDS} pairs of ${REQUESTS_PER_ROUND} requests)`,
  );
  console.log(
    `  CPU busy during the rounds: ${busy === undefined ? 'unknown' : `${busy.toFixed(0)}%`} of ${os.cpus().length} CPUs ` +
      '(near 100%: throughput is bound by the CPU each request costs, the proxy hop included)',
  );
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
  const toEndpoints: number[] = [];
  for (let s = 0; s < CONVERGENCE_SAMPLES; s++) {
    await execInContainer(container, ['touch', '/tmp/fail']);
    await waitFor(
      'unready',
      async () => ((await endpointPods(api, 'bench')).notReady.includes(target) ? 1 : undefined),
      15_000,
    );
    let readyAt = 0;
    let listedAt = 0;
    const watch = api.watch({ group: '', resource: 'pods', namespace: 'default', name: target }, {}, (e) => {
      if (!readyAt && isReadyTrue(e.object)) readyAt = performance.now();
    });
    const epWatch = api.watch({ group: '', resource: 'endpoints', namespace: 'default', name: 'bench' }, {}, (e) => {
      const subsets = (e.object.subsets ?? []) as { addresses?: { targetRef?: { name: string } }[] }[];
      const listed = subsets.some((x) => (x.addresses ?? []).some((a) => a.targetRef?.name === target));
      if (readyAt && !listedAt && listed) listedAt = performance.now();
    });
    // Poll from before the flip (bounded by a deadline), so no polling delay is measured: the
    // first answer from the target can only come once it is listed again.
    const deadline = performance.now() + 15_000;
    let answeredAt = 0;
    const poll = async () => {
      while (!answeredAt && performance.now() < deadline) {
        const r = await get(nodePort, '/name').catch(() => undefined);
        if (r?.body === target && !answeredAt) answeredAt = performance.now();
      }
    };
    // Two pollers: with round robin over two pods, every other request could be the target.
    const polling = Promise.all([poll(), poll()]);
    await execInContainer(container, ['rm', '/tmp/fail']);
    await polling;
    watch.stop();
    epWatch.stop();
    if (listedAt) toEndpoints.push(listedAt - readyAt);
    if (!answeredAt || !readyAt) throw new Error(`pod ${target} got no traffic within 15 s of its probe passing`);
    samples.push(answeredAt - readyAt);
  }
  const p99 = percentile(samples, 99);
  report({
    name: `endpoint convergence: pod Ready → first answer through the NodePort proxy, p99 of ${samples.length}`,
    value: p99,
    unit: 'ms',
    target: { text: '≤ 200 ms', met: p99 <= 200 },
  });
  console.log(
    `  convergence p50 ${percentile(samples, 50).toFixed(1)} ms, max ${Math.max(...samples).toFixed(1)} ms; ` +
      `of which Ready → listed in Endpoints p50 ${percentile(toEndpoints, 50).toFixed(1)} ms, p99 ${percentile(toEndpoints, 99).toFixed(1)} ms`,
  );
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
