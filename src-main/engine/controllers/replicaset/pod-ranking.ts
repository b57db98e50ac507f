// Which pods a ReplicaSet deletes first on scale-down: controller.ActivePodsWithRanks
// (pkg/controller/controller_utils.go) with the PodDeletionCost and LogarithmicScaleDown
// features on, as they are by default upstream. Earlier in the order = deleted first:
//   1. unassigned < assigned
//   2. Pending < Unknown < Running
//   3. not ready < ready
//   4. lower controller.kubernetes.io/pod-deletion-cost < higher
//   5. more related pods on the same node (doubled up) < fewer
//   6. ready for less time < ready for longer (log2 buckets of the age, ties by uid)
//   7. more container restarts < fewer
//   8. newer < older (log2 buckets, ties by uid)
import type { Pod } from 'kubernetes-types/core/v1';
import type { KubeObject } from '../../api/types.js';
import { isPodActive, isPodReady, podReadyCondition, timeOf } from '../framework/util.js';

export const POD_DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';

const PHASE_ORDINAL: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

export interface RankedPod {
  pod: KubeObject;
  /** How many related pods (same owner family) share this pod's node. */
  rank: number;
}

function nodeName(pod: KubeObject): string {
  return (pod as Pod).spec?.nodeName ?? '';
}

function phaseOrdinal(pod: KubeObject): number {
  return PHASE_ORDINAL[(pod as Pod).status?.phase ?? ''] ?? 0;
}

function deletionCost(pod: KubeObject): number {
  const v = Number(pod.metadata.annotations?.[POD_DELETION_COST]);
  return Number.isInteger(v) ? v : 0;
}

function maxRestarts(pod: KubeObject): number {
  let max = 0;
  for (const s of (pod as Pod).status?.containerStatuses ?? []) max = Math.max(max, s.restartCount ?? 0);
  return max;
}

/** logarithmicRankDiff: compare floor(log2(age in ns)) of two timestamps; -1 for a missing one. */
function logRankDiff(t1: number, t2: number, now: number): number {
  const rank = (t: number) => {
    const d = (now - t) * 1e6;
    return Number.isNaN(d) || d <= 0 ? -1 : Math.floor(Math.log2(d));
  };
  return rank(t1) - rank(t2);
}

/** Comparator: negative when `a` should be deleted before `b`. */
export function comparePodsForDeletion(a: RankedPod, b: RankedPod, now: number): number {
  const pa = a.pod;
  const pb = b.pod;
  const na = nodeName(pa);
  const nb = nodeName(pb);
  if (na !== nb && (na === '' || nb === '')) return na === '' ? -1 : 1;
  const phase = phaseOrdinal(pa) - phaseOrdinal(pb);
  if (phase !== 0) return phase;
  const ra = isPodReady(pa);
  const rb = isPodReady(pb);
  if (ra !== rb) return ra ? 1 : -1;
  const cost = deletionCost(pa) - deletionCost(pb);
  if (cost !== 0) return cost;
  if (a.rank !== b.rank) return b.rank - a.rank;
  if (ra && rb) {
    const ta = timeOf(podReadyCondition(pa)?.lastTransitionTime);
    const tb = timeOf(podReadyCondition(pb)?.lastTransitionTime);
    if (ta !== tb && !(Number.isNaN(ta) && Number.isNaN(tb))) {
      const diff = logRankDiff(ta, tb, now);
      if (diff !== 0) return diff;
      const byUid = uidOrder(pa, pb);
      if (byUid !== 0) return byUid;
    }
  }
  const restarts = maxRestarts(pb) - maxRestarts(pa);
  if (restarts !== 0) return restarts;
  const ca = timeOf(pa.metadata.creationTimestamp);
  const cb = timeOf(pb.metadata.creationTimestamp);
  if (ca !== cb && !(Number.isNaN(ca) && Number.isNaN(cb))) {
    const diff = logRankDiff(ca, cb, now);
    if (diff !== 0) return diff;
    return uidOrder(pa, pb);
  }
  return 0;
}

function uidOrder(a: KubeObject, b: KubeObject): number {
  const ua = a.metadata.uid ?? '';
  const ub = b.metadata.uid ?? '';
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

/**
 * getPodsToDelete (pkg/controller/replicaset): the first `diff` of `filteredPods` in deletion
 * order, ranking each by how many active `relatedPods` share its node.
 */
export function getPodsToDelete(
  filteredPods: readonly KubeObject[],
  relatedPods: readonly KubeObject[],
  diff: number,
  now: number,
): KubeObject[] {
  if (diff >= filteredPods.length) return filteredPods.slice(0, diff);
  const onNode = new Map<string, number>();
  for (const p of relatedPods) if (isPodActive(p)) onNode.set(nodeName(p), (onNode.get(nodeName(p)) ?? 0) + 1);
  const ranked = filteredPods.map((pod) => ({ pod, rank: onNode.get(nodeName(pod)) ?? 0 }));
  ranked.sort((a, b) => comparePodsForDeletion(a, b, now));
  return ranked.slice(0, diff).map((r) => r.pod);
}
