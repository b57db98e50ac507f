// `kubectl apply` semantics of applyManifests: created / configured / unchanged per document,
// three-way merges that keep what others set, one bad document never spoiling the rest.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import type { Engine } from '../../../src-main/engine/index.js';
import { applyManifests, LAST_APPLIED } from '../../../src-main/engine/apiserver/apply.js';
import type { KubeObject } from '../../../src-main/engine/api/types.js';
import { testEngine, cmRef, deployRef, statusOf } from './helpers.js';

let engine: Engine;
beforeEach(async () => ({ engine } = await testEngine()));
afterEach(async () => engine.stop());

const nsRef = (name?: string) => ({ group: '', resource: 'namespaces', name });
const svcRef = (namespace: string, name?: string) => ({ group: '', resource: 'services', namespace, name });

const SHOP = `
apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: shop
data:
  mode: fast
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: main
          image: nginx:1.25
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector:
    app: web
  ports:
    - port: 80
      targetPort: 8080
`;

/** A Deployment manifest whose replicas, labels and env the tests vary. */
function webManifest(replicas: number, labels: Record<string, string>, env: Record<string, string>): string {
  const labelLines = Object.entries(labels).map(([k, v]) => `    ${k}: ${v}`);
  const envLines = Object.entries(env).flatMap(([k, v]) => [`            - name: ${k}`, `              value: "${v}"`]);
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: web',
    '  labels:',
    ...labelLines,
    'spec:',
    `  replicas: ${replicas}`,
    '  selector:',
    '    matchLabels:',
    '      app: web',
    '  template:',
    '    metadata:',
    '      labels:',
    '        app: web',
    '    spec:',
    '      containers:',
    '        - name: main',
    '          image: nginx:1.25',
    '          env:',
    ...envLines,
    '',
  ].join('\n');
}

const configMapDoc = (name: string, extra = '') =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${extra}data:\n  k: v\n`;

describe('applying a multi-document manifest', () => {
  it('creates every object and reports created with its document index', async () => {
    const results = await applyManifests(engine.api, SHOP);
    expect(results.map((r) => [r.index, r.kind, r.name, r.action, r.error])).toEqual([
      ['0', 'Namespace', 'shop', 'created', undefined],
      ['1', 'ConfigMap', 'settings', 'created', undefined],
      ['2', 'Deployment', 'web', 'created', undefined],
      ['3', 'Service', 'web', 'created', undefined],
    ]);
    await engine.api.get(nsRef('shop'));
    expect((await engine.api.get(cmRef('shop', 'settings'))).data).toEqual({ mode: 'fast' });
    expect((await engine.api.get(deployRef('shop', 'web'))).spec).toMatchObject({ replicas: 2 });
    expect((await engine.api.get(svcRef('shop', 'web'))).spec).toMatchObject({ ports: [{ port: 80 }] });
  });

  it('applying the same manifest again reports unchanged for each document and writes nothing', async () => {
    await applyManifests(engine.api, SHOP);
    await engine.settle();
    const rv = engine.store.resourceVersion;
    const results = await applyManifests(engine.api, SHOP);
    expect(results.map((r) => [r.index, r.action, r.error])).toEqual([
      ['0', 'unchanged', undefined],
      ['1', 'unchanged', undefined],
      ['2', 'unchanged', undefined],
      ['3', 'unchanged', undefined],
    ]);
    expect(engine.store.resourceVersion).toBe(rv);
  });
});

describe('re-applying a changed manifest', () => {
  it('is configured: removed fields go, defaults and fields set by others stay', async () => {
    const first = await applyManifests(
      engine.api,
      webManifest(2, { app: 'web', tier: 'frontend' }, { A: '1', B: '2' }),
    );
    expect(first[0]).toMatchObject({ action: 'created' });

    // Someone else: the deployment controller writes status, a person adds an annotation.
    const live = await engine.api.get(deployRef('default', 'web'));
    await engine.api.update(deployRef('default', 'web', 'status'), {
      ...live,
      status: { observedGeneration: 1, replicas: 2, readyReplicas: 2 },
    });
    await engine.api.patch(deployRef('default', 'web'), 'merge', {
      metadata: { annotations: { 'example.com/owner': 'payments' } },
    });

    const newManifest = webManifest(3, { app: 'web' }, { A: '1' });
    const results = await applyManifests(engine.api, newManifest);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ index: '0', kind: 'Deployment', name: 'web', action: 'configured' });
    expect(results[0].error).toBeUndefined();

    const d = await engine.api.get(deployRef('default', 'web'));
    const spec = d.spec as {
      replicas: number;
      revisionHistoryLimit: number;
      progressDeadlineSeconds: number;
      strategy: { type: string };
      template: { spec: { containers: { env: unknown[]; imagePullPolicy: string }[]; restartPolicy: string } };
    };
    expect(spec.replicas).toBe(3);
    expect(d.metadata.labels).toEqual({ app: 'web' });
    expect(spec.template.spec.containers[0].env).toEqual([{ name: 'A', value: '1' }]);
    // Defaults filled in by the API server survive the merge.
    expect(spec.revisionHistoryLimit).toBe(10);
    expect(spec.progressDeadlineSeconds).toBe(600);
    expect(spec.strategy.type).toBe('RollingUpdate');
    expect(spec.template.spec.restartPolicy).toBe('Always');
    expect(spec.template.spec.containers[0].imagePullPolicy).toBe('IfNotPresent');
    // So do the status and the annotation written by others.
    expect(d.status).toMatchObject({ observedGeneration: 1, replicas: 2, readyReplicas: 2 });
    expect(d.metadata.annotations?.['example.com/owner']).toBe('payments');
    expect(d.metadata.generation).toBe(2);

    const recorded = JSON.parse(d.metadata.annotations![LAST_APPLIED]) as KubeObject;
    expect(recorded.spec).toMatchObject({ replicas: 3 });
    expect(recorded.metadata.labels).toEqual({ app: 'web' });
    expect(recorded.metadata.annotations).toBeUndefined();
    expect(
      (recorded.spec as { template: { spec: { containers: { env: unknown[] }[] } } }).template.spec.containers[0].env,
    ).toEqual([{ name: 'A', value: '1' }]);
  });
});

describe('a manifest with an invalid document', () => {
  const text = [
    configMapDoc('one'),
    // A Deployment without an image: invalid.
    `apiVersion: apps/v1
kind: Deployment
metadata:
  name: broken
spec:
  selector:
    matchLabels:
      app: broken
  template:
    metadata:
      labels:
        app: broken
    spec:
      containers:
        - name: main
`,
    configMapDoc('three'),
  ].join('---\n');

  it('applies the other documents and reports the bad one by index with its field paths', async () => {
    const results = await applyManifests(engine.api, text);
    expect(results.map((r) => [r.index, r.name, r.action])).toEqual([
      ['0', 'one', 'created'],
      ['1', 'broken', undefined],
      ['2', 'three', 'created'],
    ]);
    const error = results[1].error!;
    expect(error.code).toBe(422);
    expect(error.reason).toBe('Invalid');
    expect(error.message).toBe(
      'Deployment.apps "broken" is invalid: spec.template.spec.containers[0].image: Required value',
    );
    expect(error.details?.causes?.map((c) => c.field)).toEqual(['spec.template.spec.containers[0].image']);

    await engine.api.get(cmRef('default', 'one'));
    await engine.api.get(cmRef('default', 'three'));
    expect(await statusOf(engine.api.get(deployRef('default', 'broken')))).toMatchObject({ code: 404 });
    expect(engine.store.list('deployments')).toEqual([]);
  });
});

describe('decoding', () => {
  it('a List is unpacked into its items, indexed under the list', async () => {
    const text = `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: a
    data: { k: v }
  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: b
    data: { k: v }
`;
    const results = await applyManifests(engine.api, text);
    expect(results.map((r) => [r.index, r.name, r.action])).toEqual([
      ['0.0', 'a', 'created'],
      ['0.1', 'b', 'created'],
    ]);
  });

  it('JSON input is applied like YAML', async () => {
    const text = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'j' }, data: { k: 'v' } });
    const results = await applyManifests(engine.api, text);
    expect(results).toMatchObject([{ index: '0', kind: 'ConfigMap', name: 'j', action: 'created' }]);
    expect((await engine.api.get(cmRef('default', 'j'))).data).toEqual({ k: 'v' });
  });

  it('empty and comment-only documents are skipped and not counted', async () => {
    const text = `---\n# only a comment\n---\n${configMapDoc('a')}---\n---\n\n# another comment\n---\n${configMapDoc('b')}---\n`;
    const results = await applyManifests(engine.api, text);
    expect(results.map((r) => [r.index, r.name, r.action])).toEqual([
      ['0', 'a', 'created'],
      ['1', 'b', 'created'],
    ]);
  });

  it('a manifest with nothing in it applies nothing', async () => {
    expect(await applyManifests(engine.api, '# nothing here\n---\n')).toEqual([]);
  });
});

describe('namespaces', () => {
  beforeEach(async () => {
    await engine.api.create(nsRef(), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
  });

  it('a namespaced object that names no namespace goes to opts.namespace', async () => {
    const results = await applyManifests(engine.api, configMapDoc('a'), { namespace: 'team' });
    expect(results).toMatchObject([{ name: 'a', namespace: 'team', action: 'created' }]);
    expect((await engine.api.get(cmRef('team', 'a'))).metadata.namespace).toBe('team');
    expect(await statusOf(engine.api.get(cmRef('default', 'a')))).toMatchObject({ code: 404 });
  });

  it('without opts.namespace it goes to default', async () => {
    const results = await applyManifests(engine.api, configMapDoc('a'));
    expect(results).toMatchObject([{ namespace: 'default', action: 'created' }]);
  });

  it('a namespace named in the manifest wins over opts.namespace', async () => {
    const results = await applyManifests(engine.api, configMapDoc('a', '  namespace: team\n'), {
      namespace: 'default',
    });
    expect(results).toMatchObject([{ namespace: 'team', action: 'created' }]);
    await engine.api.get(cmRef('team', 'a'));
  });

  it('a cluster-scoped kind ignores opts.namespace', async () => {
    const text = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: other\n';
    const results = await applyManifests(engine.api, text, { namespace: 'team' });
    expect(results).toMatchObject([{ kind: 'Namespace', name: 'other', action: 'created' }]);
    expect(results[0].namespace).toBeUndefined();
    expect((await engine.api.get(nsRef('other'))).metadata.namespace).toBeUndefined();
  });
});

describe('dryRun', () => {
  it('reports what would be created and stores nothing', async () => {
    await engine.settle();
    const rv = engine.store.resourceVersion;
    const results = await applyManifests(engine.api, `${configMapDoc('a')}---\n${configMapDoc('b')}`, {
      dryRun: 'All',
    });
    expect(results.map((r) => [r.name, r.action, r.error])).toEqual([
      ['a', 'created', undefined],
      ['b', 'created', undefined],
    ]);
    expect(results[0].object?.metadata.uid).toBeDefined();
    await engine.settle();
    expect(engine.store.resourceVersion).toBe(rv);
    expect(await statusOf(engine.api.get(cmRef('default', 'a')))).toMatchObject({ code: 404 });
  });

  it('a namespace created in the same dry run does not exist for the documents after it', async () => {
    // As with `kubectl apply --dry-run=server`: the Namespace is only pretended, so admission
    // finds no namespace for the objects in it.
    await engine.settle();
    const rv = engine.store.resourceVersion;
    const results = await applyManifests(engine.api, SHOP, { dryRun: 'All' });
    expect(results[0]).toMatchObject({ kind: 'Namespace', action: 'created' });
    for (const r of results.slice(1)) {
      expect(r.error).toMatchObject({ code: 404, message: 'namespaces "shop" not found' });
    }
    await engine.settle();
    expect(engine.store.resourceVersion).toBe(rv);
    expect(await statusOf(engine.api.get(nsRef('shop')))).toMatchObject({ code: 404 });
  });

  it('a change computed in a dry run leaves the stored object as it was', async () => {
    await applyManifests(engine.api, webManifest(2, { app: 'web' }, { A: '1' }));
    await engine.settle();
    const rv = engine.store.resourceVersion;
    const results = await applyManifests(engine.api, webManifest(5, { app: 'web' }, { A: '1' }), { dryRun: 'All' });
    expect(results[0].error).toBeUndefined();
    expect(results[0].object?.spec).toMatchObject({ replicas: 5 });
    await engine.settle();
    expect(engine.store.resourceVersion).toBe(rv);
    expect((await engine.api.get(deployRef('default', 'web'))).spec).toMatchObject({ replicas: 2 });
  });

  // A dry-run update never gets a new resourceVersion, so "configured" is decided by content;
  // kubectl prints `deployment.apps/web configured (server dry run)`.
  it('a change computed in a dry run is reported as configured', async () => {
    await applyManifests(engine.api, webManifest(2, { app: 'web' }, { A: '1' }));
    const results = await applyManifests(engine.api, webManifest(5, { app: 'web' }, { A: '1' }), { dryRun: 'All' });
    expect(results).toMatchObject([{ action: 'configured' }]);
  });
});
