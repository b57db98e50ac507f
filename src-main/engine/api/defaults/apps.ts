// apps/v1 defaulting, following pkg/apis/apps/v1/defaults.go.
import type { DaemonSet, Deployment, ReplicaSet, StatefulSet } from 'kubernetes-types/apps/v1';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1';
import { defaultPodSpec } from './pod.js';

export function defaultTemplate(template: PodTemplateSpec | undefined, restartPolicy = true): void {
  if (template?.spec) defaultPodSpec(template.spec, { restartPolicy });
}

/** SetDefaults_Deployment (pkg/apis/apps/v1/defaults.go). */
export function defaultDeployment(d: Deployment): void {
  const spec = (d.spec ??= {} as Deployment['spec'] & object);
  if (spec.replicas === undefined) spec.replicas = 1;
  const strategy = (spec.strategy ??= {});
  if (!strategy.type) strategy.type = 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const ru = (strategy.rollingUpdate ??= {});
    if (ru.maxUnavailable === undefined) ru.maxUnavailable = '25%';
    if (ru.maxSurge === undefined) ru.maxSurge = '25%';
  }
  if (spec.revisionHistoryLimit === undefined) spec.revisionHistoryLimit = 10;
  if (spec.progressDeadlineSeconds === undefined) spec.progressDeadlineSeconds = 600;
  defaultTemplate(spec.template);
}

/** SetDefaults_ReplicaSet (pkg/apis/apps/v1/defaults.go). */
export function defaultReplicaSet(rs: ReplicaSet): void {
  const spec = (rs.spec ??= {} as ReplicaSet['spec'] & object);
  if (spec.replicas === undefined) spec.replicas = 1;
  defaultTemplate(spec.template);
}

/** SetDefaults_DaemonSet (pkg/apis/apps/v1/defaults.go). */
export function defaultDaemonSet(ds: DaemonSet): void {
  const spec = (ds.spec ??= {} as DaemonSet['spec'] & object);
  const strategy = (spec.updateStrategy ??= {});
  if (!strategy.type) strategy.type = 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const ru = (strategy.rollingUpdate ??= {});
    if (ru.maxUnavailable === undefined) ru.maxUnavailable = 1;
    if (ru.maxSurge === undefined) ru.maxSurge = 0;
  }
  if (spec.revisionHistoryLimit === undefined) spec.revisionHistoryLimit = 10;
  defaultTemplate(spec.template);
}

/** SetDefaults_StatefulSet (pkg/apis/apps/v1/defaults.go). */
export function defaultStatefulSet(sts: StatefulSet): void {
  const spec = (sts.spec ??= {} as StatefulSet['spec'] & object);
  if (!spec.podManagementPolicy) spec.podManagementPolicy = 'OrderedReady';
  const strategy = (spec.updateStrategy ??= {});
  if (!strategy.type) strategy.type = 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const ru = (strategy.rollingUpdate ??= {});
    if (ru.partition === undefined) ru.partition = 0;
  }
  const retention = (spec.persistentVolumeClaimRetentionPolicy ??= {});
  if (!retention.whenDeleted) retention.whenDeleted = 'Retain';
  if (!retention.whenScaled) retention.whenScaled = 'Retain';
  if (spec.replicas === undefined) spec.replicas = 1;
  if (spec.revisionHistoryLimit === undefined) spec.revisionHistoryLimit = 10;
  defaultTemplate(spec.template);
  // SetDefaults_PersistentVolumeClaim applies to the claim templates too.
  for (const claim of spec.volumeClaimTemplates ?? []) {
    const s = (claim.spec ??= {});
    if (!s.volumeMode) s.volumeMode = 'Filesystem';
  }
}
