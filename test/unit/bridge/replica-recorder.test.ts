// Main's replica recorder: one sample per change of a workload's counts, from the store's watch,
// forgotten with the workload.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BridgeHandler } from '../../../src-main/bridge/handler.js';
import { ReplicaRecorder } from '../../../src-main/bridge/replica-recorder.js';
import { clusterWorkloadSource } from '../../../src-main/bridge/workload-source.js';
import { Engine } from '../../../src-main/engine/index.js';
import type { KubeObject } from '../../../src-main/engine/api/types.js';
import type { ReplicaCount, Reply } from '../../../src-main/ipc/contract.js';

const ref = { group: 'apps', resource: 'deployments', namespace: 'default', name: 'web' };
const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'x' }] } },
  },
} as KubeObject;

describe('replica recorder', () => {
  let engine: Engine;
  let t: number;
  beforeEach(async () => {
    engine = await Engine.start();
    t = 1000;
  });
  afterEach(async () => engine.stop());

  const flush = () => new Promise((r) => setTimeout(r, 20));

  it('records existing workloads at start and every change of their counts after', async () => {
    await engine.api.create({ ...ref, name: undefined }, deployment);
    await engine.store.flush();
    const recorder = new ReplicaRecorder(engine.store, () => t).start();
    t = 2000;
    await engine.api.patch(ref, 'merge', { metadata: { labels: { unrelated: 'change' } } });
    t = 3000;
    await engine.api.patch({ ...ref, name: 'web', subresource: 'scale' } as never, 'merge', { spec: { replicas: 3 } });
    t = 4000;
    await engine.api.patch({ ...ref, subresource: 'status' } as never, 'merge', {
      status: { replicas: 3, readyReplicas: 2, availableReplicas: 1 },
    });
    await flush();
    expect(recorder.history('apps/deployments', 'default', 'web')).toEqual([
      { t: 1000, desired: 1, current: 0, ready: 0, available: 0 },
      { t: 3000, desired: 3, current: 0, ready: 0, available: 0 },
      { t: 4000, desired: 3, current: 3, ready: 2, available: 1 },
    ]);
    await engine.api.delete(ref);
    await flush();
    expect(recorder.history('apps/deployments', 'default', 'web')).toEqual([]);
    recorder.stop();
  });

  it('is served on the replica-history channel, which refuses kinds without replicas', async () => {
    const cluster = {
      engine,
      agent: { io: { metricsHistory: () => [] } },
      runtime: { listImages: async () => [] },
    } as unknown as Parameters<typeof clusterWorkloadSource>[0];
    const bridge = new BridgeHandler({ engine, version: 't', workloads: clusterWorkloadSource(cluster) });
    const session = bridge.openSession(() => undefined);
    await engine.api.create({ ...ref, name: undefined }, deployment);
    await flush();
    const reply = (await bridge.request('kubedesk:replica-history', { ref }, session)) as Reply<ReplicaCount[]>;
    expect(reply.ok && reply.result.map((s) => s.desired)).toEqual([1]);
    const bad = await bridge.request(
      'kubedesk:replica-history',
      { ref: { group: '', resource: 'configmaps', namespace: 'default', name: 'x' } },
      session,
    );
    expect(bad).toMatchObject({ ok: false, error: { code: 400 } });
    session.dispose();
  });
});
