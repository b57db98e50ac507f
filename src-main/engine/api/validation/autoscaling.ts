// HorizontalPodAutoscaler validation, following pkg/apis/autoscaling/validation/validation.go.
import type { HorizontalPodAutoscaler as HPAv1 } from 'kubernetes-types/autoscaling/v1';
import type {
  HorizontalPodAutoscaler as HPAv2,
  MetricSpec,
  MetricTarget,
  CrossVersionObjectReference,
} from 'kubernetes-types/autoscaling/v2';
import { cause, type Cause } from '../errors.js';
import { parseQuantity } from '../quantity.js';
import { QUANTITY_FORMAT_ERROR } from './helpers.js';

const METRIC_SOURCE_TYPES = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];
const METRIC_TARGET_TYPES = ['AverageValue', 'Utilization', 'Value'];
const SOURCE_FIELD: Record<string, 'containerResource' | 'external' | 'object' | 'pods' | 'resource'> = {
  ContainerResource: 'containerResource',
  External: 'external',
  Object: 'object',
  Pods: 'pods',
  Resource: 'resource',
};

/** Replica bounds and the target reference, shared by autoscaling/v1 and v2. */
function validateCommon(
  spec: { minReplicas?: number; maxReplicas: number; scaleTargetRef: CrossVersionObjectReference },
  field: string,
): Cause[] {
  const errs: Cause[] = [];
  if (spec.minReplicas !== undefined && spec.minReplicas < 1) {
    errs.push(cause.invalid(`${field}.minReplicas`, spec.minReplicas, 'must be greater than or equal to 1'));
  }
  if (spec.maxReplicas === undefined || spec.maxReplicas < 1) {
    errs.push(cause.invalid(`${field}.maxReplicas`, spec.maxReplicas ?? 0, 'must be greater than 0'));
  }
  if (spec.minReplicas !== undefined && spec.maxReplicas < spec.minReplicas) {
    errs.push(
      cause.invalid(`${field}.maxReplicas`, spec.maxReplicas, 'must be greater than or equal to `minReplicas`'),
    );
  }
  const ref = spec.scaleTargetRef ?? ({} as CrossVersionObjectReference);
  for (const k of ['kind', 'name'] as const) {
    const v = ref[k];
    if (!v) errs.push(cause.required(`${field}.scaleTargetRef.${k}`, ''));
    else if (v === '.' || v === '..' || v.includes('/') || v.includes('%')) {
      errs.push(cause.invalid(`${field}.scaleTargetRef.${k}`, v, `may not be '.', '..', or contain '/' or '%'`));
    }
  }
  return errs;
}

export function validateHPAv2(hpa: HPAv2): Cause[] {
  const spec = hpa.spec;
  if (!spec) return [cause.required('spec', '')];
  const errs = validateCommon(spec, 'spec');
  (spec.metrics ?? []).forEach((m, i) => errs.push(...validateMetric(m, `spec.metrics[${i}]`)));
  return errs;
}

function validateMetric(m: MetricSpec, field: string): Cause[] {
  const errs: Cause[] = [];
  if (!m.type) errs.push(cause.required(`${field}.type`, 'must specify a metric source type'));
  else if (!METRIC_SOURCE_TYPES.includes(m.type))
    errs.push(cause.notSupported(`${field}.type`, m.type, METRIC_SOURCE_TYPES));
  const expected = SOURCE_FIELD[m.type];
  const present = Object.values(SOURCE_FIELD).filter((k) => m[k]);
  if (expected && !m[expected]) {
    errs.push(cause.required(`${field}.${expected}`, 'must populate information for the given metric source'));
  }
  for (const k of present)
    if (k !== expected) errs.push(cause.forbidden(`${field}.${k}`, 'must populate the given metric source only'));
  if (m.resource && expected === 'resource') errs.push(...validateResourceSource(m.resource, `${field}.resource`));
  if (m.containerResource && expected === 'containerResource') {
    errs.push(...validateResourceSource(m.containerResource, `${field}.containerResource`));
    if (!m.containerResource.container) {
      errs.push(cause.required(`${field}.containerResource.container`, 'must specify a container'));
    }
  }
  for (const k of ['pods', 'object', 'external'] as const) {
    const src = m[k];
    if (!src || k !== expected) continue;
    if (!src.metric?.name) errs.push(cause.required(`${field}.${k}.metric.name`, 'must specify a metric name'));
    errs.push(...validateTarget(src.target, `${field}.${k}.target`));
  }
  return errs;
}

function validateResourceSource(src: { name: string; target: MetricTarget }, field: string): Cause[] {
  const errs: Cause[] = [];
  if (!src.name) errs.push(cause.required(`${field}.name`, 'must specify a resource name'));
  errs.push(...validateTarget(src.target, `${field}.target`));
  const t = src.target ?? ({} as MetricTarget);
  if (t.averageUtilization === undefined && t.averageValue === undefined) {
    errs.push(
      cause.required(
        `${field}.target.averageUtilization`,
        'must set either a target raw value or a target utilization',
      ),
    );
  }
  if (t.averageUtilization !== undefined && t.averageValue !== undefined) {
    errs.push(
      cause.forbidden(`${field}.target.averageValue`, 'may not set both a target raw value and a target utilization'),
    );
  }
  return errs;
}

/** validateMetricTarget. */
function validateTarget(t: MetricTarget | undefined, field: string): Cause[] {
  if (!t) return [cause.required(field, '')];
  const errs: Cause[] = [];
  if (!t.type) errs.push(cause.required(`${field}.type`, 'must specify a metric target type'));
  else if (!METRIC_TARGET_TYPES.includes(t.type)) {
    errs.push(cause.notSupported(`${field}.type`, t.type, ['Utilization', 'Value', 'AverageValue']));
  }
  for (const k of ['value', 'averageValue'] as const) {
    const v = t[k];
    if (v === undefined) continue;
    const q = parseQuantity(v as string | number);
    if (!q) errs.push(cause.invalid(`${field}.${k}`, v, QUANTITY_FORMAT_ERROR));
    else if (q.value <= 0) errs.push(cause.invalid(`${field}.${k}`, v, 'must be positive'));
  }
  if (t.averageUtilization !== undefined && t.averageUtilization < 1) {
    errs.push(cause.invalid(`${field}.averageUtilization`, t.averageUtilization, 'must be greater than 0'));
  }
  return errs;
}

export function validateHPAv1(hpa: HPAv1): Cause[] {
  const spec = hpa.spec;
  if (!spec) return [cause.required('spec', '')];
  const errs = validateCommon(spec, 'spec');
  const target = spec.targetCPUUtilizationPercentage;
  if (target !== undefined && target < 1) {
    errs.push(cause.invalid('spec.targetCPUUtilizationPercentage', target, 'must be greater than 0'));
  }
  return errs;
}
