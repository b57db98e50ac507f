// Deployment conditions and their reasons (pkg/controller/deployment/util/deployment_util.go).
// `lastTransitionTime` moves only when the status changes; `lastUpdateTime` whenever a
// condition is (re)written.
import type { DeploymentCondition, DeploymentStatus, ReplicaSetCondition } from 'kubernetes-types/apps/v1';
import { rfc3339 } from '../../clock.js';

export const PROGRESSING = 'Progressing';
export const AVAILABLE = 'Available';
export const REPLICA_FAILURE = 'ReplicaFailure';

/** Progressing=True: the Deployment created its new ReplicaSet. */
export const NEW_RS_REASON = 'NewReplicaSetCreated';
/** Progressing=True: an existing ReplicaSet was found to be the new one (first progress estimate). */
export const FOUND_NEW_RS_REASON = 'FoundNewReplicaSet';
/** Progressing=True: the new ReplicaSet gained updated/ready/available pods or old ones went away. */
export const RS_UPDATED_REASON = 'ReplicaSetUpdated';
/** Progressing=True: the rollout finished; the new ReplicaSet is fully available. */
export const NEW_RS_AVAILABLE_REASON = 'NewReplicaSetAvailable';
/** Progressing=False: no progress for progressDeadlineSeconds. */
export const TIMED_OUT_REASON = 'ProgressDeadlineExceeded';
/** Progressing=False: the new ReplicaSet could not be created. */
export const FAILED_RS_CREATE_REASON = 'ReplicaSetCreateError';
/** Progressing=Unknown: the Deployment is paused. */
export const PAUSED_DEPLOY_REASON = 'DeploymentPaused';
/** Progressing=Unknown: the Deployment was resumed. */
export const RESUMED_DEPLOY_REASON = 'DeploymentResumed';
/** Available=True: at least replicas - maxUnavailable pods are available. */
export const MINIMUM_REPLICAS_AVAILABLE = 'MinimumReplicasAvailable';
/** Available=False: fewer than replicas - maxUnavailable pods are available. */
export const MINIMUM_REPLICAS_UNAVAILABLE = 'MinimumReplicasUnavailable';

export function newDeploymentCondition(
  type: string,
  status: 'True' | 'False' | 'Unknown',
  reason: string,
  message: string,
  now: number,
): DeploymentCondition {
  const t = rfc3339(now);
  return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}

export function getDeploymentCondition(s: DeploymentStatus | undefined, type: string): DeploymentCondition | undefined {
  return (s?.conditions ?? []).find((c) => c.type === type);
}

/**
 * SetDeploymentCondition: no-op when status and reason are unchanged; keeps lastTransitionTime
 * when only the reason changes.
 */
export function setDeploymentCondition(s: { conditions?: DeploymentCondition[] }, cond: DeploymentCondition): void {
  const current = (s.conditions ?? []).find((c) => c.type === cond.type);
  if (current && current.status === cond.status && current.reason === cond.reason) return;
  const next = { ...cond };
  if (current && current.status === cond.status) next.lastTransitionTime = current.lastTransitionTime;
  s.conditions = [...(s.conditions ?? []).filter((c) => c.type !== cond.type), next];
}

export function removeDeploymentCondition(s: { conditions?: DeploymentCondition[] }, type: string): void {
  const kept = (s.conditions ?? []).filter((c) => c.type !== type);
  if (kept.length > 0) s.conditions = kept;
  else delete s.conditions;
}

/** ReplicaSetToDeploymentCondition */
export function replicaSetToDeploymentCondition(c: ReplicaSetCondition): DeploymentCondition {
  return {
    type: c.type,
    status: c.status,
    lastUpdateTime: c.lastTransitionTime,
    lastTransitionTime: c.lastTransitionTime,
    reason: c.reason,
    message: c.message,
  };
}
