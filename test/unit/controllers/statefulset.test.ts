import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../../src-main/engine/index.js';
import { FakeClock } from '../../../src-main/engine/clock.js';
import type { KubeObject } from '../../../src-main/engine/api/types.js';
import type { RevisionObj } from '../../../src-main/engine/controllers/history/controller-revision.js';
import { EventRecorder } from '../../../src-main/engine/controllers/events.js';
import { InformerFactory } from '../../../src-main/engine/controllers/framework/informer.js';
import { StatefulSetController } from '../../../src-main/engine/controllers/statefulset/statefulset-controller.js';
import { bind, events, markReady, nodeRef, podsRef, reapTerminating, type Harness } from './helpers.js';

interface StsHarness extends Pick<Harness, 'engine' | 'clock' | 'api' | 'settle' | 'stop'> {
  ssc: StatefulSetController;
  /** Stop the controller and its informers, leaving the engine running (a controller crash). */
  halt(): void;
}

/** The engine with only the StatefulSet controller running (no scheduler, no kubelet). */
async function stsHarness(existing?: { engine: Engine; clock: FakeClock }): Promise<StsHarness> {
  const clock = existing?.clock ?? new FakeClock();
  const engine = existing?.engine ?? (await Engine.start({ clock }));
  const informers = new InformerFactory(engine.store);
  const ssc = new StatefulSetController({
    api: engine.api,
    clock,
    informers,
    recorder: (c) => new EventRecorder(engine.api, c),
  });
  informers.start();
  const settle = async () => {
    for (let i = 0; i < 200; i++) {
      await ssc.whenIdle();
      await engine.store.flush();
      await new Promise((r) => setImmediate(r));
      if (ssc.queue.length === 0) {
        await ssc.whenIdle();
        await new Promise((r) => setImmediate(r));
        if (ssc.queue.length === 0) return;
      }
    }
  };
  return {
    engine,
    clock,
    api: engine.api,
    ssc,
    settle,
    halt: () => {
      ssc.stop();
      informers.stop();
    },
    stop: async () => {
      ssc.stop();
      informers.stop();
      await engine.stop();
    },
  };
}

let h: StsHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const stsRef = (name?: string, subresource?: string) => ({
  group: 'apps',
  resource: 'statefulsets',
  namespace: 'default',
  name,
  subresource,
});

function statefulSet(
  name: string,
  o: {
    replicas?: number;
    image?: string;
    podManagementPolicy?: string;
    updateStrategy?: unknown;
    claims?: string[];
  } = {},
): KubeObject {
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name },
    spec: {
      replicas: o.replicas ?? 3,
      serviceName: name,
      selector: { matchLabels: labels },
      podManagementPolicy: o.podManagementPolicy,
      updateStrategy: o.updateStrategy,
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'main', image: o.image ?? 'nginx:1.25' }] },
      },
      volumeClaimTemplates: (o.claims ?? []).map((c) => ({
        metadata: { name: c },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      })),
    },
  };
}

const asH = (hh: StsHarness) => hh as unknown as Harness;
const live = (hh: StsHarness) =>
  hh.engine.store
    .list('/pods', 'default')
    .filter((p) => !p.metadata.deletionTimestamp)
    .sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!));
const names = (hh: StsHarness) => live(hh).map((p) => p.metadata.name);
const pod = (hh: StsHarness, name: string) => hh.engine.store.get(`/pods/default/${name}`)!;
const imageOf = (p: KubeObject) => (p.spec as { containers: { image: string }[] }).containers[0].image;
const status = (hh: StsHarness, name = 'web') =>
  (hh.engine.store.get(`apps/statefulsets/default/${name}`)?.status ?? {}) as Record<string, unknown>;
const revisionTemplate = (r: RevisionObj) =>
  (r.data as { spec: { template: { $patch?: string; spec: { containers: { image: string }[] } } } }).spec.template;
const revisions = (hh: StsHarness) => hh.engine.store.list('apps/controllerrevisions', 'default') as RevisionObj[];

const eventMessages = (hh: StsHarness, reason: string) =>
  events(asH(hh), reason)
    .map((e) => e.message)
    .sort();

async function ready(hh: StsHarness, name: string): Promise<void> {
  await markReady(asH(hh), pod(hh, name));
  await hh.settle();
}

async function readyAll(hh: StsHarness): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const notReady = live(hh).find(
      (p) =>
        !(p.status as { conditions?: { type: string; status: string }[] })?.conditions?.some(
          (c) => c.type === 'Ready' && c.status === 'True',
        ),
    );
    if (!notReady) return;
    await ready(hh, notReady.metadata.name!);
  }
}

describe('StatefulSet controller', () => {
  it('OrderedReady creates web-0, web-1, web-2 in order, each only once its predecessor is Running and Ready', async () => {
    h = await stsHarness();
    await h.api.create(stsRef(), statefulSet('web'));
    await h.settle();
    expect(names(h)).toEqual(['web-0']);
    await h.settle();
    expect(names(h)).toEqual(['web-0']);
    await ready(h, 'web-0');
    expect(names(h)).toEqual(['web-0', 'web-1']);
    await ready(h, 'web-1');
    expect(names(h)).toEqual(['web-0', 'web-1', 'web-2']);
    await ready(h, 'web-2');

    const p1 = pod(h, 'web-1');
    expect(p1.metadata.labels).toMatchObject({
      app: 'web',
      'statefulset.kubernetes.io/pod-name': 'web-1',
      'apps.kubernetes.io/pod-index': '1',
    });
    expect(p1.spec).toMatchObject({ hostname: 'web-1', subdomain: 'web' });
    expect(p1.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'StatefulSet', name: 'web', controller: true }),
    ]);
    // (Event order in the store is not creation order; the steps above showed the order.)
    expect(eventMessages(h, 'SuccessfulCreate')).toEqual([
      'create Pod web-0 in StatefulSet web successful',
      'create Pod web-1 in StatefulSet web successful',
      'create Pod web-2 in StatefulSet web successful',
    ]);
    const [rev] = revisions(h);
    expect(p1.metadata.labels!['controller-revision-hash']).toBe(rev.metadata.name);
    expect(status(h)).toEqual({
      replicas: 3,
      readyReplicas: 3,
      currentReplicas: 3,
      updatedReplicas: 3,
      availableReplicas: 3,
      currentRevision: rev.metadata.name,
      updateRevision: rev.metadata.name,
      collisionCount: 0,
      observedGeneration: 1,
    });
  });

  it('scales down from the highest ordinal, one at a time, waiting for each to terminate', async () => {
    h = await stsHarness();
    await h.api.create(nodeRef(), {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'kubedesk' },
      status: { conditions: [{ type: 'Ready', status: 'True' }] },
    });
    await h.api.create(stsRef(), statefulSet('web'));
    await h.settle();
    await readyAll(h);
    for (const n of ['web-0', 'web-1', 'web-2']) await bind(asH(h), pod(h, n));
    await h.settle();
    await h.api.patch(stsRef('web'), 'merge', { spec: { replicas: 1 } });
    await h.settle();
    // web-2 is terminating (bound: graceful); web-1 must wait for it.
    expect(names(h)).toEqual(['web-0', 'web-1']);
    expect(pod(h, 'web-2').metadata.deletionTimestamp).toBeDefined();
    await reapTerminating(asH(h));
    await h.settle();
    expect(names(h)).toEqual(['web-0']);
    await reapTerminating(asH(h));
    await h.settle();
    expect(eventMessages(h, 'SuccessfulDelete')).toEqual([
      'delete Pod web-1 in StatefulSet web successful',
      'delete Pod web-2 in StatefulSet web successful',
    ]);
    expect(status(h)).toMatchObject({ replicas: 1, readyReplicas: 1 });
  });

  it('Parallel creates every pod at once without waiting for readiness', async () => {
    h = await stsHarness();
    await h.api.create(stsRef(), statefulSet('web', { podManagementPolicy: 'Parallel' }));
    await h.settle();
    expect(names(h)).toEqual(['web-0', 'web-1', 'web-2']);
    await h.api.patch(stsRef('web'), 'merge', { spec: { replicas: 1 } });
    await h.settle();
    expect(names(h)).toEqual(['web-0']);
  });

  it('a rolling update with a partition replaces only ordinals ≥ partition, highest first, one at a time', async () => {
    h = await stsHarness();
    await h.api.create(
      stsRef(),
      statefulSet('web', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } }),
    );
    await h.settle();
    await readyAll(h);
    const oldRev = status(h).currentRevision;
    await h.api.patch(stsRef('web'), 'merge', {
      spec: { template: { spec: { containers: [{ name: 'main', image: 'nginx:1.26' }] } } },
    });
    await h.settle();
    // web-2 was deleted and recreated at the new revision; web-1 waits for it to be ready.
    expect(live(h).map(imageOf)).toEqual(['nginx:1.25', 'nginx:1.25', 'nginx:1.26']);
    // Once web-2 is ready, web-1 goes; web-0, below the partition, never does.
    await ready(h, 'web-2');
    expect(live(h).map(imageOf)).toEqual(['nginx:1.25', 'nginx:1.26', 'nginx:1.26']);
    await readyAll(h);
    expect(live(h).map(imageOf)).toEqual(['nginx:1.25', 'nginx:1.26', 'nginx:1.26']);
    const st = status(h);
    expect(st).toMatchObject({ replicas: 3, currentReplicas: 1, updatedReplicas: 2, currentRevision: oldRev });
    expect(st.updateRevision).not.toBe(oldRev);
    expect(eventMessages(h, 'SuccessfulDelete')).toEqual([
      'delete Pod web-1 in StatefulSet web successful',
      'delete Pod web-2 in StatefulSet web successful',
    ]);

    await h.api.patch(stsRef('web'), 'merge', { spec: { updateStrategy: { rollingUpdate: { partition: 0 } } } });
    await h.settle();
    await readyAll(h);
    expect(live(h).map(imageOf)).toEqual(['nginx:1.26', 'nginx:1.26', 'nginx:1.26']);
    expect(status(h)).toMatchObject({ currentReplicas: 3, updatedReplicas: 3, currentRevision: st.updateRevision });
  });

  it('with OnDelete a new template reaches a pod only when that pod is deleted', async () => {
    h = await stsHarness();
    await h.api.create(stsRef(), statefulSet('web', { replicas: 2, updateStrategy: { type: 'OnDelete' } }));
    await h.settle();
    await readyAll(h);
    await h.api.patch(stsRef('web'), 'merge', {
      spec: { template: { spec: { containers: [{ name: 'main', image: 'nginx:1.26' }] } } },
    });
    await h.settle();
    expect(live(h).map(imageOf)).toEqual(['nginx:1.25', 'nginx:1.25']);
    await h.api.delete(podsRef('default', 'web-1'));
    await h.settle();
    expect(live(h).map(imageOf)).toEqual(['nginx:1.25', 'nginx:1.26']);
  });

  it('creates a claim per template and ordinal before the pod, and keeps the claims after scale-down', async () => {
    h = await stsHarness();
    await h.api.create(stsRef(), statefulSet('web', { claims: ['www'] }));
    await h.settle();
    await readyAll(h);
    const claims = () =>
      h!.engine.store
        .list('/persistentvolumeclaims', 'default')
        .map((c) => c.metadata.name)
        .sort();
    expect(claims()).toEqual(['www-web-0', 'www-web-1', 'www-web-2']);
    const claim = h.engine.store.get('/persistentvolumeclaims/default/www-web-0')!;
    expect(claim.metadata.labels).toEqual({ app: 'web' });
    expect(claim.metadata.ownerReferences).toBeUndefined();
    expect((pod(h, 'web-0').spec as { volumes: unknown[] }).volumes).toContainEqual({
      name: 'www',
      persistentVolumeClaim: { claimName: 'www-web-0' },
    });
    expect(events(asH(h), 'SuccessfulCreate').map((e) => e.message)).toContain(
      'create Claim www-web-0 Pod web-0 in StatefulSet web success',
    );
    await h.api.patch(stsRef('web'), 'merge', { spec: { replicas: 1 } });
    await h.settle();
    expect(names(h)).toEqual(['web-0']);
    expect(claims()).toEqual(['www-web-0', 'www-web-1', 'www-web-2']);
    // Scaling back up reuses the same claims.
    await h.api.patch(stsRef('web'), 'merge', { spec: { replicas: 2 } });
    await h.settle();
    expect((pod(h, 'web-1').spec as { volumes: unknown[] }).volumes).toContainEqual({
      name: 'www',
      persistentVolumeClaim: { claimName: 'www-web-1' },
    });
    expect(claims()).toHaveLength(3);
  });

  it('with whenScaled: Delete hands a condemned ordinal’s claims to the garbage collector', async () => {
    h = await stsHarness();
    const set = statefulSet('web', { replicas: 2, claims: ['www'] });
    (set.spec as Record<string, unknown>).persistentVolumeClaimRetentionPolicy = {
      whenDeleted: 'Retain',
      whenScaled: 'Delete',
    };
    await h.api.create(stsRef(), set);
    await h.settle();
    await readyAll(h);
    const doomed = pod(h, 'web-1');
    await h.api.patch(stsRef('web'), 'merge', { spec: { replicas: 1 } });
    await h.settle();
    const claim = h.engine.store.get('/persistentvolumeclaims/default/www-web-1');
    if (claim) {
      expect(claim.metadata.ownerReferences).toEqual([
        expect.objectContaining({ kind: 'Pod', name: 'web-1', uid: doomed.metadata.uid }),
      ]);
    }
    expect(h.engine.store.get('/persistentvolumeclaims/default/www-web-0')!.metadata.ownerReferences).toBeUndefined();
  });

  it('keeps the same pods, names and claims across a controller restart', async () => {
    h = await stsHarness();
    await h.api.create(stsRef(), statefulSet('web', { claims: ['www'] }));
    await h.settle();
    await readyAll(h);
    const uids = live(h).map((p) => p.metadata.uid);
    h.halt();
    const again = await stsHarness(h);
    await again.settle();
    expect(live(again).map((p) => p.metadata.uid)).toEqual(uids);
    expect(h.engine.store.list('/persistentvolumeclaims', 'default')).toHaveLength(3);
    expect(revisions(again)).toHaveLength(1);
    again.halt();
  });

  it('recreates a deleted pod under the same name', async () => {
    h = await stsHarness();
    await h.api.create(stsRef(), statefulSet('web'));
    await h.settle();
    await readyAll(h);
    const before = pod(h, 'web-1').metadata.uid;
    await h.api.delete(podsRef('default', 'web-1'));
    await h.settle();
    expect(names(h)).toEqual(['web-0', 'web-1', 'web-2']);
    expect(pod(h, 'web-1').metadata.uid).not.toBe(before);
  });

  it('records ControllerRevisions, and a rollback renumbers the old revision instead of creating one', async () => {
    h = await stsHarness();
    await h.api.create(stsRef(), statefulSet('web', { replicas: 1 }));
    await h.settle();
    await readyAll(h);
    const [first] = revisions(h);
    expect(first).toMatchObject({ revision: 1, metadata: { labels: { app: 'web' } } });
    expect(first.metadata.name).toBe(`web-${first.metadata.labels!['controller-revision-hash']}`);
    expect(revisionTemplate(first).$patch).toBe('replace');
    await h.api.patch(stsRef('web'), 'merge', {
      spec: { template: { spec: { containers: [{ name: 'main', image: 'nginx:1.26' }] } } },
    });
    await h.settle();
    await readyAll(h);
    expect(
      revisions(h)
        .map((r) => r.revision)
        .sort(),
    ).toEqual([1, 2]);
    // kubectl rollout undo statefulset/web: patch with revision 1's data.
    await h.api.patch(stsRef('web'), 'strategic', first.data);
    await h.settle();
    await readyAll(h);
    const byRev = Object.fromEntries(revisions(h).map((r) => [r.revision, r.metadata.name]));
    expect(byRev).toEqual({ 2: expect.any(String), 3: first.metadata.name });
    expect(live(h).map(imageOf)).toEqual(['nginx:1.25']);
    expect(status(h)).toMatchObject({ currentRevision: first.metadata.name, updateRevision: first.metadata.name });
  });
});
