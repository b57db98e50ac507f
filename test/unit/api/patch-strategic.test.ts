import { describe, expect, it } from 'vitest';
import { StatusError } from '../../../src-main/engine/api/errors.js';
import {
  applyMergePatch,
  applyStrategicMergePatch,
  createStrategicMergePatch,
} from '../../../src-main/engine/api/patch/index.js';

/** The Deployment of the `kubectl patch` task in the Kubernetes docs (deployment-patch.yaml). */
const patchDemo = () => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'patch-demo' },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'nginx' } },
    template: {
      metadata: { labels: { app: 'nginx' } },
      spec: {
        containers: [{ name: 'patch-demo-ctr', image: 'nginx' }],
        tolerations: [{ effect: 'NoSchedule', key: 'dedicated', value: 'test-team' }],
      },
    },
  },
});

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const sm = (target: unknown, patch: unknown, kind = 'apps/v1/Deployment') =>
  applyStrategicMergePatch<Obj>(target, patch, kind);

const podSpecPatch = (spec: unknown) => ({ spec: { template: { spec } } });

function rejection(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StatusError);
    return err as StatusError;
  }
  throw new Error('expected the patch to be rejected');
}

describe('strategic merge patch', () => {
  // https://kubernetes.io/docs/tasks/manage-kubernetes-objects/update-api-object-kubectl-patch/
  it('patching the containers list by name adds a second container without touching the first', () => {
    const patch = podSpecPatch({ containers: [{ name: 'patch-demo-ctr-2', image: 'redis' }] });
    const result = sm(patchDemo(), patch);
    // The docs show the patched-in container first: new items sort ahead of server-only ones.
    expect(result.spec.template.spec.containers).toEqual([
      { name: 'patch-demo-ctr-2', image: 'redis' },
      { name: 'patch-demo-ctr', image: 'nginx' },
    ]);
    expect(result.spec.replicas).toBe(2);
  });

  it('the same patch as a JSON merge patch replaces the containers list', () => {
    const patch = podSpecPatch({ containers: [{ name: 'patch-demo-ctr-2', image: 'redis' }] });
    const result = applyMergePatch<Obj>(patchDemo(), patch);
    expect(result.spec.template.spec.containers).toEqual([{ name: 'patch-demo-ctr-2', image: 'redis' }]);
  });

  it('tolerations have no merge key in Kubernetes, so a patch replaces them', () => {
    const patch = podSpecPatch({ tolerations: [{ effect: 'NoSchedule', key: 'disktype', value: 'ssd' }] });
    expect(sm(patchDemo(), patch).spec.template.spec.tolerations).toEqual([
      { effect: 'NoSchedule', key: 'disktype', value: 'ssd' },
    ]);
  });

  it('a container in the patch with an existing name is merged field by field', () => {
    const target = sm(
      patchDemo(),
      podSpecPatch({ containers: [{ name: 'patch-demo-ctr', imagePullPolicy: 'Never' }] }),
    );
    expect(target.spec.template.spec.containers).toEqual([
      { name: 'patch-demo-ctr', image: 'nginx', imagePullPolicy: 'Never' },
    ]);
  });

  it('env merges by name, ports by containerPort and volumeMounts by mountPath', () => {
    const target = podSpecPatch({
      containers: [
        {
          name: 'app',
          env: [
            { name: 'A', value: '1' },
            { name: 'B', value: '2' },
          ],
          ports: [{ containerPort: 80, name: 'http' }],
          volumeMounts: [{ mountPath: '/data', name: 'data' }],
        },
      ],
    });
    const patch = podSpecPatch({
      containers: [
        {
          name: 'app',
          env: [{ name: 'B', value: 'two' }],
          ports: [{ containerPort: 443, name: 'https' }],
          volumeMounts: [{ mountPath: '/data', readOnly: true }],
        },
      ],
    });
    const [app] = sm(target, patch).spec.template.spec.containers;
    expect(app.env).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: 'two' },
    ]);
    expect(app.ports).toEqual([
      { containerPort: 443, name: 'https' },
      { containerPort: 80, name: 'http' },
    ]);
    expect(app.volumeMounts).toEqual([{ mountPath: '/data', name: 'data', readOnly: true }]);
  });

  it('a $patch: delete directive removes the container with that name', () => {
    const target = sm(patchDemo(), podSpecPatch({ containers: [{ name: 'sidecar', image: 'busybox' }] }));
    const result = sm(target, podSpecPatch({ containers: [{ name: 'patch-demo-ctr', $patch: 'delete' }] }));
    expect(result.spec.template.spec.containers).toEqual([{ name: 'sidecar', image: 'busybox' }]);
  });

  it('a $patch: replace item makes the rest of the patch list the whole list', () => {
    const patch = podSpecPatch({ containers: [{ $patch: 'replace' }, { name: 'only', image: 'redis' }] });
    expect(sm(patchDemo(), patch).spec.template.spec.containers).toEqual([{ name: 'only', image: 'redis' }]);
  });

  it('a $patch: replace map replaces the map instead of merging into it', () => {
    const target = { metadata: { name: 'x', labels: { a: '1', b: '2' } } };
    const result = sm(target, { metadata: { labels: { $patch: 'replace', c: '3' } } }, 'v1/ConfigMap');
    expect(result.metadata.labels).toEqual({ c: '3' });
  });

  it('a $patch: delete map removes the map', () => {
    const target = { metadata: { name: 'x', labels: { a: '1' } } };
    expect(sm(target, { metadata: { labels: { $patch: 'delete' } } }, 'v1/ConfigMap').metadata).toEqual({ name: 'x' });
  });

  it('a $patch: merge directive is the default and changes nothing about merging', () => {
    const target = { metadata: { labels: { a: '1' } } };
    expect(sm(target, { metadata: { labels: { $patch: 'merge', b: '2' } } }, 'Pod').metadata.labels).toEqual({
      a: '1',
      b: '2',
    });
  });

  it('null deletes a field and a null for a missing field is not stored', () => {
    const result = sm(patchDemo(), { spec: { replicas: null, paused: null } });
    expect(result.spec).not.toHaveProperty('replicas');
    expect(result.spec).not.toHaveProperty('paused');
  });

  it('$retainKeys on the Deployment strategy clears rollingUpdate when switching to Recreate', () => {
    const target = { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%' } } } };
    const result = sm(target, { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } });
    expect(result.spec.strategy).toEqual({ type: 'Recreate' });
  });

  it('a key set by the patch but missing from $retainKeys is rejected', () => {
    const patch = { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: { maxSurge: 1 } } } };
    expect(rejection(() => sm({}, patch)).message).toMatch(/"rollingUpdate" .* not in its \$retainKeys list/);
  });

  it('a volume switched from emptyDir to configMap keeps only the new source with $retainKeys', () => {
    const target = podSpecPatch({
      volumes: [
        { name: 'cfg', emptyDir: {} },
        { name: 'other', emptyDir: {} },
      ],
    });
    const patch = podSpecPatch({
      volumes: [{ name: 'cfg', configMap: { name: 'settings' }, $retainKeys: ['configMap', 'name'] }],
    });
    expect(sm(target, patch).spec.template.spec.volumes).toEqual([
      { name: 'cfg', configMap: { name: 'settings' } },
      { name: 'other', emptyDir: {} },
    ]);
  });

  it('finalizers merge as a set and $deleteFromPrimitiveList removes values', () => {
    const target = { metadata: { finalizers: ['a', 'b'] } };
    expect(sm(target, { metadata: { finalizers: ['b', 'c'] } }, 'Pod').metadata.finalizers).toEqual(['a', 'b', 'c']);
    const removed = sm(target, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } }, 'Pod');
    expect(removed.metadata.finalizers).toEqual(['b']);
  });

  it('$setElementOrder orders the merged list', () => {
    const target = podSpecPatch({ containers: [{ name: 'a' }, { name: 'b' }] });
    const patch = podSpecPatch({
      containers: [{ name: 'c' }],
      '$setElementOrder/containers': [{ name: 'c' }, { name: 'b' }, { name: 'a' }],
    });
    expect(sm(target, patch).spec.template.spec.containers).toEqual([{ name: 'c' }, { name: 'b' }, { name: 'a' }]);
  });

  it('pod template lists are found under the CronJob job template and in a bare Pod', () => {
    const cronJob = { spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'a' }] } } } } } };
    const patched = sm(
      cronJob,
      { spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'b' }] } } } } } },
      'batch/v1/CronJob',
    );
    expect(patched.spec.jobTemplate.spec.template.spec.containers).toHaveLength(2);
    const pod = sm({ spec: { containers: [{ name: 'a' }] } }, { spec: { containers: [{ name: 'b' }] } }, 'v1/Pod');
    expect(pod.spec.containers).toHaveLength(2);
  });

  it('Service ports merge by port, status conditions by type, node addresses by type', () => {
    const svc = sm(
      { spec: { ports: [{ port: 80, targetPort: 8080 }] } },
      { spec: { ports: [{ port: 80, name: 'http' }] } },
      'Service',
    );
    expect(svc.spec.ports).toEqual([{ port: 80, targetPort: 8080, name: 'http' }]);
    const node = sm(
      { status: { conditions: [{ type: 'Ready', status: 'False' }], addresses: [{ type: 'Hostname', address: 'a' }] } },
      {
        status: {
          conditions: [{ type: 'Ready', status: 'True' }],
          addresses: [{ type: 'InternalIP', address: '10.0.0.1' }],
        },
      },
      'v1/Node',
    );
    expect(node.status.conditions).toEqual([{ type: 'Ready', status: 'True' }]);
    expect(node.status.addresses).toHaveLength(2);
  });

  it('ownerReferences merge by uid', () => {
    const target = { metadata: { ownerReferences: [{ uid: '1', name: 'a' }] } };
    const result = sm(target, { metadata: { ownerReferences: [{ uid: '2', name: 'b' }] } }, 'ReplicaSet');
    expect(result.metadata.ownerReferences.map((r: Obj) => r.uid).sort()).toEqual(['1', '2']);
  });

  it('finalizers merge for built-in kinds named with or without their apiVersion', () => {
    const target = { metadata: { finalizers: ['a'] } };
    for (const kind of ['ConfigMap', 'v1/ConfigMap', 'rbac.authorization.k8s.io/v1/Role']) {
      expect(sm(target, { metadata: { finalizers: ['b'] } }, kind).metadata.finalizers, kind).toEqual(['b', 'a']);
    }
  });

  it('Endpoints subsets and Ingress rules are atomic and replaced', () => {
    const ep = sm(
      { subsets: [{ addresses: [{ ip: '1.1.1.1' }] }] },
      { subsets: [{ addresses: [{ ip: '2.2.2.2' }] }] },
      'Endpoints',
    );
    expect(ep.subsets).toEqual([{ addresses: [{ ip: '2.2.2.2' }] }]);
    const ing = sm(
      { spec: { rules: [{ host: 'a' }] } },
      { spec: { rules: [{ host: 'b' }] } },
      'networking.k8s.io/v1/Ingress',
    );
    expect(ing.spec.rules).toEqual([{ host: 'b' }]);
  });

  it('an unknown kind (a custom resource) is patched like a JSON merge patch', () => {
    const target = { spec: { containers: [{ name: 'a' }] } };
    const result = sm(target, { spec: { containers: [{ name: 'b' }] } }, 'example.com/v1/Widget');
    expect(result.spec.containers).toEqual([{ name: 'b' }]);
  });

  it('a Deployment kind of another group is not mistaken for apps/v1', () => {
    const target = { spec: { template: { spec: { containers: [{ name: 'a' }] } } } };
    const result = sm(target, podSpecPatch({ containers: [{ name: 'b' }] }), 'example.com/v1/Deployment');
    expect(result.spec.template.spec.containers).toEqual([{ name: 'b' }]);
  });

  it('a merge-key list item without its merge key is rejected', () => {
    const err = rejection(() => sm(patchDemo(), podSpecPatch({ containers: [{ image: 'redis' }] })));
    expect(err.code).toBe(400);
    expect(err.message).toMatch(/does not contain declared merge key: name/);
  });

  it('an unknown $patch directive is rejected', () => {
    expect(rejection(() => sm({}, { spec: { $patch: 'explode' } })).message).toMatch(
      /unknown patch directive "explode"/,
    );
  });

  it('never mutates the target or the patch', () => {
    const target = patchDemo();
    const before = structuredClone(target);
    const patch = podSpecPatch({ containers: [{ name: 'patch-demo-ctr', image: 'redis' }] });
    const patchBefore = structuredClone(patch);
    const result = sm(target, patch);
    result.spec.selector.matchLabels.app = 'changed';
    expect(target).toEqual(before);
    expect(patch).toEqual(patchBefore);
  });

  it('createStrategicMergePatch removes a container by merge key and reorders with $setElementOrder', () => {
    const original = podSpecPatch({
      containers: [
        { name: 'a', image: '1' },
        { name: 'b', image: '2' },
      ],
    });
    const modified = podSpecPatch({ containers: [{ name: 'b', image: '3' }] });
    const patch = createStrategicMergePatch(original, modified, 'Deployment');
    expect(patch).toEqual(
      podSpecPatch({
        containers: [
          { name: 'b', image: '3' },
          { name: 'a', $patch: 'delete' },
        ],
        '$setElementOrder/containers': [{ name: 'b' }],
      }),
    );
    expect(sm(original, patch)).toEqual(modified);
  });

  it('createStrategicMergePatch of a primitive set uses $deleteFromPrimitiveList', () => {
    const patch = createStrategicMergePatch(
      { metadata: { finalizers: ['a', 'b'] } },
      { metadata: { finalizers: ['b', 'c'] } },
      'Pod',
    );
    expect(patch).toEqual({
      metadata: {
        finalizers: ['c'],
        '$deleteFromPrimitiveList/finalizers': ['a'],
        '$setElementOrder/finalizers': ['b', 'c'],
      },
    });
  });

  it('createStrategicMergePatch adds $retainKeys where the strategy is retainKeys', () => {
    const original = { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } };
    const modified = { spec: { strategy: { type: 'Recreate' } } };
    const patch = createStrategicMergePatch(original, modified, 'Deployment');
    expect(patch).toEqual({ spec: { strategy: { type: 'Recreate', rollingUpdate: null, $retainKeys: ['type'] } } });
    expect(sm(original, patch)).toEqual(modified);
  });

  it('identical objects give an empty patch', () => {
    expect(createStrategicMergePatch(patchDemo(), patchDemo(), 'Deployment')).toEqual({});
  });
});
