// Issue 4 numbers: pods on the real Docker engine.
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Dockerode from 'dockerode';
import { startCluster, type Cluster } from '../../src-main/server/cluster.js';
import {
  ensurePauseImage,
  ensureTestImage,
  PAUSE_IMAGE,
  TEST_IMAGE,
  ensureNetworkImage,
  NETWORK_IMAGE,
} from '../fixtures/images.js';
import { removeClusterContainers } from '../fixtures/docker.js';
import type { KubeObject } from '../../src-main/engine/api/types.js';
import { report, percentile } from './report.js';

const run = promisify(execFile);
const podsRef = { group: '', resource: 'pods', namespace: 'default' };

function pod(
  name: string,
  extra: Record<string, unknown> = {},
  command = ['sleep', '3600'],
  restartPolicy = 'Always',
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      nodeName: 'kubedesk',
      restartPolicy,
      terminationGracePeriodSeconds: 0,
      containers: [{ name: 'main', image: TEST_IMAGE, imagePullPolicy: 'Never', command, ...extra }],
    },
  };
}

function isRunning(o: KubeObject): boolean {
  const st = o.status as { phase?: string; containerStatuses?: { state?: { running?: unknown } }[] } | undefined;
  return st?.phase === 'Running' && !!st.containerStatuses?.[0]?.state?.running;
}

/** Pod created → Running observed through a watch. */
async function startLatency(cluster: Cluster, name: string): Promise<number> {
  const t0 = performance.now();
  let resolve!: (ms: number) => void;
  const done = new Promise<number>((r) => (resolve = r));
  const h = cluster.engine.api.watch({ ...podsRef, name }, {}, (e) => {
    if (e.object.metadata.name === name && isRunning(e.object)) resolve(performance.now() - t0);
  });
  await cluster.engine.api.create(podsRef, pod(name));
  const ms = await done;
  h.stop();
  return ms;
}

export async function benchNode(): Promise<void> {
  console.log('\n## Node agent on Docker (issue 4)');
  const docker = new Dockerode();
  try {
    await docker.ping();
  } catch {
    console.log('  SKIPPED: no Docker engine reachable');
    return;
  }
  await ensureTestImage(docker);
  await ensurePauseImage(docker);
  await ensureNetworkImage(docker);
  const dir = await mkdtemp(path.join(tmpdir(), 'kubedesk-bench-node-'));
  const cluster = await startCluster({
    dataDir: dir,
    apiPort: 0,
    runtime: 'docker',
    sandboxImage: PAUSE_IMAGE,
    networkImage: NETWORK_IMAGE,
  });
  try {
    // 1. Pod startup latency vs raw `docker run -d`, interleaved so all see the same machine. Pods
    //    join the cluster's own Docker network, and a container on a user-defined network costs
    //    Docker more to start than one on the default bridge, so the raw run is timed on both.
    const network = cluster.network?.name;
    const pods: number[] = [];
    const raw: number[] = [];
    const rawBridge: number[] = [];
    const rawIds: string[] = [];
    const dockerRun = async (on: string | undefined, into: number[]) => {
      const t = performance.now();
      const net = on ? ['--network', on] : [];
      const { stdout } = await run('docker', [
        'run',
        '-d',
        ...net,
        '--label',
        'io.kubedesk.test=1',
        TEST_IMAGE,
        'sleep',
        '3600',
      ]);
      into.push(performance.now() - t);
      rawIds.push(stdout.trim());
    };
    await startLatency(cluster, 'warmup');
    for (let i = 0; i < 30; i++) {
      pods.push(await startLatency(cluster, `start-${i}`));
      await dockerRun(network, raw);
      if (network) await dockerRun(undefined, rawBridge);
    }
    const where = network ? 'on the cluster network' : 'on the default bridge';
    report({
      name: 'pod startup (created → Running seen through watch), p50',
      value: percentile(pods, 50),
      unit: 'ms',
      baseline: { name: `raw \`docker run -d\` of the same image ${where}`, value: percentile(raw, 50) },
      target: { text: '≤ 1.5× raw Docker', met: percentile(pods, 50) <= 1.5 * percentile(raw, 50) },
    });
    if (network) {
      report({
        name: '  the same raw `docker run -d` on the default bridge, p50 (what a pod would cost off the cluster network)',
        value: percentile(rawBridge, 50),
        unit: 'ms',
      });
    }
    report({
      name: 'pod startup p99',
      value: percentile(pods, 99),
      unit: 'ms',
      baseline: { name: `raw \`docker run -d\` p99 ${where}`, value: percentile(raw, 99) },
      target: { text: '≤ 1,000 ms', met: percentile(pods, 99) <= 1000 },
    });
    await Promise.all(
      rawIds.map((id) =>
        docker
          .getContainer(id)
          .remove({ force: true })
          .catch(() => undefined),
      ),
    );
    await cluster.engine.api.deleteCollection(podsRef, {}, { gracePeriodSeconds: 0 });

    // 2. Log throughput: 100,000 lines, all delivered in order to a follower.
    const N = 100_000;
    await cluster.engine.api.create(podsRef, pod('printer', {}, ['seq', '1', String(N)], 'Never'));
    // Correctness: a follower attached while the container prints gets every line, in order.
    const live = await readAll(await waitForLogs(cluster, 'printer'), N);
    // Throughput: both readers follow the same finished container's log from the start.
    const t0 = performance.now();
    const again = await readAll(await cluster.agent.io.logs('default', 'printer', undefined, { follow: true }), N);
    const ours = (again.count / (performance.now() - t0)) * 1000;
    const printer = await cluster.engine.api.get({ ...podsRef, name: 'printer' });
    const cid = (
      printer.status as { containerStatuses: { containerID: string }[] }
    ).containerStatuses[0].containerID.replace(/^docker:\/\//, '');
    const t1 = performance.now();
    const lines = await countLines('docker', ['logs', '-f', cid]);
    const theirs = (lines / (performance.now() - t1)) * 1000;
    report({
      name: `log follow, ${N.toLocaleString()} lines printed as fast as possible: live follower got ${live.count}, ${live.inOrder ? 'in order' : 'OUT OF ORDER'}; throughput reading them back`,
      value: ours,
      unit: 'lines/s',
      baseline: { name: '`docker logs -f` of the same container', value: theirs },
      target: { text: 'all lines, in order', met: live.inOrder && live.count === N && again.count === N },
    });
    await cluster.engine.api.deleteCollection(podsRef, {}, { gracePeriodSeconds: 0 });
    await cluster.agent.whenIdle();

    // 3. Agent overhead: main-process CPU and RSS with 50 pods probed every second, vs none.
    const idle = await sampleProcess(10_000);
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        cluster.engine.api.create(
          podsRef,
          pod(`probed-${i}`, {
            readinessProbe: { exec: { command: ['true'] }, periodSeconds: 1 },
            livenessProbe: { exec: { command: ['true'] }, periodSeconds: 1 },
          }),
        ),
      ),
    );
    const end = Date.now() + 120_000;
    while (Date.now() < end) {
      const list = await cluster.engine.api.list(podsRef);
      if (
        list.items.filter((p) =>
          (p.status as { conditions?: { type: string; status: string }[] }).conditions?.some(
            (c) => c.type === 'Ready' && c.status === 'True',
          ),
        ).length >= 50
      )
        break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const busy = await sampleProcess(10_000);
    report({
      name: 'main-process CPU with 50 running pods, 2 exec probes each per second',
      value: busy.cpuPercent,
      unit: '% of one core',
      baseline: { name: 'same process, no pods', value: Math.max(idle.cpuPercent, 0.01) },
    });
    report({
      name: 'main-process memory (JS heap + external) with 50 running pods probed every second',
      value: busy.rssMiB,
      unit: 'MiB',
      baseline: { name: 'same process, no pods', value: idle.rssMiB },
    });
    await cluster.engine.api.deleteCollection(podsRef, {}, { gracePeriodSeconds: 0 });
  } finally {
    await cluster.stopCluster();
    await removeClusterContainers(docker, cluster.clusterId);
    await rm(dir, { recursive: true, force: true });
  }
}

async function waitForLogs(cluster: Cluster, name: string) {
  let last: unknown;
  for (let i = 0; i < 500; i++) {
    try {
      return await cluster.agent.io.logs('default', name, undefined, { follow: true });
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  throw new Error(`no logs for ${name}: ${String(last)}`);
}

async function readAll(
  reader: AsyncIterable<Buffer> & { close(): void },
  n: number,
): Promise<{ count: number; inOrder: boolean }> {
  let expected = 1;
  let buf = '';
  let inOrder = true;
  for await (const chunk of reader) {
    buf += chunk.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      if (Number(buf.slice(0, nl)) !== expected) inOrder = false;
      buf = buf.slice(nl + 1);
      expected++;
    }
    if (expected > n) break;
  }
  reader.close();
  return { count: expected - 1, inOrder };
}

function countLines(cmd: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let n = 0;
    child.stdout.on('data', (d: Buffer) => {
      for (const b of d) if (b === 10) n++;
    });
    child.on('error', reject);
    child.on('exit', () => resolve(n));
  });
}

async function sampleProcess(ms: number): Promise<{ cpuPercent: number; rssMiB: number }> {
  // Start from a collected heap, so garbage from earlier benchmarks in this process does not count.
  (globalThis as { gc?: () => void }).gc?.();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let rss = 0;
  const end = t0 + ms;
  while (performance.now() < end) {
    rss = Math.max(rss, process.memoryUsage().heapUsed + process.memoryUsage().external);
    await new Promise((r) => setTimeout(r, 250));
  }
  const c = process.cpuUsage(c0);
  const elapsed = (performance.now() - t0) * 1000;
  return { cpuPercent: ((c.user + c.system) / elapsed) * 100, rssMiB: rss / 1024 / 1024 };
}
