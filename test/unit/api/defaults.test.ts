import { describe, it, expect } from 'vitest';
import type { KubeObject } from '../../../src-main/engine/api/types.js';
import { applyDefaults, defaultPodSpec } from '../../../src-main/engine/api/defaults/index.js';
import type { PodSpec } from 'kubernetes-types/core/v1';

const container = (extra: Record<string, unknown> = {}) => ({ name: 'c', image: 'nginx:1.25', ...extra });
const template = (spec: Record<string, unknown> = {}) => ({
  metadata: { labels: { app: 'x' } },
  spec: { containers: [container()], ...spec },
});
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary defaulted fields
function defaulted(apiVersion: string, kind: string, body: Record<string, unknown> = {}): any {
  const obj = { apiVersion, kind, metadata: { name: 'x', namespace: 'default' }, ...body } as KubeObject;
  applyDefaults(obj);
  return obj;
}

describe('apps/v1 defaults (pkg/apis/apps/v1/defaults.go)', () => {
  it('Deployment defaults replicas to 1, RollingUpdate 25%/25%, revisionHistoryLimit 10, progressDeadlineSeconds 600 (apps/v1/defaults.go)', () => {
    const d = defaulted('apps/v1', 'Deployment', { spec: { template: template() } });
    expect(d.spec.replicas).toBe(1);
    expect(d.spec.strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' },
    });
    expect(d.spec.revisionHistoryLimit).toBe(10);
    expect(d.spec.progressDeadlineSeconds).toBe(600);
  });

  it('Deployment with Recreate gets no rollingUpdate (apps/v1/defaults.go)', () => {
    const d = defaulted('apps/v1', 'Deployment', { spec: { strategy: { type: 'Recreate' }, template: template() } });
    expect(d.spec.strategy).toEqual({ type: 'Recreate' });
  });

  it('Deployment keeps given values and does not default the selector or its own labels (apps/v1/defaults.go)', () => {
    const d = defaulted('apps/v1', 'Deployment', { spec: { replicas: 0, template: template() } });
    expect(d.spec.replicas).toBe(0);
    expect(d.spec.selector).toBeUndefined();
    expect(d.metadata.labels).toBeUndefined();
  });

  it('ReplicaSet defaults replicas to 1 (apps/v1/defaults.go)', () => {
    expect(defaulted('apps/v1', 'ReplicaSet', { spec: { template: template() } }).spec.replicas).toBe(1);
  });

  it('DaemonSet defaults RollingUpdate maxUnavailable 1 maxSurge 0 and revisionHistoryLimit 10 (apps/v1/defaults.go)', () => {
    const ds = defaulted('apps/v1', 'DaemonSet', { spec: { template: template() } });
    expect(ds.spec.updateStrategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: 1, maxSurge: 0 },
    });
    expect(ds.spec.revisionHistoryLimit).toBe(10);
  });

  it('StatefulSet defaults replicas, OrderedReady, partition 0, history 10 and Retain/Retain (apps/v1/defaults.go)', () => {
    const sts = defaulted('apps/v1', 'StatefulSet', {
      spec: { template: template(), volumeClaimTemplates: [{ spec: {} }] },
    });
    expect(sts.spec.replicas).toBe(1);
    expect(sts.spec.podManagementPolicy).toBe('OrderedReady');
    expect(sts.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
    expect(sts.spec.revisionHistoryLimit).toBe(10);
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    expect(sts.spec.volumeClaimTemplates[0].spec.volumeMode).toBe('Filesystem');
  });

  it('workload templates get pod spec defaults (core/v1/defaults.go SetDefaults_PodSpec)', () => {
    const d = defaulted('apps/v1', 'Deployment', { spec: { template: template() } });
    expect(d.spec.template.spec).toMatchObject({
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      schedulerName: 'default-scheduler',
      securityContext: {},
    });
    // enableServiceLinks is SetDefaults_Pod, not SetDefaults_PodSpec: templates do not get it.
    expect(d.spec.template.spec.enableServiceLinks).toBeUndefined();
  });
});

describe('core/v1 pod defaults (pkg/apis/core/v1/defaults.go)', () => {
  const pod = (spec: Record<string, unknown>) => defaulted('v1', 'Pod', { spec }).spec;

  it('Pod spec defaults restartPolicy, grace period, dnsPolicy, scheduler, securityContext and service links (core/v1/defaults.go)', () => {
    expect(pod({ containers: [container()] })).toMatchObject({
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      schedulerName: 'default-scheduler',
      securityContext: {},
      enableServiceLinks: true,
    });
  });

  it.each([
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['registry:5000/nginx', 'Always'],
    ['nginx:1.25', 'IfNotPresent'],
    ['registry:5000/nginx:1.25', 'IfNotPresent'],
    ['nginx@sha256:abcd', 'IfNotPresent'],
  ])(
    'container image %s defaults imagePullPolicy to %s (core/v1/defaults.go SetDefaults_Container)',
    (image, policy) => {
      expect(pod({ containers: [{ name: 'c', image }] }).containers[0].imagePullPolicy).toBe(policy);
    },
  );

  it('containers and initContainers default termination message, port protocol and probe fields (core/v1/defaults.go)', () => {
    const spec = pod({
      initContainers: [container({ name: 'init' })],
      containers: [
        container({
          ports: [{ containerPort: 80 }],
          livenessProbe: { httpGet: { port: 80 } },
          readinessProbe: { tcpSocket: { port: 80 }, periodSeconds: 5 },
          env: [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
        }),
      ],
    });
    const c = spec.containers[0];
    expect(spec.initContainers[0]).toMatchObject({
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
    });
    expect(c.ports[0].protocol).toBe('TCP');
    expect(c.livenessProbe).toEqual({
      httpGet: { port: 80, path: '/', scheme: 'HTTP' },
      timeoutSeconds: 1,
      periodSeconds: 10,
      successThreshold: 1,
      failureThreshold: 3,
    });
    expect(c.readinessProbe.periodSeconds).toBe(5);
    expect(c.env[0].valueFrom.fieldRef.apiVersion).toBe('v1');
  });

  it('volumes default configMap/secret modes to 420 and a sourceless volume to emptyDir (core/v1/defaults.go)', () => {
    const spec = pod({
      containers: [container()],
      volumes: [{ name: 'a', configMap: { name: 'cm' } }, { name: 'b', secret: { secretName: 's' } }, { name: 'c' }],
    });
    expect(spec.volumes[0].configMap.defaultMode).toBe(420);
    expect(spec.volumes[1].secret.defaultMode).toBe(420);
    expect(spec.volumes[2].emptyDir).toEqual({});
  });

  it('a container with limits but no requests requests its limits (core/v1/defaults.go SetDefaults_Pod)', () => {
    const spec = pod({ containers: [container({ resources: { limits: { cpu: '500m' } } })] });
    expect(spec.containers[0].resources.requests).toEqual({ cpu: '500m' });
  });

  it('defaultPodSpec can be reused on a bare spec and is idempotent (core/v1/defaults.go)', () => {
    const spec = { containers: [container()] } as PodSpec;
    defaultPodSpec(spec);
    const once = structuredClone(spec);
    defaultPodSpec(spec);
    expect(spec).toEqual(once);
  });
});

describe('core/v1 defaults for other kinds (pkg/apis/core/v1/defaults.go)', () => {
  it('Service defaults type, sessionAffinity, port protocol, targetPort, traffic and IP family policy (core/v1/defaults.go)', () => {
    const svc = defaulted('v1', 'Service', { spec: { ports: [{ port: 80 }, { port: 443, targetPort: 'https' }] } });
    expect(svc.spec).toMatchObject({
      type: 'ClusterIP',
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
      ipFamilyPolicy: 'SingleStack',
    });
    expect(svc.spec.ports).toEqual([
      { port: 80, protocol: 'TCP', targetPort: 80 },
      { port: 443, protocol: 'TCP', targetPort: 'https' },
    ]);
  });

  it('NodePort Service defaults externalTrafficPolicy Cluster (core/v1/defaults.go)', () => {
    expect(
      defaulted('v1', 'Service', { spec: { type: 'NodePort', ports: [{ port: 80 }] } }).spec.externalTrafficPolicy,
    ).toBe('Cluster');
  });

  it('Secret defaults type to Opaque (core/v1/defaults.go)', () => {
    expect(defaulted('v1', 'Secret').type).toBe('Opaque');
  });

  it('PersistentVolumeClaim defaults volumeMode Filesystem (core/v1/defaults.go)', () => {
    expect(defaulted('v1', 'PersistentVolumeClaim', { spec: {} }).spec.volumeMode).toBe('Filesystem');
  });

  it('PersistentVolume defaults reclaim policy Retain and volumeMode Filesystem (core/v1/defaults.go)', () => {
    expect(defaulted('v1', 'PersistentVolume', { spec: {} }).spec).toMatchObject({
      persistentVolumeReclaimPolicy: 'Retain',
      volumeMode: 'Filesystem',
    });
  });

  it('Namespace gets the kubernetes finalizer and phase Active (core/v1/defaults.go, registry/core/namespace)', () => {
    const ns = defaulted('v1', 'Namespace');
    expect(ns.spec.finalizers).toEqual(['kubernetes']);
    expect(ns.status.phase).toBe('Active');
  });

  it('Node allocatable defaults to capacity (core/v1/defaults.go SetDefaults_NodeStatus)', () => {
    expect(defaulted('v1', 'Node', { status: { capacity: { cpu: '4' } } }).status.allocatable).toEqual({ cpu: '4' });
  });
});

describe('batch/v1 defaults (pkg/apis/batch/v1/defaults.go)', () => {
  const jobTemplate = () => ({
    metadata: { labels: { app: 'j' } },
    spec: { restartPolicy: 'Never', containers: [container()] },
  });

  it('Job defaults completions and parallelism to 1, backoffLimit 6, NonIndexed, not suspended (batch/v1/defaults.go)', () => {
    const job = defaulted('batch/v1', 'Job', { spec: { template: jobTemplate() } });
    expect(job.spec).toMatchObject({
      completions: 1,
      parallelism: 1,
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      suspend: false,
    });
    expect(job.spec.manualSelector).toBeUndefined();
  });

  it('Job with only parallelism leaves completions unset (batch/v1/defaults.go)', () => {
    const job = defaulted('batch/v1', 'Job', { spec: { parallelism: 3, template: jobTemplate() } });
    expect(job.spec.completions).toBeUndefined();
    expect(job.spec.parallelism).toBe(3);
  });

  it('Job labels default to the template labels (batch/v1/defaults.go)', () => {
    expect(defaulted('batch/v1', 'Job', { spec: { template: jobTemplate() } }).metadata.labels).toEqual({ app: 'j' });
  });

  it('Job template restartPolicy is not defaulted so that it must be given (batch/v1/defaults.go)', () => {
    const t = jobTemplate() as { spec: Record<string, unknown> };
    delete t.spec.restartPolicy;
    const job = defaulted('batch/v1', 'Job', { spec: { template: t } });
    expect(job.spec.template.spec.restartPolicy).toBeUndefined();
    expect(job.spec.template.spec.dnsPolicy).toBe('ClusterFirst');
  });

  it('CronJob defaults concurrencyPolicy Allow, suspend false and history limits 3/1 (batch/v1/defaults.go)', () => {
    const cj = defaulted('batch/v1', 'CronJob', {
      spec: { schedule: '@hourly', jobTemplate: { spec: { template: jobTemplate() } } },
    });
    expect(cj.spec).toMatchObject({
      concurrencyPolicy: 'Allow',
      suspend: false,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
    });
    expect(cj.spec.jobTemplate.spec.backoffLimit).toBe(6);
  });
});

describe('autoscaling defaults (pkg/apis/autoscaling/v2/defaults.go, v1/defaults.go)', () => {
  const ref = { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 5 };

  it('HPA v2 defaults minReplicas 1 and an 80% CPU utilization metric (autoscaling/v2/defaults.go)', () => {
    const hpa = defaulted('autoscaling/v2', 'HorizontalPodAutoscaler', { spec: { ...ref } });
    expect(hpa.spec.minReplicas).toBe(1);
    expect(hpa.spec.metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
    ]);
    expect(hpa.spec.behavior).toBeUndefined();
  });

  it('HPA v2 completes a given behavior with the upstream scale-up and scale-down rules (autoscaling/v2/defaults.go)', () => {
    const hpa = defaulted('autoscaling/v2', 'HorizontalPodAutoscaler', {
      spec: { ...ref, behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } },
    });
    expect(hpa.spec.behavior.scaleUp).toEqual({
      stabilizationWindowSeconds: 0,
      selectPolicy: 'Max',
      policies: [
        { type: 'Pods', value: 4, periodSeconds: 15 },
        { type: 'Percent', value: 100, periodSeconds: 15 },
      ],
    });
    expect(hpa.spec.behavior.scaleDown).toEqual({
      stabilizationWindowSeconds: 60,
      selectPolicy: 'Max',
      policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
    });
  });

  it('HPA v1 defaults minReplicas to 1 (autoscaling/v1/defaults.go)', () => {
    expect(defaulted('autoscaling/v1', 'HorizontalPodAutoscaler', { spec: { ...ref } }).spec.minReplicas).toBe(1);
  });
});
