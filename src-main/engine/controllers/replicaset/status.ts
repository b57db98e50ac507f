// ReplicaSet status (pkg/controller/replicaset/replica_set_utils.go): counts over the pods the
// ReplicaSet owns, the ReplicaFailure condition while creates or deletes fail, and
// observedGeneration once the status reflects the current spec.
import type { ReplicaSet, ReplicaSetCondition, ReplicaSetStatus } from 'kubernetes-types/apps/v1';
import type { KubeObject } from '../../api/types.js';
import { selectorFromSet } from '../../api/selectors/index.js';
import { rfc3339 } from '../../clock.js';
import { isPodAvailable, isPodReady } from '../framework/util.js';

export const REPLICA_FAILURE = 'ReplicaFailure';
/** ReplicaFailure reason: a pod create failed. */
export const FAILED_CREATE = 'FailedCreate';
/** ReplicaFailure reason: a pod delete failed. */
export const FAILED_DELETE = 'FailedDelete';

export function calculateStatus(
  rs: KubeObject,
  filteredPods: readonly KubeObject[],
  manageErr: unknown,
  now: number,
): ReplicaSetStatus {
  const spec = (rs as ReplicaSet).spec!;
  const old = ((rs as ReplicaSet).status ?? {}) as ReplicaSetStatus;
  const templateLabels = selectorFromSet(spec.template?.metadata?.labels ?? {});
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of filteredPods) {
    if (templateLabels.matches(pod.metadata.labels)) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, spec.minReadySeconds ?? 0, now)) available++;
    }
  }
  let conditions = [...(old.conditions ?? [])];
  const failure = conditions.find((c) => c.type === REPLICA_FAILURE);
  if (manageErr && !failure) {
    const diff = filteredPods.length - (spec.replicas ?? 1);
    const reason = diff < 0 ? FAILED_CREATE : diff > 0 ? FAILED_DELETE : '';
    const cond: ReplicaSetCondition = {
      type: REPLICA_FAILURE,
      status: 'True',
      lastTransitionTime: rfc3339(now),
      reason,
      message: (manageErr as Error)?.message ?? String(manageErr),
    };
    conditions.push(cond);
  } else if (!manageErr && failure) {
    conditions = conditions.filter((c) => c.type !== REPLICA_FAILURE);
  }
  return compactStatus({
    replicas: filteredPods.length,
    fullyLabeledReplicas: fullyLabeled,
    readyReplicas: ready,
    availableReplicas: available,
    observedGeneration: old.observedGeneration,
    conditions,
  });
}

/** Drop zero `omitempty` fields, so a status reads as kube-controller-manager writes it. */
export function compactStatus(s: ReplicaSetStatus): ReplicaSetStatus {
  const out: Record<string, unknown> = { replicas: s.replicas ?? 0 };
  if (s.fullyLabeledReplicas) out.fullyLabeledReplicas = s.fullyLabeledReplicas;
  if (s.readyReplicas) out.readyReplicas = s.readyReplicas;
  if (s.availableReplicas) out.availableReplicas = s.availableReplicas;
  if (s.observedGeneration) out.observedGeneration = s.observedGeneration;
  if (s.conditions && s.conditions.length > 0) out.conditions = s.conditions;
  return out as unknown as ReplicaSetStatus;
}

export function statusEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? {}) === JSON.stringify(b ?? {});
}

/**
 * The earliest time a ready-but-not-yet-available pod becomes available, as a delay from `now`
 * (undefined when none is waiting): the controller re-syncs then to count it.
 */
export function nextAvailableIn(
  filteredPods: readonly KubeObject[],
  minReadySeconds: number,
  now: number,
): number | undefined {
  if (!minReadySeconds) return undefined;
  let next: number | undefined;
  for (const pod of filteredPods) {
    if (!isPodReady(pod) || isPodAvailable(pod, minReadySeconds, now)) continue;
    const since = Date.parse(
      ((pod.status as { conditions?: { type: string; lastTransitionTime?: string }[] }).conditions ?? []).find(
        (c) => c.type === 'Ready',
      )?.lastTransitionTime ?? '',
    );
    const at = Number.isNaN(since) ? now + minReadySeconds * 1000 : since + minReadySeconds * 1000 + 1;
    next = Math.min(next ?? Infinity, Math.max(1, at - now));
  }
  return next;
}
