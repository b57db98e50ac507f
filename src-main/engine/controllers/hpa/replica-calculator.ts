// The replica calculator (pkg/controller/podautoscaler/replica_calculator.go): from the target's
// pods and their usage, the replica count one resource metric asks for. Pure: no I/O, no clock
// but the `now` it is given.
//
// Worked example (the Kubernetes docs' walkthrough): 2 ready pods each requesting 200m CPU and
// each using 200m, target 50% utilization. Utilization is 400m / 400m = 100%, the ratio 100/50 =
// 2.0, outside the 0.1 tolerance, so the metric asks for ceil(2.0 × 2) = 4 replicas.
//
// Pods that cannot be measured fairly are handled as upstream: deleted, failed and pending pods
// are ignored; pods without a sample are "missing"; CPU samples of pods that are not ready yet
// (or just became ready) are "unready". Missing pods count as 100% of their request (or the
// target, if higher) when scaling down and 0% when scaling up; unready pods count as 0% when
// scaling up. If taking them into account flips the direction or lands within tolerance, the
// metric keeps the current count.
import type { Pod } from 'kubernetes-types/core/v1';
import type { KubeObject } from '../../api/types.js';
import { parseQuantity } from '../../api/quantity.js';
import { podReadyCondition, timeOf } from '../framework/util.js';
import { DEFAULT_METRIC_WINDOW_MS, type PodMetricSample } from './metrics-source.js';

/** --horizontal-pod-autoscaler-tolerance */
export const TOLERANCE = 0.1;
/** --horizontal-pod-autoscaler-cpu-initialization-period */
export const CPU_INITIALIZATION_PERIOD_MS = 5 * 60_000;
/** --horizontal-pod-autoscaler-initial-readiness-delay */
export const INITIAL_READINESS_DELAY_MS = 30_000;

export type ResourceName = 'cpu' | 'memory';

export interface ReplicaCalculation {
  replicas: number;
  /** Average utilization in percent of request (Utilization targets only). */
  utilization?: number;
  /** Average usage per pod: millicores for cpu, bytes for memory. */
  averageValue: number;
  timestamp: number;
}

export class MetricComputationError extends Error {}

interface PodGroups {
  readyCount: number;
  unready: Set<string>;
  missing: Set<string>;
  ignored: Set<string>;
}

/** groupPods */
export function groupPods(
  pods: readonly KubeObject[],
  samples: ReadonlyMap<string, PodMetricSample>,
  resource: ResourceName,
  now: number,
): PodGroups {
  const g: PodGroups = { readyCount: 0, unready: new Set(), missing: new Set(), ignored: new Set() };
  for (const obj of pods) {
    const pod = obj as Pod & KubeObject;
    const name = pod.metadata.name!;
    const phase = pod.status?.phase;
    if (pod.metadata.deletionTimestamp || phase === 'Failed' || phase === 'Pending') {
      g.ignored.add(name);
      continue;
    }
    const sample = samples.get(name);
    if (!sample) {
      g.missing.add(name);
      continue;
    }
    if (resource === 'cpu' && isUnreadyForCpu(pod, sample, now)) {
      g.unready.add(name);
      continue;
    }
    g.readyCount++;
  }
  return g;
}

/**
 * A CPU sample is not trusted while the pod is initialising: within the initialization period
 * the pod must be ready and the sample taken a full window after it became ready; afterwards,
 * only a pod that is unready and has never been ready is discarded.
 */
function isUnreadyForCpu(pod: Pod & KubeObject, sample: PodMetricSample, now: number): boolean {
  const cond = podReadyCondition(pod);
  const start = timeOf(pod.status?.startTime);
  if (!cond || Number.isNaN(start)) return true;
  const transition = timeOf(cond.lastTransitionTime);
  if (start + CPU_INITIALIZATION_PERIOD_MS > now) {
    return cond.status === 'False' || sample.timestamp < transition + (sample.windowMs ?? DEFAULT_METRIC_WINDOW_MS);
  }
  return cond.status === 'False' && start + INITIAL_READINESS_DELAY_MS > transition;
}

/** calculatePodRequests: the summed request of every container of each pod, in the sample's unit. */
export function podRequests(pods: readonly KubeObject[], resource: ResourceName): Map<string, number> {
  const out = new Map<string, number>();
  for (const obj of pods) {
    const pod = obj as Pod & KubeObject;
    let total = 0;
    for (const c of pod.spec?.containers ?? []) {
      const q = c.resources?.requests?.[resource];
      const parsed = q === undefined ? null : parseQuantity(q);
      if (!parsed)
        throw new MetricComputationError(
          `missing request for ${resource} in container ${c.name} of Pod ${pod.metadata.name}`,
        );
      total += resource === 'cpu' ? parsed.milli : parsed.value;
    }
    out.set(pod.metadata.name!, total);
  }
  return out;
}

export function usageOf(sample: PodMetricSample, resource: ResourceName): number {
  return resource === 'cpu' ? sample.cpuMillis : sample.memoryBytes;
}

/** GetResourceReplicas: a target utilization (percent of request). */
export function resourceUtilizationReplicas(
  currentReplicas: number,
  targetUtilization: number,
  resource: ResourceName,
  pods: readonly KubeObject[],
  samples: readonly PodMetricSample[],
  now: number,
): ReplicaCalculation {
  if (pods.length === 0)
    throw new MetricComputationError('no pods returned by selector while calculating replica count');
  const byName = new Map(samples.map((s) => [s.podName, s]));
  const usage = new Map<string, number>();
  for (const s of samples) usage.set(s.podName, usageOf(s, resource));
  const g = groupPods(pods, byName, resource, now);
  for (const n of [...g.ignored, ...g.unready]) usage.delete(n);
  for (const n of usage.keys()) if (!pods.some((p) => p.metadata.name === n)) usage.delete(n);
  if (usage.size === 0)
    throw new MetricComputationError('did not receive metrics for targeted pods (pods might be unready)');
  const requests = podRequests(pods, resource);
  const first = utilizationRatio(usage, requests, targetUtilization);
  const timestamp = Math.max(...samples.map((s) => s.timestamp));
  const result = (replicas: number): ReplicaCalculation => ({
    replicas,
    utilization: first.utilization,
    averageValue: first.average,
    timestamp,
  });
  const scaleUpWithUnready = g.unready.size > 0 && first.ratio > 1;
  if (!scaleUpWithUnready && g.missing.size === 0) {
    if (Math.abs(1 - first.ratio) <= TOLERANCE) return result(currentReplicas);
    return result(Math.ceil(first.ratio * g.readyCount));
  }
  if (g.missing.size > 0) {
    const fallback = Math.max(100, targetUtilization);
    for (const n of g.missing) usage.set(n, first.ratio < 1 ? ((requests.get(n) ?? 0) * fallback) / 100 : 0);
  }
  if (scaleUpWithUnready) for (const n of g.unready) usage.set(n, 0);
  const next = utilizationRatio(usage, requests, targetUtilization).ratio;
  return result(rebalanced(currentReplicas, first.ratio, next, usage.size));
}

/** GetRawResourceReplicas: a target average value per pod. */
export function resourceAverageValueReplicas(
  currentReplicas: number,
  targetAverage: number,
  resource: ResourceName,
  pods: readonly KubeObject[],
  samples: readonly PodMetricSample[],
  now: number,
): ReplicaCalculation {
  if (pods.length === 0)
    throw new MetricComputationError('no pods returned by selector while calculating replica count');
  const byName = new Map(samples.map((s) => [s.podName, s]));
  const usage = new Map<string, number>();
  for (const s of samples) usage.set(s.podName, usageOf(s, resource));
  const g = groupPods(pods, byName, resource, now);
  for (const n of [...g.ignored, ...g.unready]) usage.delete(n);
  for (const n of usage.keys()) if (!pods.some((p) => p.metadata.name === n)) usage.delete(n);
  if (usage.size === 0)
    throw new MetricComputationError('did not receive metrics for targeted pods (pods might be unready)');
  const first = usageRatio(usage, targetAverage);
  const timestamp = Math.max(...samples.map((s) => s.timestamp));
  const result = (replicas: number): ReplicaCalculation => ({ replicas, averageValue: first.average, timestamp });
  const scaleUpWithUnready = g.unready.size > 0 && first.ratio > 1;
  if (!scaleUpWithUnready && g.missing.size === 0) {
    if (Math.abs(1 - first.ratio) <= TOLERANCE) return result(currentReplicas);
    return result(Math.ceil(first.ratio * g.readyCount));
  }
  for (const n of g.missing) usage.set(n, first.ratio < 1 ? targetAverage : 0);
  if (scaleUpWithUnready) for (const n of g.unready) usage.set(n, 0);
  const next = usageRatio(usage, targetAverage).ratio;
  return result(rebalanced(currentReplicas, first.ratio, next, usage.size));
}

/** The second pass: keep the current count when the correction is small or flips direction. */
function rebalanced(current: number, ratio: number, newRatio: number, counted: number): number {
  if (Math.abs(1 - newRatio) <= TOLERANCE || (ratio < 1 && newRatio > 1) || (ratio > 1 && newRatio < 1)) {
    return current;
  }
  const replicas = Math.ceil(newRatio * counted);
  if ((newRatio < 1 && replicas > current) || (newRatio > 1 && replicas < current)) return current;
  return replicas;
}

/** metricsclient.GetResourceUtilizationRatio: integer percent, as upstream truncates it. */
function utilizationRatio(
  usage: ReadonlyMap<string, number>,
  requests: ReadonlyMap<string, number>,
  target: number,
): { ratio: number; utilization: number; average: number } {
  let used = 0;
  let requested = 0;
  let n = 0;
  for (const [name, value] of usage) {
    const r = requests.get(name);
    if (r === undefined) continue;
    used += value;
    requested += r;
    n++;
  }
  if (requested === 0) throw new MetricComputationError('no metrics returned matched known pods');
  const utilization = Math.trunc((used * 100) / requested);
  return { ratio: utilization / target, utilization, average: n ? used / n : 0 };
}

/** metricsclient.GetMetricUsageRatio */
function usageRatio(usage: ReadonlyMap<string, number>, target: number): { ratio: number; average: number } {
  let total = 0;
  for (const v of usage.values()) total += v;
  const average = total / usage.size;
  return { ratio: average / target, average };
}
