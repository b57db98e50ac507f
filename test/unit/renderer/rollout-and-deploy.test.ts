// Rollout status as `kubectl rollout status` words it, ReplicaSet progress, the side-by-side line
// diff, and the deploy form's two-way mapping to manifests (and server errors to its fields).
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src-main/ipc/contract.js';
import {
  emptyForm,
  formFieldOf,
  fromYamlText,
  joinArgs,
  splitArgs,
  toManifests,
  toYamlText,
} from '../../../src-renderer/src/lib/deploy/manifest.js';
import { sideBySide } from '../../../src-renderer/src/lib/rollout/line-diff.js';
import { replicaSetProgress, rolloutStatus } from '../../../src-renderer/src/lib/rollout/status.js';
import {
  eventEntries,
  mergeTimeline,
  podTransitions,
  type PodState,
} from '../../../src-renderer/src/lib/rollout/timeline.js';

const dep = (generation: number, status: Record<string, unknown>, replicas = 3): KubeObject =>
  ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', generation, uid: 'u1', annotations: { 'deployment.kubernetes.io/revision': '2' } },
    spec: { replicas },
    status,
  }) as KubeObject;

describe('rollout status', () => {
  it('says what kubectl rollout status says at each stage of a Deployment rollout', () => {
    expect(rolloutStatus(dep(2, { observedGeneration: 1 })).message).toBe(
      'Waiting for deployment spec update to be observed...',
    );
    expect(rolloutStatus(dep(2, { observedGeneration: 2, updatedReplicas: 1, replicas: 4 })).message).toBe(
      'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...',
    );
    expect(rolloutStatus(dep(2, { observedGeneration: 2, updatedReplicas: 3, replicas: 4 })).message).toBe(
      'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...',
    );
    expect(
      rolloutStatus(dep(2, { observedGeneration: 2, updatedReplicas: 3, replicas: 3, availableReplicas: 2 })).message,
    ).toBe('Waiting for deployment "web" rollout to finish: 2 of 3 updated replicas are available...');
    const done = rolloutStatus(
      dep(2, { observedGeneration: 2, updatedReplicas: 3, replicas: 3, availableReplicas: 3 }),
    );
    expect(done).toEqual({ message: 'deployment "web" successfully rolled out', done: true, failed: false });
    const stuck = rolloutStatus(
      dep(2, { observedGeneration: 2, conditions: [{ type: 'Progressing', reason: 'ProgressDeadlineExceeded' }] }),
    );
    expect(stuck).toMatchObject({ message: 'deployment "web" exceeded its progress deadline', failed: true });
  });

  it('words DaemonSet and StatefulSet rollouts as kubectl does', () => {
    const ds = {
      kind: 'DaemonSet',
      metadata: { name: 'agent', generation: 1 },
      spec: {},
      status: { observedGeneration: 1, desiredNumberScheduled: 2, updatedNumberScheduled: 1 },
    } as unknown as KubeObject;
    expect(rolloutStatus(ds).message).toBe(
      'Waiting for daemon set "agent" rollout to finish: 1 out of 2 new pods have been updated...',
    );
    const sts = {
      kind: 'StatefulSet',
      metadata: { name: 'db', generation: 1 },
      spec: { replicas: 2 },
      status: {
        observedGeneration: 1,
        readyReplicas: 2,
        currentReplicas: 2,
        currentRevision: 'db-1',
        updateRevision: 'db-1',
      },
    } as unknown as KubeObject;
    expect(rolloutStatus(sts).message).toBe('statefulset rolling update complete 2 pods at revision db-1...');
  });

  it('shows the new ReplicaSet first and drops old empty ones', () => {
    const rs = (name: string, rev: number, replicas: number, ready: number): KubeObject =>
      ({
        kind: 'ReplicaSet',
        metadata: {
          name,
          annotations: { 'deployment.kubernetes.io/revision': String(rev) },
          ownerReferences: [{ controller: true, uid: 'u1', kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' }],
        },
        spec: { replicas, template: { spec: { containers: [{ image: `app:${rev}` }] } } },
        status: { replicas, readyReplicas: ready, availableReplicas: ready },
      }) as unknown as KubeObject;
    const p = replicaSetProgress(dep(2, {}), [rs('web-a', 1, 2, 2), rs('web-b', 2, 1, 0), rs('web-0', 0, 0, 0)]);
    expect(p.map((x) => [x.name, x.isNew, x.desired, x.ready, x.images[0]])).toEqual([
      ['web-b', true, 1, 0, 'app:2'],
      ['web-a', false, 2, 2, 'app:1'],
    ]);
  });
});

describe('side-by-side diff', () => {
  it('pairs a changed line and keeps the same lines aligned', () => {
    const rows = sideBySide('a\nimage: x:1\nc\n', 'a\nimage: x:2\nc\nd\n');
    expect(rows.map((r) => [r.kind, r.left?.text, r.right?.text])).toEqual([
      ['same', 'a', 'a'],
      ['changed', 'image: x:1', 'image: x:2'],
      ['same', 'c', 'c'],
      ['added', undefined, 'd'],
    ]);
  });
});

describe('deploy form ↔ manifests', () => {
  const form = () => {
    const f = emptyForm('dev');
    f.name = 'web';
    f.image = 'kubedesk-test/busybox:1';
    f.imagePullPolicy = 'Never';
    f.replicas = 2;
    f.command = `httpd -f -p 8080 -h '/www root'`;
    f.ports = [{ containerPort: 8080, protocol: 'TCP' }];
    f.env = [
      { name: 'MODE', source: 'value', value: 'prod', key: '' },
      { name: 'PASSWORD', source: 'secret', value: 'creds', key: 'password' },
    ];
    f.resources = { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '', memory: '128Mi' } };
    f.probes.readiness = {
      ...f.probes.readiness,
      enabled: true,
      path: '/cgi-bin/health',
      port: 8080,
      periodSeconds: 2,
    };
    f.service = { enabled: true, type: 'NodePort', ports: [{ port: 80, targetPort: 8080 }] };
    f.hpa = { enabled: true, min: 1, max: 4, cpu: 50 };
    f.changeCause = 'first deploy';
    return f;
  };

  it('builds a Deployment, a Service and an HPA, leaving defaults out', () => {
    const [d, s, h] = toManifests(form());
    expect(d.metadata).toEqual({
      name: 'web',
      namespace: 'dev',
      labels: { app: 'web' },
      annotations: { 'kubernetes.io/change-cause': 'first deploy' },
    });
    const spec = d.spec as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(spec.replicas).toBeUndefined(); // the HPA owns replicas
    expect(spec.template.spec.containers[0]).toEqual({
      name: 'web',
      image: 'kubedesk-test/busybox:1',
      imagePullPolicy: 'Never',
      command: ['httpd', '-f', '-p', '8080', '-h', '/www root'],
      ports: [{ containerPort: 8080 }],
      env: [
        { name: 'MODE', value: 'prod' },
        { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
      ],
      resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '128Mi' } },
      readinessProbe: { httpGet: { path: '/cgi-bin/health', port: 8080 }, periodSeconds: 2 },
    });
    expect(s.spec).toEqual({ type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] });
    expect(h.spec).toMatchObject({
      minReplicas: 1,
      maxReplicas: 4,
      scaleTargetRef: { kind: 'Deployment', name: 'web' },
    });
  });

  it('reads its own YAML back to the same form, and follows hand edits', () => {
    const f = form();
    // With an HPA the manifest leaves replicas out (they are the HPA's), so the previous value stays.
    expect(fromYamlText(toYamlText(f), emptyForm())).toEqual({ ...f, replicas: 1 });
    expect(fromYamlText(toYamlText({ ...f, hpa: { ...f.hpa, enabled: false } }), emptyForm())).toEqual({
      ...f,
      hpa: { ...emptyForm().hpa },
    });
    const edited = toYamlText(f).replace('image: kubedesk-test/busybox:1', 'image: kubedesk-test/busybox:2');
    expect(fromYamlText(edited, f).image).toBe('kubedesk-test/busybox:2');
  });

  it('refuses YAML that is broken or holds no Deployment, with a readable message', () => {
    expect(() => fromYamlText('a: [', emptyForm())).toThrow(/YAML error/);
    expect(() => fromYamlText('kind: Service\n', emptyForm())).toThrow(/needs a Deployment/);
  });

  it('splits and joins command lines like a shell (quotes, escapes)', () => {
    expect(splitArgs(`sh -c "echo \\"hi\\" there" 'a b' c\\ d`)).toEqual(['sh', '-c', 'echo "hi" there', 'a b', 'c d']);
    expect(splitArgs(joinArgs(['sh', '-c', "it's here", '']))).toEqual(['sh', '-c', "it's here", '']);
  });

  it('maps server field paths to the form control that set them', () => {
    expect(formFieldOf('Deployment', 'spec.template.spec.containers[0].image')).toBe('image');
    expect(formFieldOf('Deployment', 'spec.template.spec.containers[0].readinessProbe.httpGet.port')).toBe('readiness');
    expect(formFieldOf('Deployment', 'spec.template.spec.containers[0].env[1].name')).toBe('env');
    expect(formFieldOf('Deployment', 'metadata.name')).toBe('name');
    expect(formFieldOf('Deployment', 'spec.replicas')).toBe('replicas');
    expect(formFieldOf('HorizontalPodAutoscaler', 'spec.maxReplicas')).toBe('hpa');
    expect(formFieldOf('Deployment', 'spec.template.spec.volumes[0]')).toBeNull();
  });
});

describe('rollout timeline', () => {
  const pod = (name: string, phase: string, ready: boolean, terminating = false): KubeObject =>
    ({
      kind: 'Pod',
      metadata: { name, deletionTimestamp: terminating ? '2026-01-01T00:00:00Z' : undefined },
      status: { phase, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
    }) as unknown as KubeObject;

  it('reports pod creation, phase and Ready changes and deletion, but not the pods present at first', () => {
    const seen = new Map<string, PodState>();
    expect(podTransitions(seen, [pod('a', 'Running', true)], 1, true)).toEqual([]);
    const next = podTransitions(seen, [pod('a', 'Running', false), pod('b', 'Pending', false)], 2);
    expect(next.map((e) => [e.subject, e.text, e.warning])).toEqual([
      ['pod/a', 'is no longer Ready', true],
      ['pod/b', 'created (Pending)', false],
    ]);
    const last = podTransitions(seen, [pod('b', 'Running', true, true)], 3);
    expect(last.map((e) => [e.subject, e.text])).toEqual([
      ['pod/b', 'Pending → Terminating'],
      ['pod/b', 'became Ready'],
      ['pod/a', 'deleted'],
    ]);
  });

  it('keeps the events of the workload’s own objects, newest first, with counts', () => {
    const event = (name: string, reason: string, t: string, count = 1, type = 'Normal'): KubeObject =>
      ({
        kind: 'Event',
        metadata: { name: `${name}.${reason}`, uid: `${name}-${reason}` },
        involvedObject: { kind: 'ReplicaSet', name },
        reason,
        message: 'm',
        type,
        count,
        lastTimestamp: t,
      }) as unknown as KubeObject;
    const entries = eventEntries(
      [
        event('web-1', 'SuccessfulCreate', '2026-01-01T00:00:01Z', 3),
        event('other', 'SuccessfulCreate', '2026-01-01T00:00:02Z'),
        event('web-1', 'FailedCreate', '2026-01-01T00:00:03Z', 1, 'Warning'),
      ],
      new Set(['web', 'web-1']),
    );
    const merged = mergeTimeline(entries, [], 10);
    expect(merged.map((e) => [e.text, e.warning])).toEqual([
      ['FailedCreate: m', true],
      ['SuccessfulCreate: m (×3)', false],
    ]);
  });
});
