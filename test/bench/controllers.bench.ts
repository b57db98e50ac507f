// Issue 5 numbers (memory store, no containers): scheduler throughput, a 100-replica rollout,
// and controller memory with 10,000 pods.
import { Engine } from '../../src-main/engine/index.js';
import type { KubeObject } from '../../src-main/engine/api/types.js';
import { report } from './report.js';

function node(i: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: `node-${i}`, labels: { 'kubernetes.io/hostname': `node-${i}`, zone: `z${i % 3}` } },
    spec: {},
    status: {
      capacity: { cpu: '8', memory: '32Gi', pods: '110' },
      allocatable: { cpu: '8', memory: '32Gi', pods: '110' },
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'KubeletReady',
          message: 'ready',
          lastHeartbeatTime: new Date().toISOString(),
          lastTransitionTime: new Date().toISOString(),
        },
      ],
    },
  };
}

function pod(i: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `p-${i}`, labels: { app: `a${i % 50}` } },
    spec: { containers: [{ name: 'c', image: 'nginx:1.25', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
  };
}

async function schedulerRun(nodes: number, pods: number): Promise<{ rate: number; baseline: number }> {
  const engine = await Engine.start({
    controllers: { replicaSets: false, deployments: false, scheduler: true },
    historySize: 100_000,
  });
  try {
    const nodeRef = { group: '', resource: 'nodes' };
    for (let i = 0; i < nodes; i += 500) {
      await Promise.all(
        Array.from({ length: Math.min(500, nodes - i) }, (_, k) => engine.api.create(nodeRef, node(i + k))),
      );
    }
    await engine.settle();
    const scheduler = engine.controllers!.scheduler!;
    const start = scheduler.scheduledCount;
    const t0 = performance.now();
    const podRef = { group: '', resource: 'pods', namespace: 'default' };
    for (let i = 0; i < pods; i += 500) {
      await Promise.all(
        Array.from({ length: Math.min(500, pods - i) }, (_, k) => engine.api.create(podRef, pod(i + k))),
      );
    }
    while (scheduler.scheduledCount - start < pods) await new Promise((r) => setTimeout(r, 5));
    const rate = pods / ((performance.now() - t0) / 1000);
    // Baseline: the same 10,000 pod creates on an engine with no scheduler (the API's own cost).
    const bare = await Engine.start({ historySize: 100_000 });
    const b0 = performance.now();
    for (let i = 0; i < pods; i += 500) {
      await Promise.all(Array.from({ length: Math.min(500, pods - i) }, (_, k) => bare.api.create(podRef, pod(i + k))));
    }
    const baseline = pods / ((performance.now() - b0) / 1000);
    await bare.stop();
    return { rate, baseline };
  } finally {
    await engine.stop();
  }
}

export async function benchControllers(): Promise<void> {
  console.log('\n## Scheduler and controllers (issue 5), memory store, no containers');
  for (const nodes of [5000, 100]) {
    const { rate, baseline } = await schedulerRun(nodes, 10_000);
    report({
      name: `scheduler throughput, 10,000 pods onto ${nodes.toLocaleString()} nodes (create → bound, incl. API writes and events)`,
      value: rate,
      unit: 'pods/s',
      baseline: { name: 'the same pod creates with no scheduler running', value: baseline },
      target: { text: '≥ 2,700 pods/s (10× kube-scheduler scheduler_perf threshold of 270)', met: rate >= 2700 },
    });
  }

  // Controller memory: 10,000 pods under 1,000 ReplicaSets with their events.
  global.gc?.();
  const before = process.memoryUsage().heapUsed;
  const engine = await Engine.start({ controllers: { scheduler: false, deployments: false }, historySize: 100_000 });
  try {
    const rsRef = { group: 'apps', resource: 'replicasets', namespace: 'default' };
    for (let i = 0; i < 1000; i += 100) {
      await Promise.all(
        Array.from({ length: 100 }, (_, k) =>
          engine.api.create(rsRef, {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            metadata: { name: `rs-${i + k}` },
            spec: {
              replicas: 10,
              selector: { matchLabels: { rs: `rs-${i + k}` } },
              template: {
                metadata: { labels: { rs: `rs-${i + k}` } },
                spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] },
              },
            },
          }),
        ),
      );
      await engine.settle();
    }
    await engine.settle();
    global.gc?.();
    const heap = (process.memoryUsage().heapUsed - before) / 1024 / 1024;
    const pods = engine.store.list('/pods').length;
    const events = engine.store.list('/events').length;
    report({
      name: `engine heap with ${pods.toLocaleString()} pods, 1,000 ReplicaSets, ${events.toLocaleString()} events (store + informers + controllers)`,
      value: heap,
      unit: 'MiB',
    });
  } finally {
    await engine.stop();
  }
}
