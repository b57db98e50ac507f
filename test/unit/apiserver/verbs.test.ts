import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import type { Engine } from '../../../src-main/engine/index.js';
import type { FakeClock } from '../../../src-main/engine/clock.js';
import { testEngine, cmRef, deployRef, podRef, deployment, configMap, pod, statusOf } from './helpers.js';

let engine: Engine;
let clock: FakeClock;
beforeEach(async () => ({ engine, clock } = await testEngine()));
afterEach(async () => engine.stop());

describe('create', () => {
  it('stamps uid, creationTimestamp, resourceVersion and generation 1', async () => {
    const d = await engine.api.create(deployRef(), deployment('web'));
    expect(d.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(d.metadata.creationTimestamp).toBe('2026-01-01T00:00:00Z');
    expect(Number(d.metadata.resourceVersion)).toBeGreaterThan(0);
    expect(d.metadata.generation).toBe(1);
    expect(d.metadata.namespace).toBe('default');
  });

  it('applies Kubernetes defaults (apps/v1 Deployment: replicas 1, RollingUpdate 25%/25%)', async () => {
    const d = await engine.api.create(deployRef(), deployment('web'));
    const spec = d.spec as {
      replicas: number;
      strategy: { type: string; rollingUpdate: object };
      revisionHistoryLimit: number;
      progressDeadlineSeconds: number;
    };
    expect(spec.replicas).toBe(1);
    expect(spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
    expect(spec.revisionHistoryLimit).toBe(10);
    expect(spec.progressDeadlineSeconds).toBe(600);
  });

  it('generateName gets five random characters from the Kubernetes alphabet', async () => {
    const c = await engine.api.create(cmRef(), {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { generateName: 'cfg-' },
    });
    expect(c.metadata.name).toMatch(/^cfg-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('an existing name is refused with 409 AlreadyExists', async () => {
    await engine.api.create(cmRef(), configMap('a'));
    const err = await statusOf(engine.api.create(cmRef(), configMap('a')));
    expect(err.code).toBe(409);
    expect(err.reason).toBe('AlreadyExists');
    expect(err.message).toBe('configmaps "a" already exists');
  });

  it('an invalid object is refused with 422 and a cause per field, and nothing is stored', async () => {
    const before = engine.store.resourceVersion;
    const bad = deployment('web');
    (bad.spec as { template: { spec: { containers: { image?: string }[] } } }).template.spec.containers[0].image =
      undefined;
    const err = await statusOf(engine.api.create(deployRef(), bad));
    expect(err.code).toBe(422);
    expect(err.reason).toBe('Invalid');
    const status = err.toStatus();
    expect(status.details?.causes).toContainEqual({
      reason: 'FieldValueRequired',
      message: 'Required value',
      field: 'spec.template.spec.containers[0].image',
    });
    expect(engine.store.resourceVersion).toBe(before);
  });

  it('dryRun=All evaluates everything and stores nothing', async () => {
    const before = engine.store.resourceVersion;
    const d = await engine.api.create(deployRef(), deployment('web'), { dryRun: 'All' });
    expect(d.metadata.uid).toBeDefined();
    expect(engine.store.resourceVersion).toBe(before);
    expect(await statusOf(engine.api.get(deployRef('default', 'web')))).toMatchObject({ code: 404 });
  });

  it('creating into a missing namespace fails with namespaces "x" not found', async () => {
    const err = await statusOf(engine.api.create(cmRef('nope'), configMap('a')));
    expect(err.code).toBe(404);
    expect(err.message).toBe('namespaces "nope" not found');
  });

  it('unknown fields are dropped by default and rejected with fieldValidation=Strict', async () => {
    const body = { ...configMap('a'), dataa: { x: 'y' } };
    const err = await statusOf(engine.api.create(cmRef(), body, { fieldValidation: 'Strict' }));
    expect(err.code).toBe(400);
    expect(err.message).toContain('strict decoding error: unknown field "dataa"');
    const res = await engine.api.createWithWarnings(cmRef(), body);
    expect(res.warnings).toContain('unknown field "dataa"');
    expect(res.object.dataa).toBeUndefined();
  });

  it('a field of the wrong type is a 400 naming the field', async () => {
    const bad = deployment('web');
    (bad.spec as { replicas: unknown }).replicas = 'three';
    const err = await statusOf(engine.api.create(deployRef(), bad));
    expect(err.code).toBe(400);
    expect(err.message).toContain('spec.replicas');
  });

  it('names with a slash, dot-dot or NUL are rejected before anything else', async () => {
    for (const name of ['a/b', '..', 'a\u0000b']) {
      const err = await statusOf(engine.api.get(cmRef('default', name)));
      expect(err.code).toBe(400);
    }
  });
});

describe('update', () => {
  it('bumps generation on spec changes only, never on metadata changes', async () => {
    const d = await engine.api.create(deployRef(), deployment('web'));
    const relabeled = await engine.api.update(deployRef('default', 'web'), {
      ...d,
      metadata: { ...d.metadata, labels: { x: 'y' } },
    });
    expect(relabeled.metadata.generation).toBe(1);
    const scaled = await engine.api.update(deployRef('default', 'web'), {
      ...relabeled,
      spec: { ...(relabeled.spec as object), replicas: 3 },
    });
    expect(scaled.metadata.generation).toBe(2);
  });

  it('a stale resourceVersion gets 409 Conflict with the message client-go retries on', async () => {
    const c = await engine.api.create(cmRef(), configMap('a'));
    await engine.api.update(cmRef('default', 'a'), { ...c, data: { v: '1' } });
    const err = await statusOf(engine.api.update(cmRef('default', 'a'), { ...c, data: { v: '2' } }));
    expect(err.code).toBe(409);
    expect(err.reason).toBe('Conflict');
    expect(err.message).toBe(
      'Operation cannot be fulfilled on configmaps "a": the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  it('status written through the main resource is ignored, and /status changes only status without bumping generation', async () => {
    const d = await engine.api.create(deployRef(), deployment('web'));
    const viaMain = await engine.api.update(deployRef('default', 'web'), { ...d, status: { replicas: 5 } });
    expect(viaMain.status).toEqual({});
    const viaStatus = await engine.api.update(deployRef('default', 'web', 'status'), {
      ...viaMain,
      spec: { ...(viaMain.spec as object), replicas: 9 },
      status: { replicas: 5, observedGeneration: 1 },
    });
    expect(viaStatus.status).toEqual({ replicas: 5, observedGeneration: 1 });
    expect((viaStatus.spec as { replicas: number }).replicas).toBe(1);
    expect(viaStatus.metadata.generation).toBe(1);
  });

  it('a workload selector is immutable', async () => {
    const d = await engine.api.create(deployRef(), deployment('web'));
    const spec = d.spec as { selector: object; template: { metadata: { labels: object } } };
    const err = await statusOf(
      engine.api.update(deployRef('default', 'web'), {
        ...d,
        spec: {
          ...spec,
          selector: { matchLabels: { app: 'other' } },
          template: { ...spec.template, metadata: { labels: { app: 'other' } } },
        },
      }),
    );
    expect(err.code).toBe(422);
    expect(err.message).toContain('field is immutable');
  });
});

describe('scale subresource', () => {
  it('reads and writes replicas as an autoscaling/v1 Scale', async () => {
    await engine.api.create(deployRef(), deployment('web', { replicas: 2 }));
    const scale = await engine.api.get(deployRef('default', 'web', 'scale'));
    expect(scale).toMatchObject({
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      spec: { replicas: 2 },
      status: { selector: 'app=web' },
    });
    const updated = await engine.api.update(deployRef('default', 'web', 'scale'), { ...scale, spec: { replicas: 5 } });
    expect(updated.spec).toEqual({ replicas: 5 });
    const d = await engine.api.get(deployRef('default', 'web'));
    expect((d.spec as { replicas: number }).replicas).toBe(5);
    expect(d.metadata.generation).toBe(2);
    const patched = await engine.api.patch(deployRef('default', 'web', 'scale'), 'merge', { spec: { replicas: 0 } });
    expect(patched.spec).toEqual({ replicas: 0 });
    const neg = await statusOf(
      engine.api.patch(deployRef('default', 'web', 'scale'), 'merge', { spec: { replicas: -1 } }),
    );
    expect(neg.code).toBe(422);
  });
});

describe('patch', () => {
  it('applies a strategic merge patch by container name, a merge patch replacing the list, and a JSON patch', async () => {
    await engine.api.create(deployRef(), deployment('web'));
    const smp = await engine.api.patch(deployRef('default', 'web'), 'strategic', {
      spec: { template: { spec: { containers: [{ name: 'sidecar', image: 'redis:7' }] } } },
    });
    const names = (o: typeof smp) =>
      (o.spec as { template: { spec: { containers: { name: string }[] } } }).template.spec.containers.map(
        (c) => c.name,
      );
    expect(names(smp).sort()).toEqual(['main', 'sidecar']);
    const mp = await engine.api.patch(deployRef('default', 'web'), 'merge', {
      spec: { template: { spec: { containers: [{ name: 'only', image: 'redis:7' }] } } },
    });
    expect(names(mp)).toEqual(['only']);
    const jp = await engine.api.patch(deployRef('default', 'web'), 'json', [
      { op: 'replace', path: '/spec/replicas', value: 4 },
    ]);
    expect((jp.spec as { replicas: number }).replicas).toBe(4);
  });

  it('a failing JSON patch test operation changes nothing', async () => {
    const c = await engine.api.create(cmRef(), configMap('a', { k: 'v' }));
    const err = await statusOf(
      engine.api.patch(cmRef('default', 'a'), 'json', [
        { op: 'replace', path: '/data/k', value: 'w' },
        { op: 'test', path: '/data/k', value: 'nope' },
      ]),
    );
    expect(err.code).toBeGreaterThanOrEqual(400);
    expect((await engine.api.get(cmRef('default', 'a'))).metadata.resourceVersion).toBe(c.metadata.resourceVersion);
  });
});

describe('list', () => {
  it('filters by label selector (set-based and !key) and field selector', async () => {
    await engine.api.create(cmRef(), configMap('a', {}, { app: 'a', tier: 'web' }));
    await engine.api.create(cmRef(), configMap('b', {}, { app: 'b' }));
    await engine.api.create(cmRef(), configMap('c', {}, { app: 'c', tier: 'db' }));
    const names = async (opts: object) => (await engine.api.list(cmRef(), opts)).items.map((o) => o.metadata.name);
    expect(await names({ labelSelector: 'app in (a,b)' })).toEqual(['a', 'b']);
    expect(await names({ labelSelector: '!tier' })).toEqual(['b']);
    expect(await names({ labelSelector: 'tier!=web' })).toEqual(['b', 'c']);
    expect(await names({ fieldSelector: 'metadata.name=c' })).toEqual(['c']);
    const err = await statusOf(engine.api.list(cmRef(), { fieldSelector: 'spec.nope=x' }));
    expect(err.code).toBe(400);
  });

  it('pages with limit and continue, giving remainingItemCount', async () => {
    for (let i = 0; i < 7; i++) await engine.api.create(cmRef(), configMap(`c${i}`));
    const p1 = await engine.api.list(cmRef(), { limit: 3 });
    expect(p1.items.map((o) => o.metadata.name)).toEqual(['c0', 'c1', 'c2']);
    expect(p1.metadata.remainingItemCount).toBe(4);
    const p2 = await engine.api.list(cmRef(), { limit: 3, continue: p1.metadata.continue });
    expect(p2.items.map((o) => o.metadata.name)).toEqual(['c3', 'c4', 'c5']);
    const p3 = await engine.api.list(cmRef(), { limit: 3, continue: p2.metadata.continue });
    expect(p3.items.map((o) => o.metadata.name)).toEqual(['c6']);
    expect(p3.metadata.continue).toBeUndefined();
    expect((await statusOf(engine.api.list(cmRef(), { continue: 'garbage' }))).code).toBe(400);
  });

  it('lists across namespaces when none is given', async () => {
    await engine.api.create(
      { group: '', resource: 'namespaces' },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev' } },
    );
    await engine.api.create(cmRef('dev'), configMap('x'));
    await engine.api.create(cmRef('default'), configMap('y'));
    const all = await engine.api.list({ group: '', resource: 'configmaps' });
    expect(all.items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['default/y', 'dev/x']);
    expect(all.kind).toBe('ConfigMapList');
  });
});

describe('watch', () => {
  it('sends current objects as ADDED, then changes; resumes from a version; sends bookmarks on request', async () => {
    await engine.api.create(cmRef(), configMap('a'));
    const seen: string[] = [];
    const h = engine.api.watch(cmRef(), { allowWatchBookmarks: true, bookmarkIntervalMs: 1000 }, (e) =>
      seen.push(`${e.type}:${e.object.metadata.name ?? ''}`),
    );
    const b = await engine.api.create(cmRef(), configMap('b'));
    await engine.api.delete(cmRef('default', 'a'));
    clock.advance(1000);
    h.stop();
    expect(seen).toEqual(['ADDED:a', 'ADDED:b', 'DELETED:a', 'BOOKMARK:']);
    const resumed: string[] = [];
    const h2 = engine.api.watch(cmRef(), { resourceVersion: b.metadata.resourceVersion }, (e) =>
      resumed.push(`${e.type}:${e.object.metadata.name}`),
    );
    h2.stop();
    expect(resumed).toEqual(['DELETED:a']);
  });
});

describe('delete', () => {
  it('a pod bound to a node is deleted gracefully: deletionTimestamp = now + grace period', async () => {
    await engine.api.create(podRef(), pod('p', { nodeName: 'kubedesk' }));
    const res = await engine.api.delete(podRef('default', 'p'), { gracePeriodSeconds: 20 });
    expect(res.removed).toBe(false);
    expect(res.object!.metadata.deletionTimestamp).toBe('2026-01-01T00:00:20Z');
    expect(res.object!.metadata.deletionGracePeriodSeconds).toBe(20);
    const now = await engine.api.delete(podRef('default', 'p'), { gracePeriodSeconds: 0 });
    expect(now.removed).toBe(true);
  });

  it('an unbound pod goes at once', async () => {
    await engine.api.create(podRef(), pod('p'));
    expect((await engine.api.delete(podRef('default', 'p'))).removed).toBe(true);
  });

  it('an object with finalizers lingers with deletionTimestamp until the last is removed', async () => {
    await engine.api.create(cmRef(), { ...configMap('f'), metadata: { name: 'f', finalizers: ['example.com/hold'] } });
    const res = await engine.api.delete(cmRef('default', 'f'));
    expect(res.removed).toBe(false);
    expect(res.object!.metadata.deletionTimestamp).toBeDefined();
    const err = await statusOf(
      engine.api.patch(cmRef('default', 'f'), 'merge', { metadata: { finalizers: ['example.com/hold', 'new'] } }),
    );
    expect(err.code).toBe(422);
    await engine.api.patch(cmRef('default', 'f'), 'merge', { metadata: { finalizers: null } });
    expect((await statusOf(engine.api.get(cmRef('default', 'f')))).code).toBe(404);
  });

  it('preconditions on uid and resourceVersion are enforced', async () => {
    const c = await engine.api.create(cmRef(), configMap('a'));
    expect((await statusOf(engine.api.delete(cmRef('default', 'a'), { preconditions: { uid: 'other' } }))).code).toBe(
      409,
    );
    expect(
      (await statusOf(engine.api.delete(cmRef('default', 'a'), { preconditions: { resourceVersion: '1' } }))).code,
    ).toBe(409);
    const ok = await engine.api.delete(cmRef('default', 'a'), { preconditions: { uid: c.metadata.uid } });
    expect(ok.status?.status).toBe('Success');
  });

  it('deletecollection deletes what the selector matches', async () => {
    await engine.api.create(cmRef(), configMap('a', {}, { x: '1' }));
    await engine.api.create(cmRef(), configMap('b', {}, { x: '1' }));
    await engine.api.create(cmRef(), configMap('c'));
    await engine.api.deleteCollection(cmRef(), { labelSelector: 'x=1' });
    expect((await engine.api.list(cmRef())).items.map((o) => o.metadata.name)).toEqual(['c']);
  });
});

describe('secrets', () => {
  it('stringData is merged into data as base64, and bad base64 in data fails decoding with 400', async () => {
    const s = await engine.api.create(
      { group: '', resource: 'secrets', namespace: 'default' },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 's' },
        data: { a: Buffer.from('x').toString('base64') },
        stringData: { b: 'hello' },
      },
    );
    expect(s.data).toEqual({ a: 'eA==', b: 'aGVsbG8=' });
    expect(s.stringData).toBeUndefined();
    expect(s.type).toBe('Opaque');
    const err = await statusOf(
      engine.api.create(
        { group: '', resource: 'secrets', namespace: 'default' },
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: 't' }, data: { a: '!!!' } },
      ),
    );
    expect(err.code).toBe(400);
    expect(err.message).toContain(
      'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 0',
    );
  });

  it('an immutable ConfigMap refuses data changes', async () => {
    const c = await engine.api.create(cmRef(), { ...configMap('i', { k: 'v' }), immutable: true });
    const err = await statusOf(engine.api.update(cmRef('default', 'i'), { ...c, data: { k: 'w' } }));
    expect(err.code).toBe(422);
    expect(err.message).toContain('immutable');
  });
});

describe('autoscaling/v1', () => {
  it('serves a v2 HPA as v1 with targetCPUUtilizationPercentage and back', async () => {
    const ref = { group: 'autoscaling', version: 'v1', resource: 'horizontalpodautoscalers', namespace: 'default' };
    const created = await engine.api.create(ref, {
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'h' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        maxReplicas: 5,
        targetCPUUtilizationPercentage: 60,
      },
    });
    expect(created.apiVersion).toBe('autoscaling/v1');
    expect((created.spec as { targetCPUUtilizationPercentage: number }).targetCPUUtilizationPercentage).toBe(60);
    const v2 = await engine.api.get({ ...ref, version: 'v2', name: 'h' });
    expect(v2.apiVersion).toBe('autoscaling/v2');
    expect((v2.spec as { metrics: unknown[] }).metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
    ]);
  });
});

describe('service addresses', () => {
  const svcRef = { group: '', resource: 'services', namespace: 'default' };
  const svc = (name: string, spec: Record<string, unknown>) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec },
  });

  it('allocates a ClusterIP from 10.96.0.0/12 and keeps it across updates that omit it', async () => {
    const a = await engine.api.create(svcRef, svc('a', {}));
    const b = await engine.api.create(svcRef, svc('b', {}));
    const ipA = (a.spec as { clusterIP: string }).clusterIP;
    expect(ipA).toMatch(/^10\.96\.0\.\d+$/);
    expect((b.spec as { clusterIP: string }).clusterIP).not.toBe(ipA);
    expect((a.spec as { clusterIPs: string[] }).clusterIPs).toEqual([ipA]);
    const { clusterIP: _ip, clusterIPs: _ips, ...rest } = a.spec as Record<string, unknown>;
    const updated = await engine.api.update({ ...svcRef, name: 'a' }, { ...a, spec: rest });
    expect((updated.spec as { clusterIP: string }).clusterIP).toBe(ipA);
  });

  it('a headless service gets no address; a taken ClusterIP is refused', async () => {
    const h = await engine.api.create(svcRef, svc('h', { clusterIP: 'None' }));
    expect((h.spec as { clusterIP: string }).clusterIP).toBe('None');
    const a = await engine.api.create(svcRef, svc('a', {}));
    const err = await statusOf(
      engine.api.create(svcRef, svc('c', { clusterIP: (a.spec as { clusterIP: string }).clusterIP })),
    );
    expect(err.code).toBe(422);
    expect(err.message).toContain('provided IP is already allocated');
  });

  it('allocates node ports in 30000-32767 and refuses a port that is taken', async () => {
    const n = await engine.api.create(
      svcRef,
      svc('n', {
        type: 'NodePort',
        ports: [
          { port: 80, name: 'a', nodePort: 30007 },
          { port: 81, name: 'b' },
        ],
      }),
    );
    const ports = (n.spec as { ports: { nodePort: number }[] }).ports;
    expect(ports[0].nodePort).toBe(30007);
    expect(ports[1].nodePort).toBeGreaterThanOrEqual(30000);
    const err = await statusOf(
      engine.api.create(svcRef, svc('m', { type: 'NodePort', ports: [{ port: 80, nodePort: 30007 }] })),
    );
    expect(err.code).toBe(422);
    expect(err.message).toContain('provided port is already allocated');
  });
});
