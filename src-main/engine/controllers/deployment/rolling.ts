// The RollingUpdate strategy (pkg/controller/deployment/rolling.go). Each pass either scales the
// new ReplicaSet up (within maxSurge) or scales old ones down (within maxUnavailable), never both.
//
// Worked example — 10 replicas, maxSurge 25% (ceil 2.5 = 3), maxUnavailable 25% (floor 2.5 = 2),
// so at most 13 pods and at least 8 available:
//   pass 1: new 0→3 (13 pods, the cap).
//   pass 2: nothing new is available; old may lose 13 − 8 − 3 unavailable new = 2: old 10→8.
//   pass 3: 11 pods, room for 2: new 3→5 (13). Then the rollout waits for new pods to be ready.
//   When the 5 new pods are available (13 available): old 8→3; then new 5→10; old 3→0 as the
//   last new ones become available.
import {
  cleanupDeployment,
  getAllReplicaSetsAndSyncRevision,
  scaleReplicaSetAndRecordEvent,
  type DeploymentRuntime,
} from './sync.js';
import { syncRolloutStatus } from './progress.js';
import {
  byCreationTimestamp,
  deploymentComplete,
  filterActiveReplicaSets,
  getAvailableReplicaCountForReplicaSets,
  getReplicaCountForReplicaSets,
  maxUnavailable,
  newRSNewReplicas,
  replicasOf,
  type DeploymentObj,
  type ReplicaSetObj,
} from './util.js';

export async function rolloutRolling(dc: DeploymentRuntime, d: DeploymentObj, rsList: ReplicaSetObj[]): Promise<void> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(dc, d, rsList, true);
  const allRSs = [...oldRSs, newRS!];
  if (await reconcileNewReplicaSet(dc, allRSs, newRS!, d)) return syncRolloutStatus(dc, allRSs, newRS, d);
  if (await reconcileOldReplicaSets(dc, allRSs, filterActiveReplicaSets(oldRSs), newRS!, d)) {
    return syncRolloutStatus(dc, allRSs, newRS, d);
  }
  if (deploymentComplete(d, d.status ?? {})) await cleanupDeployment(dc, oldRSs, d);
  return syncRolloutStatus(dc, allRSs, newRS, d);
}

/** Scale the new ReplicaSet up as far as maxSurge allows (or down to the desired count). */
export async function reconcileNewReplicaSet(
  dc: DeploymentRuntime,
  allRSs: ReplicaSetObj[],
  newRS: ReplicaSetObj,
  d: DeploymentObj,
): Promise<boolean> {
  if (replicasOf(newRS) === replicasOf(d)) return false;
  if (replicasOf(newRS) > replicasOf(d))
    return (await scaleReplicaSetAndRecordEvent(dc, newRS, replicasOf(d), d)).scaled;
  const count = newRSNewReplicas(d, allRSs, newRS);
  return (await scaleReplicaSetAndRecordEvent(dc, newRS, count, d)).scaled;
}

/**
 * Scale old ReplicaSets down as far as maxUnavailable allows: first their unhealthy replicas
 * (which cost no availability), then healthy ones while more than replicas - maxUnavailable are
 * available.
 */
export async function reconcileOldReplicaSets(
  dc: DeploymentRuntime,
  allRSs: ReplicaSetObj[],
  oldRSs: ReplicaSetObj[],
  newRS: ReplicaSetObj,
  d: DeploymentObj,
): Promise<boolean> {
  const oldPodsCount = getReplicaCountForReplicaSets(oldRSs);
  if (oldPodsCount === 0) return false;
  const allPodsCount = getReplicaCountForReplicaSets(allRSs);
  const minAvailable = replicasOf(d) - maxUnavailable(d);
  const newRSUnavailable = replicasOf(newRS) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = allPodsCount - minAvailable - newRSUnavailable;
  if (maxScaledDown <= 0) return false;
  const cleaned = await cleanupUnhealthyReplicas(dc, oldRSs, d, maxScaledDown);
  const scaledDown = await scaleDownOldReplicaSetsForRollingUpdate(dc, [...cleaned.oldRSs, newRS], cleaned.oldRSs, d);
  return cleaned.count + scaledDown > 0;
}

async function cleanupUnhealthyReplicas(
  dc: DeploymentRuntime,
  oldRSsIn: ReplicaSetObj[],
  d: DeploymentObj,
  maxCleanupCount: number,
): Promise<{ oldRSs: ReplicaSetObj[]; count: number }> {
  const oldRSs = [...oldRSsIn].sort(byCreationTimestamp);
  let total = 0;
  for (let i = 0; i < oldRSs.length; i++) {
    const rs = oldRSs[i];
    if (total >= maxCleanupCount) break;
    const available = rs.status?.availableReplicas ?? 0;
    if (replicasOf(rs) === 0 || replicasOf(rs) === available) continue;
    const count = Math.min(maxCleanupCount - total, replicasOf(rs) - available);
    const res = await scaleReplicaSetAndRecordEvent(dc, rs, replicasOf(rs) - count, d);
    total += count;
    oldRSs[i] = res.rs;
  }
  return { oldRSs, count: total };
}

async function scaleDownOldReplicaSetsForRollingUpdate(
  dc: DeploymentRuntime,
  allRSs: ReplicaSetObj[],
  oldRSsIn: ReplicaSetObj[],
  d: DeploymentObj,
): Promise<number> {
  const minAvailable = replicasOf(d) - maxUnavailable(d);
  const available = getAvailableReplicaCountForReplicaSets(allRSs);
  if (available <= minAvailable) return 0;
  const oldRSs = [...oldRSsIn].sort(byCreationTimestamp);
  const target = available - minAvailable;
  let total = 0;
  for (const rs of oldRSs) {
    if (total >= target) break;
    if (replicasOf(rs) === 0) continue;
    const count = Math.min(replicasOf(rs), target - total);
    await scaleReplicaSetAndRecordEvent(dc, rs, replicasOf(rs) - count, d);
    total += count;
  }
  return total;
}
