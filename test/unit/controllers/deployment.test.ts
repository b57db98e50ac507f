import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src-main/engine/api/types.js';
import {
  computeHash,
  resolveFenceposts,
  REVISION_ANNOTATION,
} from '../../../src-main/engine/controllers/deployment/util.js';
import { revisionDiff, rolloutHistory } from '../../../src-main/engine/controllers/deployment/history.js';
import {
  bind,
  deployRef,
  deployment,
  events,
  get,
  harness,
  isReady,
  markAllReady,
  pods,
  reapTerminating,
  replicaSets,
  type Harness,
} from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

type Cond = { type: string; status: string; reason: string; message: string };
const dep = (hh: Harness, name = 'web') => get(hh, `apps/deployments/default/${name}`)!;
const dstatus = (hh: Harness, name = 'web') =>
  (dep(hh, name).status ?? {}) as Record<string, unknown> & { conditions?: Cond[] };
const cond = (hh: Harness, type: string, name = 'web') => dstatus(hh, name).conditions?.find((c) => c.type === type);
const rsByRevision = (hh: Harness) =>
  Object.fromEntries(replicaSets(hh).map((rs) => [rs.metadata.annotations?.[REVISION_ANNOTATION], rs]));
const spec = (o: KubeObject) => o.spec as { replicas: number; template: { spec: { containers: { image: string }[] } } };

/** Create, make every pod ready, repeat until the controllers have nothing left to do. */
async function rollToCompletion(hh: Harness, check?: () => void): Promise<number> {
  let steps = 0;
  for (; steps < 50; steps++) {
    await hh.settle();
    check?.();
    if ((await markAllReady(hh)) === 0) break;
  }
  await hh.settle();
  return steps;
}

describe('Deployment controller', () => {
  it('creates a ReplicaSet named <deployment>-<pod-template-hash> with revision 1 and the replicas annotations', async () => {
    h = await harness();
    await h.api.create(
      deployRef(),
      deployment('web', { replicas: 3, annotations: { 'kubernetes.io/change-cause': 'first' } }),
    );
    await rollToCompletion(h);
    const [rs] = replicaSets(h);
    const hash = rs.metadata.labels!['pod-template-hash'];
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(rs.metadata.name).toBe(`web-${hash}`);
    expect(rs.metadata.annotations).toMatchObject({
      'deployment.kubernetes.io/revision': '1',
      'deployment.kubernetes.io/desired-replicas': '3',
      'deployment.kubernetes.io/max-replicas': '4',
      'kubernetes.io/change-cause': 'first',
    });
    expect((rs.spec as { selector: unknown }).selector).toEqual({
      matchLabels: { app: 'web', 'pod-template-hash': hash },
    });
    expect(pods(h).every((p) => p.metadata.labels!['pod-template-hash'] === hash)).toBe(true);
    expect(dep(h).metadata.annotations?.[REVISION_ANNOTATION]).toBe('1');
    expect(dstatus(h)).toMatchObject({
      observedGeneration: 1,
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
    });
    expect(cond(h, 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable' });
    expect(cond(h, 'Progressing')).toMatchObject({
      status: 'True',
      reason: 'NewReplicaSetAvailable',
      message: `ReplicaSet "web-${hash}" has successfully progressed.`,
    });
    expect(events(h, 'ScalingReplicaSet').map((e) => e.message)).toEqual([`Scaled up replica set web-${hash} to 3`]);
  });

  it('rolls 10 replicas with 25%/25% never below 8 available nor above 13 pods', async () => {
    h = await harness();
    await h.api.create(deployRef(), deployment('web', { replicas: 10, image: 'nginx:1.25' }));
    await rollToCompletion(h);
    expect(pods(h).filter(isReady)).toHaveLength(10);
    await h.api.patch(deployRef('default', 'web'), 'merge', {
      spec: { template: { spec: { containers: [{ name: 'main', image: 'nginx:1.26' }] } } },
    });
    let maxPods = 0;
    let minAvailable = Infinity;
    const steps = await rollToCompletion(h, () => {
      const live = pods(h!).filter((p) => !p.metadata.deletionTimestamp);
      maxPods = Math.max(maxPods, live.length);
      minAvailable = Math.min(minAvailable, live.filter(isReady).length);
    });
    expect(maxPods).toBe(13);
    expect(minAvailable).toBeGreaterThanOrEqual(8);
    expect(steps).toBeLessThan(10);
    const images = pods(h).map((p) => (p.spec as { containers: { image: string }[] }).containers[0].image);
    expect(images.every((i) => i === 'nginx:1.26')).toBe(true);
    expect(dstatus(h)).toMatchObject({
      replicas: 10,
      updatedReplicas: 10,
      availableReplicas: 10,
      observedGeneration: 2,
    });
    expect(cond(h, 'Progressing')?.reason).toBe('NewReplicaSetAvailable');
    const byRev = rsByRevision(h);
    expect(spec(byRev['1']).replicas).toBe(0);
    expect(spec(byRev['2']).replicas).toBe(10);
    const msgs = events(h, 'ScalingReplicaSet').map((e) => e.message);
    expect(msgs).toContain(`Scaled up replica set ${byRev['2'].metadata.name} to 3`);
    expect(msgs).toContain(`Scaled down replica set ${byRev['1'].metadata.name} to 8 from 10`);
  });

  it('rolls back to revision 1 by reusing its ReplicaSet, moving it to revision 3 with revision-history 1', async () => {
    h = await harness();
    await h.api.create(deployRef(), deployment('web', { replicas: 2, image: 'nginx:1.25' }));
    await rollToCompletion(h);
    const rs1 = replicaSets(h)[0];
    await h.api.patch(deployRef('default', 'web'), 'merge', {
      spec: { template: { spec: { containers: [{ name: 'main', image: 'nginx:1.26' }] } } },
    });
    await rollToCompletion(h);
    expect(replicaSets(h)).toHaveLength(2);
    // `kubectl rollout undo --to-revision=1` is client-side: it puts revision 1's template back.
    const template = structuredClone(
      (rs1.spec as { template: { metadata: { labels: Record<string, string> } } }).template,
    );
    delete template.metadata.labels['pod-template-hash'];
    // kubectl sends a JSON patch replacing the template as Go serialises it, with
    // `creationTimestamp: null` and `resources: {}` — null and empty must compare equal to an
    // absent field, or the old ReplicaSet would not be found.
    (template.metadata as Record<string, unknown>).creationTimestamp = null;
    for (const c of (template as unknown as { spec: { containers: Record<string, unknown>[] } }).spec.containers) {
      c.resources ??= {};
    }
    await h.api.patch(deployRef('default', 'web'), 'json', [
      { op: 'replace', path: '/spec/template', value: template },
    ]);
    await rollToCompletion(h);
    expect(replicaSets(h)).toHaveLength(2);
    const back = get(h, `apps/replicasets/default/${rs1.metadata.name}`)!;
    expect(back.metadata.uid).toBe(rs1.metadata.uid);
    expect(back.metadata.annotations).toMatchObject({
      'deployment.kubernetes.io/revision': '3',
      'deployment.kubernetes.io/revision-history': '1',
    });
    expect(spec(back).replicas).toBe(2);
    expect(dep(h).metadata.annotations?.[REVISION_ANNOTATION]).toBe('3');
    const history = rolloutHistory(dep(h), replicaSets(h));
    expect(history.map((r) => [r.revision, r.previousRevisions])).toEqual([
      [2, []],
      [3, [1]],
    ]);
  });

  it('scales a paused Deployment but does not roll its new template until resumed', async () => {
    h = await harness();
    await h.api.create(deployRef(), deployment('web', { replicas: 3 }));
    await rollToCompletion(h);
    await h.api.patch(deployRef('default', 'web'), 'merge', { spec: { paused: true } });
    await h.settle();
    expect(cond(h, 'Progressing')).toMatchObject({ status: 'Unknown', reason: 'DeploymentPaused' });
    await h.api.patch(deployRef('default', 'web'), 'merge', {
      spec: { replicas: 5, template: { spec: { containers: [{ name: 'main', image: 'nginx:1.26' }] } } },
    });
    await rollToCompletion(h);
    expect(replicaSets(h)).toHaveLength(1);
    expect(spec(replicaSets(h)[0]).replicas).toBe(5);
    expect(pods(h)).toHaveLength(5);
    await h.api.patch(deployRef('default', 'web'), 'merge', { spec: { paused: false } });
    await rollToCompletion(h);
    expect(replicaSets(h)).toHaveLength(2);
    expect(dstatus(h)).toMatchObject({ replicas: 5, updatedReplicas: 5, availableReplicas: 5 });
  });

  it('Recreate scales the old ReplicaSet to zero and waits until its pods are gone before creating new ones', async () => {
    h = await harness();
    await h.api.create(deployRef(), deployment('web', { replicas: 3, strategy: { type: 'Recreate' } }));
    await h.settle();
    for (const p of pods(h)) await bind(h, p);
    await rollToCompletion(h);
    await h.api.patch(deployRef('default', 'web'), 'merge', {
      spec: { template: { spec: { containers: [{ name: 'main', image: 'nginx:1.26' }] } } },
    });
    await h.settle();
    // Old pods are terminating (bound pods are deleted gracefully); nothing new yet.
    expect(pods(h)).toHaveLength(3);
    expect(pods(h).every((p) => p.metadata.deletionTimestamp)).toBe(true);
    expect(replicaSets(h)).toHaveLength(1);
    await reapTerminating(h);
    await rollToCompletion(h);
    expect(replicaSets(h)).toHaveLength(2);
    expect(pods(h)).toHaveLength(3);
    expect(
      pods(h).every((p) => (p.spec as { containers: { image: string }[] }).containers[0].image === 'nginx:1.26'),
    ).toBe(true);
    expect(dstatus(h)).toMatchObject({ replicas: 3, updatedReplicas: 3, availableReplicas: 3 });
  });

  it('sets Progressing=False ProgressDeadlineExceeded when no progress is made within progressDeadlineSeconds', async () => {
    h = await harness();
    await h.api.create(deployRef(), deployment('web', { replicas: 2, progressDeadlineSeconds: 60 }));
    await h.settle();
    expect(cond(h, 'Progressing')).toMatchObject({ status: 'True' });
    h.clock.advance(30_000);
    await h.settle();
    expect(cond(h, 'Progressing')?.status).toBe('True');
    h.clock.advance(32_000);
    await h.settle();
    const rsName = replicaSets(h)[0].metadata.name;
    expect(cond(h, 'Progressing')).toMatchObject({
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
      message: `ReplicaSet "${rsName}" has timed out progressing.`,
    });
    expect(cond(h, 'Available')).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable' });
  });

  it('scales proportionally when the replica count changes in the middle of a rollout', async () => {
    h = await harness();
    await h.api.create(deployRef(), deployment('web', { replicas: 10 }));
    await rollToCompletion(h);
    await h.api.patch(deployRef('default', 'web'), 'merge', {
      spec: { template: { spec: { containers: [{ name: 'main', image: 'nginx:1.26' }] } } },
    });
    await h.settle(); // new 0→3 (13 pods), old 10→8 (8 still available), new 3→5 (13); nothing new is ready
    const before = rsByRevision(h);
    expect([spec(before['1']).replicas, spec(before['2']).replicas]).toEqual([8, 5]);
    await h.api.patch(deployRef('default', 'web'), 'merge', { spec: { replicas: 20 } });
    await h.settle();
    const after = rsByRevision(h);
    // 20 + 5 surge = 25 allowed, 12 more: each RS scales by 25/13 of its size (max-replicas was
    // 13) — old 8 → round(15.4) = 15, new 5 → round(9.6) = 10.
    expect([spec(after['1']).replicas, spec(after['2']).replicas]).toEqual([15, 10]);
    expect(after['2'].metadata.annotations?.['deployment.kubernetes.io/desired-replicas']).toBe('20');
  });

  it('keeps only revisionHistoryLimit old ReplicaSets', async () => {
    h = await harness();
    await h.api.create(deployRef(), deployment('web', { replicas: 1, revisionHistoryLimit: 1 }));
    await rollToCompletion(h);
    for (const tag of ['1.26', '1.27', '1.28']) {
      await h.api.patch(deployRef('default', 'web'), 'merge', {
        spec: { template: { spec: { containers: [{ name: 'main', image: `nginx:${tag}` }] } } },
      });
      await rollToCompletion(h);
    }
    const revs = replicaSets(h)
      .map((rs) => rs.metadata.annotations?.[REVISION_ANNOTATION])
      .sort();
    expect(revs).toEqual(['3', '4']);
  });

  it('restarts (a template annotation change) as a new revision', async () => {
    h = await harness();
    await h.api.create(deployRef(), deployment('web', { replicas: 2 }));
    await rollToCompletion(h);
    await h.api.patch(deployRef('default', 'web'), 'merge', {
      spec: {
        template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-01-01T00:00:00Z' } } },
      },
    });
    await rollToCompletion(h);
    expect(replicaSets(h)).toHaveLength(2);
    expect(dep(h).metadata.annotations?.[REVISION_ANNOTATION]).toBe('2');
  });
});

describe('deployment helpers', () => {
  it('resolves fenceposts as upstream: surge rounds up, unavailable rounds down, never both zero', () => {
    expect(resolveFenceposts('25%', '25%', 10)).toEqual({ surge: 3, unavailable: 2 });
    expect(resolveFenceposts(0, '25%', 3)).toEqual({ surge: 0, unavailable: 1 });
    expect(resolveFenceposts('10%', 2, 10)).toEqual({ surge: 1, unavailable: 2 });
  });

  it('hashes a template stably, and differently with a collision count', () => {
    const t = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'main', image: 'nginx' }] } };
    const reordered = {
      spec: { containers: [{ image: 'nginx', name: 'main' }] },
      metadata: { labels: { app: 'web' } },
    };
    expect(computeHash(t)).toBe(computeHash(reordered));
    expect(computeHash(t, 1)).not.toBe(computeHash(t));
  });

  it('diffs two revisions: changed image, added env, change cause', () => {
    const d: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', uid: 'd' } };
    const rs = (rev: string, image: string, cause: string, env?: unknown[]): KubeObject => ({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `web-${rev}`,
        annotations: { [REVISION_ANNOTATION]: rev, 'kubernetes.io/change-cause': cause },
      },
      spec: {
        template: {
          metadata: { labels: { app: 'web', 'pod-template-hash': rev } },
          spec: { containers: [{ name: 'main', image, env }] },
        },
      },
    });
    const diff = revisionDiff(
      d,
      rs('1', 'nginx:1.25', 'create'),
      rs('2', 'nginx:1.26', 'bump', [{ name: 'A', value: '1' }]),
    );
    expect(diff.from.revision).toBe(1);
    expect(diff.to.revision).toBe(2);
    expect(diff.changeCause).toEqual({ from: 'create', to: 'bump' });
    expect(diff.template).toEqual([
      { path: 'spec.containers[main].env', op: 'added', to: [{ name: 'A', value: '1' }] },
      { path: 'spec.containers[main].image', op: 'changed', from: 'nginx:1.25', to: 'nginx:1.26' },
    ]);
  });
});
