// The official JavaScript client against KubeDesk's HTTPS API: CRUD, selectors, all three patch
// types, watch (order, resume, 410), delete propagation, and Status errors.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import * as k8s from '@kubernetes/client-node';
import { serve, type Served } from './harness.js';

let s: Served;
let kc: k8s.KubeConfig;
let core: k8s.CoreV1Api;
let apps: k8s.AppsV1Api;

beforeAll(async () => {
  s = await serve();
  kc = new k8s.KubeConfig();
  kc.loadFromFile(s.api.kubeconfigPath);
  core = kc.makeApiClient(k8s.CoreV1Api);
  apps = kc.makeApiClient(k8s.AppsV1Api);
});
afterAll(async () => s?.stop());

const deployment = (name: string, replicas = 1): k8s.V1Deployment => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, labels: { app: name } },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] } },
  },
});

async function apiError(p: Promise<unknown>): Promise<{ code: number; body: k8s.V1Status }> {
  try {
    await p;
  } catch (err) {
    const e = err as { code?: number; body?: string | k8s.V1Status };
    const body = typeof e.body === 'string' ? (JSON.parse(e.body) as k8s.V1Status) : (e.body as k8s.V1Status);
    return { code: e.code ?? 0, body };
  }
  throw new Error('expected an API error');
}

describe('@kubernetes/client-node against the HTTPS API', () => {
  it('creates, reads and lists with label selectors', async () => {
    await core.createNamespace({ body: { metadata: { name: 'compat' } } });
    for (const [name, tier] of [
      ['a', 'web'],
      ['b', 'db'],
      ['c', 'web'],
    ]) {
      await core.createNamespacedConfigMap({
        namespace: 'compat',
        body: { metadata: { name, labels: { tier } }, data: { k: name } },
      });
    }
    const a = await core.readNamespacedConfigMap({ name: 'a', namespace: 'compat' });
    expect(a.data).toEqual({ k: 'a' });
    const web = await core.listNamespacedConfigMap({ namespace: 'compat', labelSelector: 'tier in (web)' });
    expect(web.items.map((c) => c.metadata?.name)).toEqual(['a', 'c']);
    const notWeb = await core.listNamespacedConfigMap({ namespace: 'compat', labelSelector: 'tier!=web' });
    expect(notWeb.items.map((c) => c.metadata?.name)).toEqual(['b']);
    const byField = await core.listNamespacedConfigMap({ namespace: 'compat', fieldSelector: 'metadata.name=b' });
    expect(byField.items).toHaveLength(1);
  });

  it('patches with JSON patch, merge patch and strategic merge patch', async () => {
    await apps.createNamespacedDeployment({ namespace: 'compat', body: deployment('web') });
    const json = await apps.patchNamespacedDeployment(
      { name: 'web', namespace: 'compat', body: [{ op: 'replace', path: '/spec/replicas', value: 3 }] },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch),
    );
    expect(json.spec?.replicas).toBe(3);
    const merge = await apps.patchNamespacedDeployment(
      { name: 'web', namespace: 'compat', body: { metadata: { labels: { patched: 'merge' } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    expect(merge.metadata?.labels).toMatchObject({ app: 'web', patched: 'merge' });
    const smp = await apps.patchNamespacedDeployment(
      {
        name: 'web',
        namespace: 'compat',
        body: { spec: { template: { spec: { containers: [{ name: 'sidecar', image: 'busybox:1.36' }] } } } },
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch),
    );
    expect(smp.spec?.template.spec?.containers.map((c) => c.name).sort()).toEqual(['sidecar', 'web']);
    expect(smp.metadata?.generation).toBe(3);
  });

  it('watches see ADDED, MODIFIED and DELETED in order, resume from a version, and get 410 when too old', async () => {
    const watch = new k8s.Watch(kc);
    const seen: string[] = [];
    const list = await core.listNamespacedSecret({ namespace: 'compat' });
    const rv = list.metadata?.resourceVersion;
    const req = await watch.watch(
      '/api/v1/namespaces/compat/secrets',
      { resourceVersion: rv },
      (type, obj: k8s.V1Secret) => seen.push(`${type}:${obj.metadata?.name}`),
      () => undefined,
    );
    await core.createNamespacedSecret({
      namespace: 'compat',
      body: { metadata: { name: 's1' }, stringData: { a: 'b' } },
    });
    await core.patchNamespacedSecret(
      { name: 's1', namespace: 'compat', body: { metadata: { labels: { x: 'y' } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await core.deleteNamespacedSecret({ name: 's1', namespace: 'compat' });
    await waitFor(() => seen.length >= 3);
    req.abort();
    expect(seen).toEqual(['ADDED:s1', 'MODIFIED:s1', 'DELETED:s1']);

    // Resume from the version of the first list: the same three events are replayed.
    const replay: string[] = [];
    const req2 = await watch.watch(
      '/api/v1/namespaces/compat/secrets',
      { resourceVersion: rv },
      (type) => replay.push(type),
      () => undefined,
    );
    await waitFor(() => replay.length >= 3);
    req2.abort();
    expect(replay).toEqual(['ADDED', 'MODIFIED', 'DELETED']);

    // A version older than the watch window (200 changes in this harness) gets an ERROR event
    // carrying a 410 Gone Status, as kube-apiserver sends it.
    await Promise.all(
      Array.from({ length: 250 }, () =>
        core.createNamespacedConfigMap({ namespace: 'compat', body: { metadata: { generateName: 'churn-' } } }),
      ),
    );
    const errors: { code?: number; reason?: string }[] = [];
    const req3 = await watch.watch(
      '/api/v1/namespaces/compat/secrets',
      { resourceVersion: rv },
      (type, obj: k8s.V1Status) => {
        if (type === 'ERROR') errors.push({ code: obj.code, reason: obj.reason });
      },
      () => undefined,
    );
    await waitFor(() => errors.length > 0);
    req3.abort();
    expect(errors[0]).toEqual({ code: 410, reason: 'Gone' });
  });

  it('deletes with Background, Foreground and Orphan propagation', async () => {
    const rs = await apps.createNamespacedReplicaSet({
      namespace: 'compat',
      body: {
        metadata: { name: 'owner' },
        spec: {
          selector: { matchLabels: { o: '1' } },
          template: { metadata: { labels: { o: '1' } }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } },
        },
      },
    });
    const ownerRef = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      name: 'owner',
      uid: rs.metadata!.uid!,
      controller: true,
      blockOwnerDeletion: true,
    };
    await core.createNamespacedConfigMap({
      namespace: 'compat',
      body: { metadata: { name: 'dep1', ownerReferences: [ownerRef] } },
    });
    await apps.deleteNamespacedReplicaSet({
      name: 'owner',
      namespace: 'compat',
      body: { propagationPolicy: 'Orphan' },
    });
    await waitFor(
      async () =>
        (await core.readNamespacedConfigMap({ name: 'dep1', namespace: 'compat' })).metadata?.ownerReferences ===
        undefined,
    );

    for (const policy of ['Background', 'Foreground']) {
      const owner = await apps.createNamespacedReplicaSet({
        namespace: 'compat',
        body: {
          metadata: { name: `owner-${policy.toLowerCase()}` },
          spec: {
            selector: { matchLabels: { o: '1' } },
            template: {
              metadata: { labels: { o: '1' } },
              spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] },
            },
          },
        },
      });
      const ref = { ...ownerRef, name: owner.metadata!.name!, uid: owner.metadata!.uid! };
      await core.createNamespacedConfigMap({
        namespace: 'compat',
        body: { metadata: { name: `dep-${policy.toLowerCase()}`, ownerReferences: [ref] } },
      });
      await apps.deleteNamespacedReplicaSet({
        name: owner.metadata!.name!,
        namespace: 'compat',
        body: { propagationPolicy: policy },
      });
      await waitFor(
        async () =>
          (await apiError(core.readNamespacedConfigMap({ name: `dep-${policy.toLowerCase()}`, namespace: 'compat' })))
            .code === 404,
      );
      await waitFor(
        async () =>
          (await apiError(apps.readNamespacedReplicaSet({ name: owner.metadata!.name!, namespace: 'compat' }))).code ===
          404,
      );
    }
  });

  it('receives proper Status errors: 404, 409 AlreadyExists, 409 Conflict, 422 Invalid with causes', async () => {
    const nf = await apiError(core.readNamespacedConfigMap({ name: 'nope', namespace: 'compat' }));
    expect(nf.code).toBe(404);
    expect(nf.body).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'NotFound',
      message: 'configmaps "nope" not found',
    });
    const ae = await apiError(
      core.createNamespacedConfigMap({ namespace: 'compat', body: { metadata: { name: 'a' } } }),
    );
    expect(ae.code).toBe(409);
    expect(ae.body.reason).toBe('AlreadyExists');
    const a = await core.readNamespacedConfigMap({ name: 'a', namespace: 'compat' });
    await core.replaceNamespacedConfigMap({ name: 'a', namespace: 'compat', body: { ...a, data: { k: 'new' } } });
    const conflict = await apiError(
      core.replaceNamespacedConfigMap({ name: 'a', namespace: 'compat', body: { ...a, data: { k: 'stale' } } }),
    );
    expect(conflict.code).toBe(409);
    expect(conflict.body.reason).toBe('Conflict');
    const bad = deployment('Bad_Name');
    const inv = await apiError(apps.createNamespacedDeployment({ namespace: 'compat', body: bad }));
    expect(inv.code).toBe(422);
    expect(inv.body.reason).toBe('Invalid');
    expect(inv.body.details?.causes?.[0]).toMatchObject({ field: 'metadata.name', reason: 'FieldValueInvalid' });
  });
});

async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await cond()) return;
    } catch {
      // not yet
    }
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
