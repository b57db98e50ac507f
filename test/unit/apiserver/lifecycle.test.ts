import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import type { Engine } from '../../../src-main/engine/index.js';
import type { FakeClock } from '../../../src-main/engine/clock.js';
import type { KubeObject } from '../../../src-main/engine/api/types.js';
import { testEngine, cmRef, deployRef, podRef, deployment, configMap, pod, statusOf } from './helpers.js';

let engine: Engine;
let clock: FakeClock;
beforeEach(async () => ({ engine, clock } = await testEngine()));
afterEach(async () => engine.stop());

const nsRef = (name?: string) => ({ group: '', resource: 'namespaces', name });
const rsRef = (name?: string) => ({ group: 'apps', resource: 'replicasets', namespace: 'default', name });

function ownedBy(owner: KubeObject, block = false) {
  return [
    {
      apiVersion: owner.apiVersion,
      kind: owner.kind,
      name: owner.metadata.name!,
      uid: owner.metadata.uid!,
      controller: true,
      blockOwnerDeletion: block,
    },
  ];
}

async function replicaSetWithPods(): Promise<{ rs: KubeObject; pods: KubeObject[] }> {
  const d = deployment('web');
  const rs = await engine.api.create(rsRef(), { ...d, kind: 'ReplicaSet', metadata: { name: 'web-1' } });
  const pods = [];
  for (const n of ['a', 'b'])
    pods.push(
      await engine.api.create(
        podRef(),
        pod(`web-1-${n}`, { labels: { app: 'web' }, ownerReferences: ownedBy(rs, true) }),
      ),
    );
  return { rs, pods };
}

const podNames = async () => (await engine.api.list(podRef())).items.map((p) => p.metadata.name);

describe('namespaces', () => {
  it('default, kube-system, kube-public and kube-node-lease exist from the first start', async () => {
    const names = (await engine.api.list(nsRef())).items.map((n) => n.metadata.name);
    expect(names).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    const ns = await engine.api.get(nsRef('default'));
    expect(ns.status).toEqual({ phase: 'Active' });
    expect((ns.spec as { finalizers: string[] }).finalizers).toEqual(['kubernetes']);
  });

  it('deleting a namespace makes it Terminating, deletes everything in it, then removes it', async () => {
    await engine.api.create(nsRef(), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev' } });
    await engine.api.create(cmRef('dev'), configMap('a'));
    await engine.api.create(deployRef('dev'), deployment('web'));
    const res = await engine.api.delete(nsRef('dev'));
    expect((res.object!.status as { phase: string }).phase).toBe('Terminating');
    const err = await statusOf(engine.api.create(cmRef('dev'), configMap('b')));
    expect(err.code).toBe(403);
    expect(err.message).toBe(
      'configmaps "b" is forbidden: unable to create new content in namespace dev because it is being terminated',
    );
    await engine.settle();
    expect((await engine.api.list(cmRef('dev'))).items).toEqual([]);
    expect((await statusOf(engine.api.get(nsRef('dev')))).code).toBe(404);
  });
});

describe('garbage collection', () => {
  it('Background: the owner goes at once and its dependents follow', async () => {
    await replicaSetWithPods();
    await engine.api.delete(rsRef('web-1'), { propagationPolicy: 'Background' });
    expect((await statusOf(engine.api.get(rsRef('web-1')))).code).toBe(404);
    await engine.settle();
    expect(await podNames()).toEqual([]);
  });

  it('Foreground: the owner waits with the foregroundDeletion finalizer until blocking dependents are gone', async () => {
    await replicaSetWithPods();
    const res = await engine.api.delete(rsRef('web-1'), { propagationPolicy: 'Foreground' });
    expect(res.object?.metadata.finalizers ?? (await engine.api.get(rsRef('web-1'))).metadata.finalizers).toContain(
      'foregroundDeletion',
    );
    const during = await engine.api.get(rsRef('web-1'));
    expect(during.metadata.deletionTimestamp).toBeDefined();
    await engine.settle();
    expect(await podNames()).toEqual([]);
    expect((await statusOf(engine.api.get(rsRef('web-1')))).code).toBe(404);
  });

  it('Orphan: dependents are released (ownerReferences removed) and kept', async () => {
    await replicaSetWithPods();
    await engine.api.delete(rsRef('web-1'), { propagationPolicy: 'Orphan' });
    await engine.settle();
    expect((await statusOf(engine.api.get(rsRef('web-1')))).code).toBe(404);
    const pods = (await engine.api.list(podRef())).items;
    expect(pods.map((p) => p.metadata.name)).toEqual(['web-1-a', 'web-1-b']);
    for (const p of pods) expect(p.metadata.ownerReferences).toBeUndefined();
  });

  it('a dependent keeps living while one of its owners exists, losing only the dangling reference', async () => {
    const a = await engine.api.create(cmRef(), configMap('owner-a'));
    const b = await engine.api.create(cmRef(), configMap('owner-b'));
    await engine.api.create(cmRef(), {
      ...configMap('dep'),
      metadata: { name: 'dep', ownerReferences: [...ownedBy(a), { ...ownedBy(b)[0], controller: false }] },
    });
    await engine.api.delete(cmRef('default', 'owner-a'));
    await engine.settle();
    const dep = await engine.api.get(cmRef('default', 'dep'));
    expect(dep.metadata.ownerReferences!.map((r) => r.name)).toEqual(['owner-b']);
  });

  it('dependents whose owners vanished while the engine was down are collected at start', async () => {
    const { Engine } = await import('../../../src-main/engine/index.js');
    const { rs } = await replicaSetWithPods();
    engine.gc.stop();
    await engine.store.remove(`apps/replicasets/default/${rs.metadata.name}`);
    expect(await podNames()).toHaveLength(2);
    // A fresh collector over the same store (what a restart does).
    const { GarbageCollector } = await import('../../../src-main/engine/controllers/garbage-collector.js');
    const gc = new GarbageCollector(engine.api);
    gc.start();
    await gc.whenIdle();
    await engine.store.flush();
    expect(await podNames()).toEqual([]);
    gc.stop();
    void Engine;
  });
});

describe('events', () => {
  it('repeats of the same event bump count and lastTimestamp instead of creating new objects', async () => {
    const p = await engine.api.create(podRef(), pod('p'));
    const rec = engine.recorder('kubelet', 'kubedesk');
    await rec.event(p, 'Warning', 'BackOff', 'Back-off restarting failed container');
    clock.advance(5000);
    await rec.event(p, 'Warning', 'BackOff', 'Back-off restarting failed container');
    await rec.event(p, 'Normal', 'Pulled', 'Container image "busybox:1.36" already present on machine');
    const events = (await engine.api.list({ group: '', resource: 'events', namespace: 'default' })).items;
    expect(events).toHaveLength(2);
    const backoff = events.find((e) => e.reason === 'BackOff')!;
    expect(backoff.count).toBe(2);
    expect(backoff.firstTimestamp).toBe('2026-01-01T00:00:00Z');
    expect(backoff.lastTimestamp).toBe('2026-01-01T00:00:05Z');
    expect(backoff.involvedObject).toMatchObject({ kind: 'Pod', name: 'p', uid: p.metadata.uid });
    expect(backoff.source).toEqual({ component: 'kubelet', host: 'kubedesk' });
    const byField = await engine.api.list(
      { group: '', resource: 'events', namespace: 'default' },
      { fieldSelector: 'involvedObject.name=p,reason=Pulled' },
    );
    expect(byField.items).toHaveLength(1);
  });

  it('events expire one hour after they were last seen', async () => {
    const p = await engine.api.create(podRef(), pod('p'));
    await engine.recorder('kubelet').event(p, 'Normal', 'Scheduled', 'assigned');
    clock.advance(30 * 60 * 1000);
    await engine.settle();
    expect((await engine.api.list({ group: '', resource: 'events', namespace: 'default' })).items).toHaveLength(1);
    clock.advance(31 * 60 * 1000);
    await engine.settle();
    await engine.eventCleaner.sweep();
    expect((await engine.api.list({ group: '', resource: 'events', namespace: 'default' })).items).toHaveLength(0);
  });
});
