// The rollout channels behave as `kubectl rollout history|undo|pause|resume|restart` do, through the
// bridge's validation, on an engine with the Deployment and ReplicaSet controllers (no node agent:
// pods stay Pending, which does not matter for revisions).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BridgeHandler } from '../../../src-main/bridge/handler.js';
import type { Reply, RolloutDiff, RolloutRevision } from '../../../src-main/ipc/contract.js';
import type { KubeObject } from '../../../src-main/engine/api/types.js';
import { harness, type Harness } from '../controllers/helpers.js';

const ref = { group: 'apps', resource: 'deployments', namespace: 'default', name: 'web' };

function deployment(image: string, cause?: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', annotations: cause ? { 'kubernetes.io/change-cause': cause } : undefined },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } },
    },
  } as KubeObject;
}

describe('rollout channels', () => {
  let h: Harness;
  let bridge: BridgeHandler;
  let session: ReturnType<BridgeHandler['openSession']>;
  const call = async <T>(channel: string, payload: unknown): Promise<T> => {
    const reply = (await bridge.request(channel, payload, session)) as Reply<T>;
    if (!reply.ok) throw Object.assign(new Error(reply.error.message), reply.error);
    return reply.result;
  };
  const setImage = async (image: string, cause: string) => {
    const d = structuredClone(await h.api.get(ref));
    (d.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0].image = image;
    d.metadata.annotations = { ...d.metadata.annotations, 'kubernetes.io/change-cause': cause };
    await h.api.update(ref, d);
    await h.settle();
  };

  beforeEach(async () => {
    h = await harness();
    bridge = new BridgeHandler({ engine: h.engine, version: 'test' });
    session = bridge.openSession(() => undefined);
    await h.api.create({ group: 'apps', resource: 'deployments', namespace: 'default' }, deployment('app:1', 'first'));
    await h.settle();
    await setImage('app:2', 'second');
  });
  afterEach(async () => {
    session.dispose();
    await h.stop();
  });

  it('lists revisions oldest first with change cause and images', async () => {
    const revs = await call<RolloutRevision[]>('kubedesk:rollout-history', { ref });
    expect(revs.map((r) => [r.revision, r.changeCause, r.images])).toEqual([
      [1, 'first', ['app:1']],
      [2, 'second', ['app:2']],
    ]);
  });

  it('diffs two revisions by field path', async () => {
    const diff = await call<RolloutDiff>('kubedesk:rollout-diff', { ref, from: 1, to: 2 });
    expect(diff.changes).toEqual([{ path: 'spec.containers[web].image', op: 'changed', from: 'app:1', to: 'app:2' }]);
  });

  it('undo to the previous revision restores its template and change cause, as a new revision 3', async () => {
    const res = await call<{ message: string }>('kubedesk:rollout-action', { ref, action: 'undo' });
    expect(res.message).toBe('deployment.apps/web rolled back');
    await h.settle();
    const d = await h.api.get(ref);
    expect(JSON.stringify(d.spec)).toContain('app:1');
    expect(d.metadata.annotations?.['kubernetes.io/change-cause']).toBe('first');
    const revs = await call<RolloutRevision[]>('kubedesk:rollout-history', { ref });
    expect(revs.map((r) => [r.revision, r.images[0], r.previousRevisions])).toEqual([
      [2, 'app:2', []],
      [3, 'app:1', [1]],
    ]);
  });

  it('undo to the current template is skipped, as kubectl says', async () => {
    const res = await call<{ message: string }>('kubedesk:rollout-action', { ref, action: 'undo', toRevision: 2 });
    expect(res.message).toBe('deployment.apps/web skipped rollback (current template already matches revision 2)');
  });

  it('a paused deployment cannot be rolled back until resumed', async () => {
    await call('kubedesk:rollout-action', { ref, action: 'pause' });
    expect(((await h.api.get(ref)).spec as { paused?: boolean }).paused).toBe(true);
    await expect(call('kubedesk:rollout-action', { ref, action: 'undo' })).rejects.toMatchObject({
      code: 400,
      message: expect.stringContaining('cannot rollback a paused deployment'),
    });
    await call('kubedesk:rollout-action', { ref, action: 'resume' });
    expect(((await h.api.get(ref)).spec as { paused?: boolean }).paused).toBe(false);
  });

  it('restart stamps restartedAt on the template, which makes a new revision', async () => {
    await call('kubedesk:rollout-action', { ref, action: 'restart' });
    await h.settle();
    const d = await h.api.get(ref);
    const at = (d.spec as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata
      .annotations['kubectl.kubernetes.io/restartedAt'];
    expect(at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect((await call<RolloutRevision[]>('kubedesk:rollout-history', { ref })).length).toBe(3);
  });

  it('rejects an unknown action and a revision that does not exist, changing nothing', async () => {
    await expect(call('kubedesk:rollout-action', { ref, action: 'explode' })).rejects.toMatchObject({ code: 400 });
    await expect(call('kubedesk:rollout-action', { ref, action: 'undo', toRevision: 9 })).rejects.toMatchObject({
      code: 404,
    });
    await expect(
      call('kubedesk:rollout-history', { ref: { group: '', resource: 'pods', namespace: 'default', name: 'x' } }),
    ).rejects.toMatchObject({ code: 400 });
    expect(JSON.stringify((await h.api.get(ref)).spec)).toContain('app:2');
  });

  it('metrics and scaling history need a running cluster and say so', async () => {
    await expect(call('kubedesk:metrics-history', { namespace: 'default', pods: ['a'] })).rejects.toMatchObject({
      code: 503,
    });
    await expect(call('kubedesk:metrics-history', { namespace: 'default', pods: ['A B'] })).rejects.toMatchObject({
      code: 400,
    });
  });

  it('a StatefulSet’s revisions are its ControllerRevisions; undo applies the chosen one', async () => {
    const sts = { group: 'apps', resource: 'statefulsets', namespace: 'default', name: 'db' };
    await h.api.create({ group: 'apps', resource: 'statefulsets', namespace: 'default' }, {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', annotations: { 'kubernetes.io/change-cause': 'db one' } },
      spec: {
        replicas: 1,
        serviceName: 'db',
        selector: { matchLabels: { app: 'db' } },
        template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'db:1' }] } },
      },
    } as KubeObject);
    await h.settle();
    const s = structuredClone(await h.api.get(sts));
    (s.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0].image = 'db:2';
    await h.api.update(sts, s);
    await h.settle();
    const revs = await call<RolloutRevision[]>('kubedesk:rollout-history', { ref: sts });
    expect(revs.map((r) => [r.revision, r.images])).toEqual([
      [1, ['db:1']],
      [2, ['db:2']],
    ]);
    expect(revs[0].changeCause).toBe('db one');
    const diff = await call<RolloutDiff>('kubedesk:rollout-diff', { ref: sts, from: 1, to: 2 });
    expect(diff.changes.map((c) => c.path)).toEqual(['spec.containers[db].image']);
    await expect(call('kubedesk:rollout-action', { ref: sts, action: 'pause' })).rejects.toMatchObject({ code: 400 });
    const res = await call<{ message: string }>('kubedesk:rollout-action', { ref: sts, action: 'undo' });
    expect(res.message).toBe('statefulset.apps/db rolled back');
    expect(JSON.stringify((await h.api.get(sts)).spec)).toContain('db:1');
  });
});
