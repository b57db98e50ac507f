// Issue 5: a 100-replica Deployment rolled to a new template with 25%/25% on simulated nodes.
import { Engine } from '../../src-main/engine/index.js';
import { SimulatedNodes } from '../../src-main/engine/node/simulated-nodes.js';
import type { KubeObject } from '../../src-main/engine/api/types.js';
import { report } from './report.js';

const REPLICAS = 100;
const ref = { group: 'apps', resource: 'deployments', namespace: 'default', name: 'big' };

function statusOf(d: KubeObject) {
  return (d.status ?? {}) as {
    updatedReplicas?: number;
    availableReplicas?: number;
    replicas?: number;
    observedGeneration?: number;
  };
}

export async function benchRollout(): Promise<void> {
  console.log('\n## 100-replica rollout, 25%/25%, simulated runtime (issue 5)');
  const engine = await Engine.start({ controllers: { hpa: false } });
  const nodes = new SimulatedNodes(engine, { clusterId: 'bench-rollout', heartbeatMs: 5000 });
  nodes.start();
  try {
    for (let i = 0; i < 3; i++) await nodes.add({ name: `sim-${i}`, cpu: 16, memory: '64Gi', pods: 110 });
    await engine.api.create(
      { group: 'apps', resource: 'deployments', namespace: 'default' },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'big' },
        spec: {
          replicas: REPLICAS,
          selector: { matchLabels: { app: 'big' } },
          template: {
            metadata: { labels: { app: 'big' } },
            spec: { containers: [{ name: 'c', image: 'app:v1', command: ['sleep', 'infinity'] }] },
          },
        },
      },
    );
    const done = async (gen: number) => {
      for (;;) {
        const d = await engine.api.get(ref);
        const s = statusOf(d);
        if (
          s.observedGeneration === gen &&
          s.updatedReplicas === REPLICAS &&
          s.availableReplicas === REPLICAS &&
          s.replicas === REPLICAS
        )
          return;
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    await done(1);
    const deployments = engine.controllers!.deployments!;
    const syncsBefore = deployments.queue.syncCount;
    const eventsBefore = new Set(
      (await engine.api.list({ group: '', resource: 'events', namespace: 'default' })).items.map(
        (e) => e.metadata.name,
      ),
    );
    let maxPods = 0;
    let minAvailable = Infinity;
    const watch = engine.api.watch(ref, {}, (e) => {
      const s = statusOf(e.object);
      if (s.replicas !== undefined) maxPods = Math.max(maxPods, s.replicas);
      if (s.availableReplicas !== undefined) minAvailable = Math.min(minAvailable, s.availableReplicas);
    });
    const t0 = performance.now();
    await engine.api.patch(ref, 'merge', {
      spec: { template: { spec: { containers: [{ name: 'c', image: 'app:v2', command: ['sleep', 'infinity'] }] } } },
    });
    await done(2);
    const wall = performance.now() - t0;
    watch.stop();
    const syncs = deployments.queue.syncCount - syncsBefore;
    const scaleUps = (
      await engine.api.list(
        { group: '', resource: 'events', namespace: 'default' },
        { fieldSelector: 'reason=ScalingReplicaSet' },
      )
    ).items.filter((e) => !eventsBefore.has(e.metadata.name) && String(e.message).startsWith('Scaled up'));
    // Each wave can replace at most maxSurge + maxUnavailable = 25 + 25 pods.
    const minimumWaves = Math.ceil(REPLICAS / 50);
    report({
      name: 'rollout of 100 replicas: new-ReplicaSet scale-up waves',
      value: scaleUps.length,
      unit: 'waves',
      baseline: { name: 'theoretical minimum, ceil(100 / (25 + 25))', value: minimumWaves },
    });
    report({
      name: 'rollout of 100 replicas: wall time (simulated pod start latency included)',
      value: wall,
      unit: 'ms',
    });
    report({ name: 'rollout of 100 replicas: deployment controller sync passes', value: syncs, unit: 'syncs' });
    report({
      name: `rollout bounds seen in status: max ${maxPods} pods (≤ 125), min ${minAvailable} available (≥ 75)`,
      value: maxPods,
      unit: 'pods',
      target: { text: '≤ 125 pods and ≥ 75 available', met: maxPods <= 125 && minAvailable >= 75 },
    });
  } finally {
    await nodes.stop();
    await engine.stop();
  }
}
