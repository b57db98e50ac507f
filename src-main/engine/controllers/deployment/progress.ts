// Rollout progress (pkg/controller/deployment/progress.go): the Progressing condition —
// ReplicaSetUpdated while pods move, NewReplicaSetAvailable when done, ProgressDeadlineExceeded
// when nothing moved for progressDeadlineSeconds — and the requeue that notices the deadline
// without waiting for an event. Also the paused/resumed condition (sync.go checkPausedConditions).
import type { DeploymentCondition } from 'kubernetes-types/apps/v1';
import { timeOf } from '../framework/util.js';
import {
  PAUSED_DEPLOY_REASON,
  PROGRESSING,
  REPLICA_FAILURE,
  RESUMED_DEPLOY_REASON,
  RS_UPDATED_REASON,
  NEW_RS_AVAILABLE_REASON,
  TIMED_OUT_REASON,
  getDeploymentCondition,
  newDeploymentCondition,
  removeDeploymentCondition,
  replicaSetToDeploymentCondition,
  setDeploymentCondition,
} from './conditions.js';
import {
  calculateStatus,
  deploymentKey,
  refreshed,
  statusEqual,
  updateDeploymentStatus,
  type DeploymentRuntime,
} from './sync.js';
import {
  deploymentComplete,
  deploymentProgressing,
  hasProgressDeadline,
  type DeploymentObj,
  type ReplicaSetObj,
} from './util.js';

/** DeploymentTimedOut: no progress recorded for progressDeadlineSeconds. */
export function deploymentTimedOut(
  d: DeploymentObj,
  status: { conditions?: DeploymentCondition[] },
  now: number,
): boolean {
  if (!hasProgressDeadline(d)) return false;
  const cond = (status.conditions ?? []).find((c) => c.type === PROGRESSING);
  if (!cond) return false;
  if (cond.reason === NEW_RS_AVAILABLE_REASON) return false;
  if (cond.reason === TIMED_OUT_REASON) return true;
  const from = timeOf(cond.lastUpdateTime);
  return from + (d.spec.progressDeadlineSeconds ?? 600) * 1000 < now;
}

/** syncRolloutStatus: status plus the Progressing and ReplicaFailure conditions. */
export async function syncRolloutStatus(
  dc: DeploymentRuntime,
  allRSsIn: (ReplicaSetObj | undefined)[],
  newRSIn: ReplicaSetObj | undefined,
  d: DeploymentObj,
): Promise<void> {
  const allRSs = refreshed(dc, allRSsIn);
  const newRS = newRSIn ? refreshed(dc, [newRSIn])[0] : undefined;
  const now = dc.clock.now();
  const status = calculateStatus(allRSs, newRS, d, now);
  if (!hasProgressDeadline(d)) removeDeploymentCondition(status, PROGRESSING);
  const current = getDeploymentCondition(d.status, PROGRESSING);
  const isComplete = status.replicas === status.updatedReplicas && current?.reason === NEW_RS_AVAILABLE_REASON;
  if (hasProgressDeadline(d) && !isComplete) {
    const rsName = newRS?.metadata.name;
    if (deploymentComplete(d, status)) {
      const msg = rsName
        ? `ReplicaSet "${rsName}" has successfully progressed.`
        : `Deployment "${d.metadata.name}" has successfully progressed.`;
      setDeploymentCondition(status, newDeploymentCondition(PROGRESSING, 'True', NEW_RS_AVAILABLE_REASON, msg, now));
    } else if (deploymentProgressing(d, status)) {
      const msg = rsName ? `ReplicaSet "${rsName}" is progressing.` : `Deployment "${d.metadata.name}" is progressing.`;
      const cond = newDeploymentCondition(PROGRESSING, 'True', RS_UPDATED_REASON, msg, now);
      // Progress refreshes lastUpdateTime even when the reason stays the same — the one case
      // SetDeploymentCondition would skip — so the deadline counts from the latest progress.
      if (current) {
        if (current.status === 'True') cond.lastTransitionTime = current.lastTransitionTime;
        removeDeploymentCondition(status, PROGRESSING);
      }
      setDeploymentCondition(status, cond);
    } else if (deploymentTimedOut(d, status, now)) {
      const msg = rsName
        ? `ReplicaSet "${rsName}" has timed out progressing.`
        : `Deployment "${d.metadata.name}" has timed out progressing.`;
      setDeploymentCondition(status, newDeploymentCondition(PROGRESSING, 'False', TIMED_OUT_REASON, msg, now));
    }
  }
  const failures = getReplicaFailures(allRSs, newRS);
  if (failures.length > 0) setDeploymentCondition(status, failures[0]);
  else removeDeploymentCondition(status, REPLICA_FAILURE);

  if (statusEqual(d.status, status)) {
    requeueStuckDeployment(dc, d, status);
    return;
  }
  d.status = status;
  await updateDeploymentStatus(dc, d);
}

/** getReplicaFailures: the new ReplicaSet's failure first, else any old one's. */
function getReplicaFailures(
  allRSs: (ReplicaSetObj | undefined)[],
  newRS: ReplicaSetObj | undefined,
): DeploymentCondition[] {
  const of = (rs: ReplicaSetObj | undefined) =>
    (rs?.status?.conditions ?? []).filter((c) => c.type === REPLICA_FAILURE).map(replicaSetToDeploymentCondition);
  const fromNew = of(newRS);
  if (fromNew.length > 0) return fromNew;
  return allRSs.flatMap(of);
}

/**
 * requeueStuckDeployment: with no event to wake it, a stuck rollout would never be marked
 * ProgressDeadlineExceeded; so look again when the deadline passes. Progressing updated at
 * 00:00:00 with a 600 s deadline, now 00:03:00: look again in 7 minutes (plus a second of slack).
 */
export function requeueStuckDeployment(
  dc: DeploymentRuntime,
  d: DeploymentObj,
  status: { conditions?: DeploymentCondition[] } & Parameters<typeof deploymentComplete>[1],
): number {
  const current = getDeploymentCondition(d.status, PROGRESSING);
  if (!hasProgressDeadline(d) || !current) return -1;
  if (deploymentComplete(d, status) || current.reason === TIMED_OUT_REASON) return -1;
  const after = timeOf(current.lastUpdateTime) + (d.spec.progressDeadlineSeconds ?? 600) * 1000 - dc.clock.now();
  if (after < 1000) {
    dc.enqueueRateLimited(deploymentKey(d));
    return 0;
  }
  dc.enqueueAfter(deploymentKey(d), after + 1000);
  return after;
}

/** checkPausedConditions: Progressing=Unknown DeploymentPaused / DeploymentResumed. */
export async function checkPausedConditions(dc: DeploymentRuntime, d: DeploymentObj): Promise<void> {
  if (!hasProgressDeadline(d)) return;
  const cond = getDeploymentCondition(d.status, PROGRESSING);
  if (cond?.reason === TIMED_OUT_REASON) return;
  const pausedCondExists = cond?.reason === PAUSED_DEPLOY_REASON;
  const now = dc.clock.now();
  const status = { ...(d.status ?? {}) };
  if (d.spec.paused && !pausedCondExists) {
    setDeploymentCondition(
      status,
      newDeploymentCondition(PROGRESSING, 'Unknown', PAUSED_DEPLOY_REASON, 'Deployment is paused', now),
    );
  } else if (!d.spec.paused && pausedCondExists) {
    setDeploymentCondition(
      status,
      newDeploymentCondition(PROGRESSING, 'Unknown', RESUMED_DEPLOY_REASON, 'Deployment is resumed', now),
    );
  } else return;
  d.status = status;
  await updateDeploymentStatus(dc, d);
}
