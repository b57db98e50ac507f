// apps/v1 validation, following pkg/apis/apps/validation/validation.go.
import type {
  ControllerRevision,
  DaemonSet,
  Deployment,
  ReplicaSet,
  RollingUpdateDeployment,
  StatefulSet,
} from 'kubernetes-types/apps/v1';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1';
import type { LabelSelector } from 'kubernetes-types/meta/v1';
import { cause, type Cause } from '../errors.js';
import { equal, immutable, isValidPercent, nonNegative } from './helpers.js';
import { isEmptySelector, selectorMatches, validateLabelSelector } from './meta.js';
import { validatePodTemplateSpec } from './pod.js';

/** The selector checks every workload shares: required, valid, non-empty, matching the template. */
export function validateSelectorAndTemplate(
  selector: LabelSelector | undefined,
  template: PodTemplateSpec | undefined,
  what: string,
  field = 'spec',
): Cause[] {
  const errs: Cause[] = [];
  if (!selector) {
    errs.push(cause.required(`${field}.selector`, ''));
  } else {
    errs.push(...validateLabelSelector(selector, `${field}.selector`));
    if (isEmptySelector(selector))
      errs.push(cause.invalid(`${field}.selector`, selector, `empty selector is invalid for ${what}`));
  }
  if (template && selector && !isEmptySelector(selector) && !selectorMatches(selector, template.metadata?.labels)) {
    errs.push(
      cause.invalid(
        `${field}.template.metadata.labels`,
        template.metadata?.labels ?? {},
        '`selector` does not match template `labels`',
      ),
    );
  }
  return errs;
}

/** ValidatePodTemplateSpecForReplicaSet: templates of long-running workloads restart Always. */
function validateWorkloadTemplate(template: PodTemplateSpec | undefined, field: string, what: string): Cause[] {
  const errs = validatePodTemplateSpec(template, field);
  const policy = template?.spec?.restartPolicy;
  if (template?.spec && policy && policy !== 'Always') {
    errs.push(cause.notSupported(`${field}.spec.restartPolicy`, policy, ['Always']));
  }
  if (template?.spec?.activeDeadlineSeconds !== undefined) {
    errs.push(
      cause.forbidden(`${field}.spec.activeDeadlineSeconds`, `activeDeadlineSeconds in ${what} is not Supported`),
    );
  }
  return errs;
}

/** ValidatePositiveIntOrPercent and IsNotMoreThan100Percent. */
function validateIntOrPercent(value: number | string | undefined, field: string, max100 = false): Cause[] {
  if (value === undefined) return [];
  if (typeof value === 'number') return nonNegative(value, field);
  const errs = isValidPercent(value).map((m) => cause.invalid(field, value, m));
  if (errs.length === 0 && max100 && Number.parseInt(value, 10) > 100) {
    errs.push(cause.invalid(field, value, 'must not be greater than 100%'));
  }
  return errs;
}

const intOrPercentValue = (v: number | string | undefined): number =>
  typeof v === 'number' ? v : typeof v === 'string' ? Number.parseInt(v, 10) || 0 : 0;

function validateRollingUpdate(ru: RollingUpdateDeployment, field: string): Cause[] {
  const errs = [
    ...validateIntOrPercent(ru.maxUnavailable, `${field}.maxUnavailable`, true),
    ...validateIntOrPercent(ru.maxSurge, `${field}.maxSurge`),
  ];
  if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
    errs.push(cause.invalid(`${field}.maxUnavailable`, ru.maxUnavailable ?? 0, 'may not be 0 when `maxSurge` is 0'));
  }
  return errs;
}

export function validateDeployment(d: Deployment): Cause[] {
  const spec = d.spec;
  if (!spec) return [cause.required('spec', '')];
  const errs: Cause[] = [
    ...nonNegative(spec.replicas, 'spec.replicas'),
    ...validateSelectorAndTemplate(spec.selector, spec.template, 'deployment'),
    ...validateWorkloadTemplate(spec.template, 'spec.template', 'ReplicaSet'),
    ...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'),
    ...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'),
  ];
  const strategy = spec.strategy ?? {};
  if (strategy.type === 'Recreate') {
    if (strategy.rollingUpdate) {
      errs.push(
        cause.forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'"),
      );
    }
  } else if (strategy.type === 'RollingUpdate') {
    if (!strategy.rollingUpdate)
      errs.push(cause.required('spec.strategy.rollingUpdate', 'this should be defaulted and never be nil'));
    else errs.push(...validateRollingUpdate(strategy.rollingUpdate, 'spec.strategy.rollingUpdate'));
  } else {
    errs.push(cause.notSupported('spec.strategy.type', strategy.type, ['Recreate', 'RollingUpdate']));
  }
  if (spec.progressDeadlineSeconds !== undefined) {
    errs.push(...nonNegative(spec.progressDeadlineSeconds, 'spec.progressDeadlineSeconds'));
    if (spec.progressDeadlineSeconds <= (spec.minReadySeconds ?? 0)) {
      errs.push(
        cause.invalid(
          'spec.progressDeadlineSeconds',
          spec.progressDeadlineSeconds,
          'must be greater than minReadySeconds',
        ),
      );
    }
  }
  return errs;
}

export function validateReplicaSet(rs: ReplicaSet): Cause[] {
  const spec = rs.spec;
  if (!spec) return [cause.required('spec', '')];
  return [
    ...nonNegative(spec.replicas, 'spec.replicas'),
    ...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'),
    ...validateSelectorAndTemplate(spec.selector, spec.template, 'deployment'),
    ...validateWorkloadTemplate(spec.template, 'spec.template', 'ReplicaSet'),
  ];
}

export function validateDaemonSet(ds: DaemonSet): Cause[] {
  const spec = ds.spec;
  if (!spec) return [cause.required('spec', '')];
  const errs: Cause[] = [
    ...validateSelectorAndTemplate(spec.selector, spec.template, 'daemonset'),
    ...validateWorkloadTemplate(spec.template, 'spec.template', 'DaemonSet'),
    ...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'),
    ...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'),
  ];
  const strategy = spec.updateStrategy ?? {};
  if (strategy.type === 'RollingUpdate') {
    const ru = strategy.rollingUpdate;
    if (!ru) errs.push(cause.required('spec.updateStrategy.rollingUpdate', ''));
    else errs.push(...validateRollingUpdate(ru, 'spec.updateStrategy.rollingUpdate'));
  } else if (strategy.type !== 'OnDelete') {
    errs.push(cause.notSupported('spec.updateStrategy.type', strategy.type, ['OnDelete', 'RollingUpdate']));
  }
  return errs;
}

export function validateStatefulSet(sts: StatefulSet): Cause[] {
  const spec = sts.spec;
  if (!spec) return [cause.required('spec', '')];
  const errs: Cause[] = [
    ...nonNegative(spec.replicas, 'spec.replicas'),
    ...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'),
    ...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'),
    ...validateSelectorAndTemplate(spec.selector, spec.template, 'statefulset'),
    ...validateWorkloadTemplate(spec.template, 'spec.template', 'StatefulSet'),
  ];
  if (!['OrderedReady', 'Parallel'].includes(spec.podManagementPolicy ?? '')) {
    errs.push(
      cause.notSupported('spec.podManagementPolicy', spec.podManagementPolicy ?? '', ['OrderedReady', 'Parallel']),
    );
  }
  const strategy = spec.updateStrategy ?? {};
  if (strategy.type === 'RollingUpdate') {
    errs.push(...nonNegative(strategy.rollingUpdate?.partition, 'spec.updateStrategy.rollingUpdate.partition'));
  } else if (strategy.type === 'OnDelete') {
    if (strategy.rollingUpdate) {
      errs.push(
        cause.invalid(
          'spec.updateStrategy.rollingUpdate',
          strategy.rollingUpdate,
          "only allowed for updateStrategy 'RollingUpdate'",
        ),
      );
    }
  } else {
    errs.push(cause.notSupported('spec.updateStrategy.type', strategy.type, ['OnDelete', 'RollingUpdate']));
  }
  const retention = spec.persistentVolumeClaimRetentionPolicy ?? {};
  for (const k of ['whenDeleted', 'whenScaled'] as const) {
    if (retention[k] && !['Retain', 'Delete'].includes(retention[k]!)) {
      errs.push(
        cause.notSupported(`spec.persistentVolumeClaimRetentionPolicy.${k}`, retention[k], ['Retain', 'Delete']),
      );
    }
  }
  return errs;
}

/** The selector of an apps/v1 workload never changes (apps/v1 made it immutable). */
export function validateSelectorUpdate(next: { spec?: { selector?: LabelSelector } }, old: typeof next): Cause[] {
  return immutable(next.spec?.selector, old.spec?.selector, 'spec.selector');
}

const STS_UPDATABLE = [
  'replicas',
  'ordinals',
  'template',
  'updateStrategy',
  'persistentVolumeClaimRetentionPolicy',
  'minReadySeconds',
] as const;

/** ValidateStatefulSetUpdate: only a few spec fields may change. */
export function validateStatefulSetUpdate(sts: StatefulSet, old: StatefulSet): Cause[] {
  const a = { ...(sts.spec ?? {}) } as Record<string, unknown>;
  const b = { ...(old.spec ?? {}) } as Record<string, unknown>;
  for (const k of STS_UPDATABLE) {
    delete a[k];
    delete b[k];
  }
  if (equal(a, b)) return [];
  return [
    cause.forbidden(
      'spec',
      "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ),
  ];
}

/** ValidateControllerRevision. */
export function validateControllerRevision(cr: ControllerRevision): Cause[] {
  const errs = nonNegative(cr.revision, 'revision');
  if (cr.data === undefined || cr.data === null) errs.push(cause.required('data', 'data is mandatory'));
  return errs;
}

export function validateControllerRevisionUpdate(cr: ControllerRevision, old: ControllerRevision): Cause[] {
  return immutable(cr.data, old.data, 'data');
}
