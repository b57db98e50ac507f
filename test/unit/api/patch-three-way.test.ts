import { describe, expect, it } from 'vitest';
import { applyStrategicMergePatch, createThreeWayMergePatch } from '../../../src-main/engine/api/patch/index.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** What a user applies with `kubectl apply -f web.yaml`. */
const config = () => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web', team: 'blue' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          {
            name: 'app',
            image: 'nginx:1.25',
            env: [
              { name: 'MODE', value: 'prod' },
              { name: 'DEBUG', value: '1' },
            ],
            ports: [{ containerPort: 80 }],
          },
        ],
      },
    },
  },
});

/** The live object after the first apply: server defaults, metadata and status were added. */
function live(): Obj {
  const obj: Obj = structuredClone(config());
  obj.metadata = {
    ...obj.metadata,
    uid: 'u-1',
    resourceVersion: '7',
    generation: 1,
    annotations: { 'deployment.kubernetes.io/revision': '1' },
  };
  obj.spec.progressDeadlineSeconds = 600;
  obj.spec.revisionHistoryLimit = 10;
  obj.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
  const container = obj.spec.template.spec.containers[0];
  container.imagePullPolicy = 'IfNotPresent';
  container.terminationMessagePath = '/dev/termination-log';
  container.ports[0].protocol = 'TCP';
  obj.spec.template.spec.restartPolicy = 'Always';
  obj.spec.template.spec.dnsPolicy = 'ClusterFirst';
  obj.status = { replicas: 2, readyReplicas: 2, conditions: [{ type: 'Available', status: 'True' }] };
  return obj;
}

const apply = (original: unknown, modified: unknown, current: unknown) =>
  applyStrategicMergePatch<Obj>(
    current,
    createThreeWayMergePatch(original, modified, current, 'apps/v1/Deployment'),
    'apps/v1/Deployment',
  );

describe('three-way merge patch (kubectl apply)', () => {
  it('re-applying with replicas changed, an env var and a label removed keeps defaults and status', () => {
    const modified: Obj = config();
    modified.spec.replicas = 5;
    modified.spec.template.spec.containers[0].env = [{ name: 'MODE', value: 'prod' }];
    delete modified.metadata.labels.team;

    const current = live();
    const patch = createThreeWayMergePatch(config(), modified, current, 'apps/v1/Deployment');
    const result = applyStrategicMergePatch<Obj>(current, patch, 'apps/v1/Deployment');

    const expected = live();
    expected.spec.replicas = 5;
    expected.spec.template.spec.containers[0].env = [{ name: 'MODE', value: 'prod' }];
    delete expected.metadata.labels.team;
    expect(result).toEqual(expected);

    // The patch names only what the user changed.
    expect(patch).toEqual({
      metadata: { labels: { team: null } },
      spec: {
        replicas: 5,
        template: {
          spec: {
            containers: [
              { name: 'app', env: [{ name: 'DEBUG', $patch: 'delete' }], '$setElementOrder/env': [{ name: 'MODE' }] },
            ],
            '$setElementOrder/containers': [{ name: 'app' }],
          },
        },
      },
    });
  });

  it('re-applying an unchanged configuration gives an empty patch despite server defaults', () => {
    expect(createThreeWayMergePatch(config(), config(), live(), 'apps/v1/Deployment')).toEqual({});
  });

  it('the first apply (no last-applied configuration) deletes nothing', () => {
    const modified: Obj = config();
    delete modified.metadata.labels.team;
    const result = apply(undefined, modified, live());
    expect(result.metadata.labels).toEqual({ app: 'web', team: 'blue' });
  });

  it('a label added by another tool survives, because the user never applied it', () => {
    const current = live();
    current.metadata.labels.owner = 'ops';
    const modified: Obj = config();
    modified.metadata.labels.team = 'red';
    expect(apply(config(), modified, current).metadata.labels).toEqual({ app: 'web', team: 'red', owner: 'ops' });
  });

  it('a value changed on the live object is set back to the configuration', () => {
    const current = live();
    current.spec.replicas = 9; // e.g. kubectl scale
    expect(apply(config(), config(), current).spec.replicas).toBe(2);
  });

  it('a container removed from the configuration is deleted, an injected sidecar is left alone', () => {
    const original: Obj = config();
    original.spec.template.spec.containers.push({ name: 'log', image: 'busybox' });
    const current = live();
    current.spec.template.spec.containers.push(
      { name: 'log', image: 'busybox' },
      { name: 'mesh-proxy', image: 'envoy' },
    );
    const result = apply(original, config(), current);
    expect(result.spec.template.spec.containers.map((c: Obj) => c.name)).toEqual(['app', 'mesh-proxy']);
    expect(result.spec.template.spec.containers[0].imagePullPolicy).toBe('IfNotPresent');
  });

  it('a finalizer removed from the configuration goes through $deleteFromPrimitiveList', () => {
    const original: Obj = config();
    original.metadata.finalizers = ['example.com/a', 'example.com/b'];
    const modified: Obj = config();
    modified.metadata.finalizers = ['example.com/a'];
    const current = live();
    current.metadata.finalizers = ['example.com/a', 'example.com/b', 'kubernetes'];
    const patch = createThreeWayMergePatch(original, modified, current, 'Deployment');
    expect(patch.metadata).toMatchObject({ '$deleteFromPrimitiveList/finalizers': ['example.com/b'] });
    expect(applyStrategicMergePatch<Obj>(current, patch, 'Deployment').metadata.finalizers).toEqual([
      'example.com/a',
      'kubernetes',
    ]);
  });

  it('switching the strategy to Recreate drops the defaulted rollingUpdate through $retainKeys', () => {
    const modified: Obj = config();
    modified.spec.strategy = { type: 'Recreate' };
    expect(apply(config(), modified, live()).spec.strategy).toEqual({ type: 'Recreate' });
  });

  it('an unchanged strategy keeps its server-defaulted rollingUpdate', () => {
    const original: Obj = config();
    original.spec.strategy = { type: 'RollingUpdate' };
    const modified: Obj = config();
    modified.spec.strategy = { type: 'RollingUpdate' };
    expect(apply(original, modified, live()).spec.strategy.rollingUpdate).toEqual({
      maxSurge: '25%',
      maxUnavailable: '25%',
    });
  });

  it('a field removed from the configuration is deleted while its siblings stay', () => {
    const original: Obj = config();
    original.spec.minReadySeconds = 5;
    const current = live();
    current.spec.minReadySeconds = 5;
    const result = apply(original, config(), current);
    expect(result.spec).not.toHaveProperty('minReadySeconds');
    expect(result.spec.progressDeadlineSeconds).toBe(600);
  });

  it('an atomic list (tolerations) is replaced with the configured one', () => {
    const modified: Obj = config();
    modified.spec.template.spec.tolerations = [{ key: 'b', operator: 'Exists' }];
    const current = live();
    current.spec.template.spec.tolerations = [{ key: 'a', operator: 'Exists' }];
    expect(apply(config(), modified, current).spec.template.spec.tolerations).toEqual([
      { key: 'b', operator: 'Exists' },
    ]);
  });
});
