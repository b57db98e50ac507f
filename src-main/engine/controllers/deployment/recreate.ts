// The Recreate strategy (pkg/controller/deployment/recreate.go): scale every old ReplicaSet to
// zero, wait until none of their pods is left (terminating ones included), only then create or
// scale up the new ReplicaSet.
import type { KubeObject } from '../../api/types.js';
import { podPhase } from '../framework/util.js';
import {
  cleanupDeployment,
  getAllReplicaSetsAndSyncRevision,
  scaleReplicaSetAndRecordEvent,
  type DeploymentRuntime,
} from './sync.js';
import { syncRolloutStatus } from './progress.js';
import {
  deploymentComplete,
  filterActiveReplicaSets,
  getActualReplicaCountForReplicaSets,
  replicasOf,
  type DeploymentObj,
  type ReplicaSetObj,
} from './util.js';

export async function rolloutRecreate(
  dc: DeploymentRuntime,
  d: DeploymentObj,
  rsList: ReplicaSetObj[],
  podMap: Map<string, KubeObject[]>,
): Promise<void> {
  let { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(dc, d, rsList, false);
  let allRSs = [...oldRSs, newRS];
  let scaledDown = false;
  for (const rs of filterActiveReplicaSets(oldRSs)) {
    if ((await scaleReplicaSetAndRecordEvent(dc, rs, 0, d)).scaled) scaledDown = true;
  }
  if (scaledDown) return syncRolloutStatus(dc, allRSs, newRS, d);
  if (oldPodsRunning(newRS, oldRSs, podMap)) return syncRolloutStatus(dc, allRSs, newRS, d);
  if (!newRS) {
    ({ newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(dc, d, rsList, true));
    allRSs = [...oldRSs, newRS];
  }
  await scaleReplicaSetAndRecordEvent(dc, newRS!, replicasOf(d), d);
  if (deploymentComplete(d, d.status ?? {})) await cleanupDeployment(dc, oldRSs, d);
  return syncRolloutStatus(dc, allRSs, newRS, d);
}

/** oldPodsRunning: any old pod not yet Succeeded/Failed — including ones still terminating. */
export function oldPodsRunning(
  newRS: ReplicaSetObj | undefined,
  oldRSs: ReplicaSetObj[],
  podMap: Map<string, KubeObject[]>,
): boolean {
  if (getActualReplicaCountForReplicaSets(oldRSs) > 0) return true;
  for (const [uid, pods] of podMap) {
    if (newRS && newRS.metadata.uid === uid) continue;
    for (const pod of pods) {
      const phase = podPhase(pod);
      if (phase !== 'Failed' && phase !== 'Succeeded') return true;
    }
  }
  return false;
}
