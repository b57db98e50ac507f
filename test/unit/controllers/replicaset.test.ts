import { afterEach, describe, expect, it } from 'vitest';
import { ApiServer } from '../../../src-main/engine/apiserver/api-server.js';
import { StatusError } from '../../../src-main/engine/api/errors.js';
import type { KubeObject } from '../../../src-main/engine/api/types.js';
import { slowStartBatch } from '../../../src-main/engine/controllers/replicaset/pod-control.js';
import { getPodsToDelete } from '../../../src-main/engine/controllers/replicaset/pod-ranking.js';
import type { ResourceRef, WriteOptions } from '../../../src-main/engine/apiserver/types.js';
import { bind, events, get, harness, markReady, pods, podsRef, replicaSet, rsRef, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const rsStatus = (hh: Harness, name: string) =>
  (get(hh, `apps/replicasets/default/${name}`)?.status ?? {}) as Record<string, unknown>;

describe('ReplicaSet controller', () => {
  it('creates spec.replicas pods named <rs>-<5 random> owned by the ReplicaSet, with SuccessfulCreate events', async () => {
    h = await harness();
    await h.api.create(rsRef(), replicaSet('web', 3));
    await h.settle();
    const ps = pods(h);
    expect(ps).toHaveLength(3);
    for (const p of ps) {
      expect(p.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      expect(p.metadata.ownerReferences).toEqual([
        expect.objectContaining({ kind: 'ReplicaSet', name: 'web', controller: true, blockOwnerDeletion: true }),
      ]);
    }
    const created = events(h, 'SuccessfulCreate')
      .map((e) => e.message)
      .sort();
    expect(created).toEqual(ps.map((p) => `Created pod: ${p.metadata.name}`).sort());
    expect(rsStatus(h, 'web')).toEqual({ replicas: 3, fullyLabeledReplicas: 3, observedGeneration: 1 });
  });

  it('counts ready and available replicas, honouring minReadySeconds with the injected clock', async () => {
    h = await harness();
    await h.api.create(rsRef(), replicaSet('web', 2, { minReadySeconds: 10 }));
    await h.settle();
    for (const p of pods(h)) await markReady(h, p);
    await h.settle();
    expect(rsStatus(h, 'web')).toMatchObject({ replicas: 2, readyReplicas: 2 });
    expect(rsStatus(h, 'web').availableReplicas).toBeUndefined();
    h.clock.advance(11_000);
    await h.settle();
    expect(rsStatus(h, 'web')).toMatchObject({ replicas: 2, readyReplicas: 2, availableReplicas: 2 });
  });

  it('replaces a deleted pod and scales down by deleting pods with SuccessfulDelete events', async () => {
    h = await harness();
    await h.api.create(rsRef(), replicaSet('web', 3));
    await h.settle();
    const victim = pods(h)[0];
    await h.api.delete(podsRef('default', victim.metadata.name));
    await h.settle();
    expect(pods(h)).toHaveLength(3);
    expect(pods(h).map((p) => p.metadata.name)).not.toContain(victim.metadata.name);
    await h.api.patch(rsRef('default', 'web'), 'merge', { spec: { replicas: 1 } });
    await h.settle();
    expect(pods(h)).toHaveLength(1);
    expect(events(h, 'SuccessfulDelete')).toHaveLength(2);
    expect(rsStatus(h, 'web')).toMatchObject({ replicas: 1, observedGeneration: 2 });
  });

  it('deletes unready and unscheduled pods before ready ones on scale-down', async () => {
    h = await harness();
    await h.api.create(rsRef(), replicaSet('web', 4));
    await h.settle();
    const [a, b, c, d] = pods(h);
    await bind(h, a);
    await markReady(h, a);
    await bind(h, b);
    await markReady(h, b);
    await bind(h, c); // assigned, not ready
    void d; // unassigned
    await h.settle();
    await h.api.patch(rsRef('default', 'web'), 'merge', { spec: { replicas: 2 } });
    await h.settle();
    const live = pods(h)
      .filter((p) => !p.metadata.deletionTimestamp)
      .map((p) => p.metadata.name);
    expect(live.sort()).toEqual([a.metadata.name, b.metadata.name].sort());
  });

  it('adopts a matching orphan pod instead of creating one, and releases a pod whose labels stop matching', async () => {
    h = await harness();
    await h.api.create(podsRef(), {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'stray', labels: { app: 'web' } },
      spec: { containers: [{ name: 'main', image: 'nginx:1.25' }] },
    });
    await h.api.create(rsRef(), replicaSet('web', 1));
    await h.settle();
    expect(pods(h).map((p) => p.metadata.name)).toEqual(['stray']);
    const rs = get(h, 'apps/replicasets/default/web')!;
    expect(get(h, '/pods/default/stray')!.metadata.ownerReferences).toEqual([
      expect.objectContaining({ uid: rs.metadata.uid, controller: true }),
    ]);

    await h.api.patch(podsRef('default', 'stray'), 'merge', { metadata: { labels: { app: 'other' } } });
    await h.settle();
    expect(get(h, '/pods/default/stray')!.metadata.ownerReferences).toBeUndefined();
    expect(pods(h)).toHaveLength(2);
  });

  it('does not create pods while its expectations are unmet, and does once they expire', async () => {
    h = await harness();
    const rsc = h.ctrl.replicaSets!;
    rsc.expectations.expectCreations('default/web', 2);
    await h.api.create(rsRef(), replicaSet('web', 2));
    await h.settle();
    expect(pods(h)).toHaveLength(0);
    h.clock.advance(5 * 60 * 1000 + 1);
    rsc.enqueue('default/web');
    await h.settle();
    expect(pods(h)).toHaveLength(2);
  });

  it('never double-creates when syncs are triggered repeatedly during creation', async () => {
    h = await harness();
    await h.api.create(rsRef(), replicaSet('web', 5));
    for (let i = 0; i < 20; i++) h.ctrl.replicaSets!.enqueue('default/web');
    await h.settle();
    expect(pods(h)).toHaveLength(5);
  });

  it('sets ReplicaFailure FailedCreate and a FailedCreate event when pod creation fails, and clears it after', async () => {
    class QuotaApi extends ApiServer {
      failPods = true;
      calls = 0;
      override async create(ref: ResourceRef, body: unknown, opts?: WriteOptions): Promise<KubeObject> {
        if (ref.resource === 'pods' && !ref.subresource) {
          this.calls++;
          if (this.failPods)
            throw new StatusError(403, 'Forbidden', 'pods "web-x" is forbidden: exceeded quota: compute');
        }
        return super.create(ref, body, opts);
      }
    }
    let api!: QuotaApi;
    h = await harness({}, (e) => (api = new QuotaApi(e.store, e.api.ctx.clock)));
    await h.api.create(rsRef(), replicaSet('web', 10));
    await h.settle();
    // Slow start: each pass tries a batch of one and stops — the failing pass, and the one its own
    // status write (ReplicaFailure) triggers; further retries wait for backoff.
    expect(api.calls).toBe(2);
    const cond = (rsStatus(h, 'web').conditions as { type: string; reason: string; message: string }[])[0];
    expect(cond).toMatchObject({ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate' });
    expect(cond.message).toContain('exceeded quota');
    expect(events(h, 'FailedCreate')[0].message).toBe(
      'Error creating: pods "web-x" is forbidden: exceeded quota: compute',
    );
    api.failPods = false;
    h.clock.advance(1000);
    await h.settle();
    h.clock.advance(1000);
    await h.settle();
    expect(pods(h)).toHaveLength(10);
    expect(rsStatus(h, 'web').conditions).toBeUndefined();
  });

  it('rebuilds from the store after a restart without creating extra pods', async () => {
    h = await harness();
    await h.api.create(rsRef(), replicaSet('web', 3));
    await h.settle();
    h.ctrl.stop();
    const { startControllers } = await import('../../../src-main/engine/controllers/index.js');
    const again = startControllers(h.engine, { scheduler: false });
    await again.whenIdle();
    expect(pods(h)).toHaveLength(3);
    again.stop();
  });
});

describe('slowStartBatch', () => {
  it('runs calls in batches of 1, 2, 4, 8 … and stops at the first failing batch', async () => {
    const waves: number[] = [];
    let active = 0;
    let wave = 0;
    const fn = async () => {
      if (active === 0) waves[wave] = 0;
      active++;
      waves[wave]++;
      await new Promise((r) => setImmediate(r));
      active--;
      if (active === 0) wave++;
    };
    expect(await slowStartBatch(20, 1, fn)).toEqual({ successes: 20 });
    expect(waves).toEqual([1, 2, 4, 8, 5]);

    let calls = 0;
    const failing = async () => {
      calls++;
      if (calls === 4) throw new Error('quota');
    };
    const res = await slowStartBatch(20, 1, failing);
    expect(res.successes).toBe(6);
    expect((res.error as Error).message).toBe('quota');
    expect(calls).toBe(7);
  });
});

describe('pod deletion ranking', () => {
  const now = Date.parse('2026-01-01T01:00:00Z');
  const ago = (s: number) => new Date(now - s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const mk = (
    name: string,
    o: {
      node?: string;
      phase?: string;
      ready?: boolean;
      readySince?: number;
      restarts?: number;
      created?: number;
    } = {},
  ): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, uid: name, creationTimestamp: ago(o.created ?? 3600) },
    spec: { nodeName: o.node, containers: [] },
    status: {
      phase: o.phase ?? 'Running',
      conditions: [
        { type: 'Ready', status: o.ready ? 'True' : 'False', lastTransitionTime: ago(o.readySince ?? 3000) },
      ],
      containerStatuses: [{ name: 'main', restartCount: o.restarts ?? 0 }],
    },
  });

  it('orders unassigned < Pending < not ready < ready for less time < more restarts < newer', () => {
    const all = [
      mk('old-ready', { node: 'n1', ready: true, readySince: 3000 }),
      mk('unassigned', { phase: 'Pending' }),
      mk('pending', { node: 'n1', phase: 'Pending' }),
      mk('not-ready', { node: 'n1' }),
      mk('recently-ready', { node: 'n1', ready: true, readySince: 5 }),
    ];
    expect(getPodsToDelete(all, [], 4, now).map((p) => p.metadata.name)).toEqual([
      'unassigned',
      'pending',
      'not-ready',
      'recently-ready',
    ]);
    const tied = [
      mk('few-restarts', { node: 'n1', restarts: 1, created: 3600 }),
      mk('many-restarts', { node: 'n1', restarts: 5, created: 3600 }),
      mk('newer', { node: 'n1', restarts: 1, created: 2 }),
    ];
    expect(getPodsToDelete(tied, [], 2, now).map((p) => p.metadata.name)).toEqual(['many-restarts', 'newer']);
  });

  it('prefers pods doubled up on a node with related pods', () => {
    const a = mk('alone', { node: 'n1', ready: true });
    const b = mk('crowded', { node: 'n2', ready: true });
    const related = [b, mk('sibling', { node: 'n2', ready: true }), a];
    expect(getPodsToDelete([a, b], related, 1, now).map((p) => p.metadata.name)).toEqual(['crowded']);
  });
});
