// computeReplicasForMetrics (horizontal.go): evaluate each metric of an HPA, take the highest
// replica count any valid metric asks for, and describe the outcome as the ScalingActive
// condition and status.currentMetrics. Only Resource metrics (cpu, memory) are supported; other
// metric types are reported as invalid, as upstream does when their metrics API is absent.
import type { MetricSpec, MetricStatus } from 'kubernetes-types/autoscaling/v2';
import type { KubeObject } from '../../api/types.js';
import { formatQuantity, parseQuantity } from '../../api/quantity.js';
import type { MetricValue } from './history.js';
import type { PodMetricSample } from './metrics-source.js';
import {
  MetricComputationError,
  resourceAverageValueReplicas,
  resourceUtilizationReplicas,
  type ResourceName,
} from './replica-calculator.js';

export interface MetricsOutcome {
  /** -1 when no metric could be evaluated (or some failed and the rest would scale down). */
  replicas: number;
  /** Name of the metric that decided, e.g. `cpu resource utilization (percentage of request)`. */
  metricName: string;
  statuses: MetricStatus[];
  values: MetricValue[];
  /** The ScalingActive condition. */
  active: { status: 'True' | 'False'; reason: string; message: string };
}

export function computeReplicasForMetrics(
  specs: readonly MetricSpec[],
  currentReplicas: number,
  pods: readonly KubeObject[],
  samples: readonly PodMetricSample[],
  now: number,
): MetricsOutcome {
  let replicas = 0;
  let metricName = '';
  let invalid = 0;
  let lastError: { reason: string; message: string } | null = null;
  const statuses: MetricStatus[] = [];
  const values: MetricValue[] = [];
  for (const spec of specs) {
    try {
      const r = evaluate(spec, currentReplicas, pods, samples, now);
      statuses.push(r.status);
      values.push(r.value);
      if (r.replicas > replicas) {
        replicas = r.replicas;
        metricName = r.value.metric;
      }
    } catch (err) {
      invalid++;
      const message = err instanceof Error ? err.message : String(err);
      lastError = {
        reason: spec.type === 'Resource' ? 'FailedGetResourceMetric' : `FailedGet${spec.type}Metric`,
        message: `the HPA was unable to compute the replica count: ${message}`,
      };
      if (!(err instanceof MetricComputationError) && !(err instanceof UnsupportedMetricError)) throw err;
    }
  }
  // All metrics invalid, or some invalid and the valid ones would scale down: do nothing.
  if (invalid >= specs.length || (invalid > 0 && replicas < currentReplicas)) {
    return {
      replicas: -1,
      metricName,
      statuses,
      values,
      active: { status: 'False', ...(lastError ?? { reason: 'FailedGetResourceMetric', message: '' }) },
    };
  }
  return {
    replicas,
    metricName,
    statuses,
    values,
    active: {
      status: 'True',
      reason: 'ValidMetricFound',
      message: `the HPA was able to successfully calculate a replica count from ${metricName}`,
    },
  };
}

export class UnsupportedMetricError extends Error {}

function evaluate(
  spec: MetricSpec,
  currentReplicas: number,
  pods: readonly KubeObject[],
  samples: readonly PodMetricSample[],
  now: number,
): { replicas: number; status: MetricStatus; value: MetricValue } {
  if (spec.type !== 'Resource' || !spec.resource) {
    throw new UnsupportedMetricError(`metric type ${spec.type} is not supported (only Resource metrics are)`);
  }
  const name = spec.resource.name;
  if (name !== 'cpu' && name !== 'memory') {
    throw new UnsupportedMetricError(`resource ${name} is not supported (only cpu and memory are)`);
  }
  const resource: ResourceName = name;
  const target = spec.resource.target;
  if (target.type === 'Utilization' && target.averageUtilization !== undefined) {
    const r = resourceUtilizationReplicas(currentReplicas, target.averageUtilization, resource, pods, samples, now);
    return {
      replicas: r.replicas,
      status: {
        type: 'Resource',
        resource: {
          name,
          current: { averageUtilization: r.utilization, averageValue: formatUsage(resource, r.averageValue) },
        },
      },
      value: {
        metric: `${name} resource utilization (percentage of request)`,
        currentUtilization: r.utilization,
        targetUtilization: target.averageUtilization,
        currentAverageValue: r.averageValue,
      },
    };
  }
  if (target.type === 'AverageValue' && target.averageValue !== undefined) {
    const q = parseQuantity(target.averageValue);
    if (!q) throw new MetricComputationError(`invalid target averageValue ${target.averageValue}`);
    const targetValue = resource === 'cpu' ? q.milli : q.value;
    const r = resourceAverageValueReplicas(currentReplicas, targetValue, resource, pods, samples, now);
    return {
      replicas: r.replicas,
      status: {
        type: 'Resource',
        resource: { name, current: { averageValue: formatUsage(resource, r.averageValue) } },
      },
      value: {
        metric: `${name} resource`,
        currentAverageValue: r.averageValue,
        targetAverageValue: targetValue,
      },
    };
  }
  throw new MetricComputationError(
    `invalid resource metric source: neither a utilization target nor a value target set`,
  );
}

/** Millicores as `250m`, bytes as a binary quantity where exact. */
export function formatUsage(resource: ResourceName, value: number): string {
  if (resource === 'cpu') return `${Math.round(value)}m`;
  return formatQuantity(Math.round(value), 'BinarySI');
}
