// The StatefulSet update algorithm (updateStatefulSet in
// pkg/controller/statefulset/stateful_set_control.go), over an injected pod control so the
// ordering rules read on their own. One pass:
//   1. lay the pods out by ordinal: `replicas[0..n)` (missing ones planned at the right revision)
//      and `condemned` (ordinals ≥ n, highest first);
//   2. create, recreate (failed) and fix up replicas in ordinal order — with OrderedReady a pass
//      stops at the first pod it created or that is not yet Running and Ready, so web-1 is only
//      created once web-0 is ready;
//   3. delete condemned pods highest first, one per pass with OrderedReady, and only while every
//      lower ordinal is healthy;
//   4. RollingUpdate: delete the highest ordinal ≥ partition not at the update revision, one per
//      pass, and wait for each replacement to be healthy before the next. With 3 replicas and
//      partition 1, web-2 is replaced, then web-1; web-0 keeps the current revision.
// Parallel (burst) management does steps 2 and 3 for every pod at once and never waits.
import type { StatefulSetStatus } from 'kubernetes-types/apps/v1';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1';
import type { RevisionObj } from '../history/controller-revision.js';
import {
  allowsBurst,
  getOrdinal,
  identityMatches,
  isCreated,
  isFailed,
  isHealthy,
  isPending,
  isRunningAndAvailable,
  isRunningAndReady,
  isSucceeded,
  isTerminating,
  newStatefulSetPod,
  podRevision,
  startOrdinal,
  storageMatches,
  type PodObj,
  type StatefulSetObj,
} from './stateful-set-utils.js';

/** StatefulPodControl: the writes the algorithm makes (events are the control's business). */
export interface StatefulPodControl {
  /** Create the pod's missing claims, then the pod. */
  createPod(set: StatefulSetObj, pod: PodObj): Promise<void>;
  /** Create claims a pending pod still lacks. */
  createMissingClaims(set: StatefulSetObj, pod: PodObj): Promise<void>;
  /** Restore identity and storage on a live pod. */
  updatePod(set: StatefulSetObj, pod: PodObj): Promise<void>;
  deletePod(set: StatefulSetObj, pod: PodObj): Promise<void>;
  /** A condemned pod is about to go: apply the whenScaled claim retention policy. */
  condemnClaims(set: StatefulSetObj, pod: PodObj): Promise<void>;
}

export interface Revisions {
  current: RevisionObj;
  update: RevisionObj;
  /** The templates those revisions hold. */
  currentTemplate: PodTemplateSpec;
  updateTemplate: PodTemplateSpec;
  collisionCount: number;
}

/** computeReplicaStatus over every pod of the set. */
export function replicaStatus(
  set: StatefulSetObj,
  rev: Revisions,
  pods: readonly PodObj[],
  now: number,
): StatefulSetStatus {
  const minReady = set.spec?.minReadySeconds ?? 0;
  const status: StatefulSetStatus = {
    replicas: 0,
    readyReplicas: 0,
    currentReplicas: 0,
    updatedReplicas: 0,
    availableReplicas: 0,
    observedGeneration: set.metadata.generation,
    currentRevision: rev.current.metadata.name,
    updateRevision: rev.update.metadata.name,
    collisionCount: rev.collisionCount,
  };
  for (const pod of pods) {
    if (isCreated(pod)) status.replicas++;
    if (isRunningAndReady(pod)) {
      status.readyReplicas!++;
      if (isRunningAndAvailable(pod, minReady, now)) status.availableReplicas!++;
    }
    if (isCreated(pod) && !isTerminating(pod)) {
      if (podRevision(pod) === rev.current.metadata.name) status.currentReplicas!++;
      if (podRevision(pod) === rev.update.metadata.name) status.updatedReplicas!++;
    }
  }
  return status;
}

/**
 * newVersionedStatefulSetPod: ordinals below the partition (or, without one, below
 * status.currentReplicas) are made at the current revision, the rest at the update revision.
 */
function newVersionedPod(set: StatefulSetObj, rev: Revisions, ordinal: number): PodObj {
  const strategy = set.spec?.updateStrategy;
  const rolling = (strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
  const start = startOrdinal(set);
  const partition = strategy?.rollingUpdate?.partition;
  const atCurrent =
    (rolling && !strategy?.rollingUpdate && ordinal < start + (set.status?.currentReplicas ?? 0)) ||
    (!!strategy?.rollingUpdate && ordinal < start + (partition ?? 0));
  return atCurrent
    ? newStatefulSetPod(set, rev.currentTemplate, ordinal, rev.current.metadata.name!)
    : newStatefulSetPod(set, rev.updateTemplate, ordinal, rev.update.metadata.name!);
}

/** runForAll: in order, stopping at the first "exit", or (burst) all at once. */
async function runForAll(
  n: number,
  fn: (i: number) => Promise<boolean>,
  monotonic: boolean,
): Promise<{ exit: boolean; error?: unknown }> {
  if (monotonic) {
    for (let i = 0; i < n; i++) {
      try {
        if (await fn(i)) return { exit: true };
      } catch (error) {
        return { exit: true, error };
      }
    }
    return { exit: false };
  }
  const results = await Promise.allSettled(Array.from({ length: n }, (_, i) => fn(i)));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  return failed ? { exit: true, error: failed.reason } : { exit: false };
}

/** One pass of the algorithm; returns the status the pass leaves behind. */
export async function updateStatefulSet(
  set: StatefulSetObj,
  rev: Revisions,
  pods: readonly PodObj[],
  control: StatefulPodControl,
  now: number,
): Promise<{ status: StatefulSetStatus; error?: unknown }> {
  const replicaCount = set.spec?.replicas ?? 1;
  const start = startOrdinal(set);
  const minReady = set.spec?.minReadySeconds ?? 0;
  const monotonic = !allowsBurst(set);
  const replicas: PodObj[] = new Array(replicaCount);
  const condemned: PodObj[] = [];
  for (const pod of pods) {
    const ord = getOrdinal(pod);
    if (ord >= start && ord < start + replicaCount) replicas[ord - start] = pod;
    else if (ord >= 0) condemned.push(pod);
  }
  for (let i = 0; i < replicaCount; i++) replicas[i] ??= newVersionedPod(set, rev, start + i);
  condemned.sort((a, b) => getOrdinal(b) - getOrdinal(a));
  const result = (error?: unknown) => ({
    status: replicaStatus(set, rev, [...replicas, ...condemned], now),
    error,
  });

  let firstUnhealthy: PodObj | undefined;
  for (const p of replicas) if (!isHealthy(p)) firstUnhealthy ??= p;
  for (let i = condemned.length - 1; i >= 0; i--) if (!isHealthy(condemned[i])) firstUnhealthy ??= condemned[i];
  if (set.metadata.deletionTimestamp) return result();

  const processReplica = async (i: number): Promise<boolean> => {
    const pod = replicas[i];
    // A finished pod is deleted; the next pass, after it is gone, recreates it under the same name.
    if (isFailed(pod) || isSucceeded(pod)) {
      if (!isTerminating(pod)) await control.deletePod(set, pod);
      return true;
    }
    if (!isCreated(pod)) {
      await control.createPod(set, pod);
      if (monotonic) return true;
      return false;
    }
    if (isPending(pod)) await control.createMissingClaims(set, pod);
    if (monotonic && isTerminating(pod)) return true;
    if (monotonic && !isRunningAndReady(pod)) return true;
    if (monotonic && !isRunningAndAvailable(pod, minReady, now)) return true;
    if (identityMatches(set, pod) && storageMatches(set, pod)) return false;
    await control.updatePod(set, pod);
    return false;
  };
  const replicaRun = await runForAll(replicaCount, processReplica, monotonic);
  if (replicaRun.exit) return result(replicaRun.error);

  const processCondemned = async (i: number): Promise<boolean> => {
    const pod = condemned[i];
    if (isTerminating(pod)) return monotonic;
    if (monotonic && pod !== firstUnhealthy && !isRunningAndAvailable(pod, minReady, now)) return true;
    await control.condemnClaims(set, pod);
    await control.deletePod(set, pod);
    return monotonic;
  };
  const condemnedRun = await runForAll(condemned.length, processCondemned, monotonic);
  if (condemnedRun.exit) return result(condemnedRun.error);

  const strategy = set.spec?.updateStrategy;
  if (strategy?.type === 'OnDelete') return result();
  const updateMin = strategy?.rollingUpdate?.partition ?? 0;
  for (let target = replicaCount - 1; target >= updateMin; target--) {
    const pod = replicas[target];
    if (podRevision(pod) !== rev.update.metadata.name && !isTerminating(pod)) {
      try {
        await control.deletePod(set, pod);
      } catch (err) {
        return result(err);
      }
      return result();
    }
    if (!isHealthy(pod)) return result();
  }
  return result();
}

/**
 * completeRollingUpdate: once every replica is updated and ready, the update revision becomes
 * the current one.
 */
export function completeRollingUpdate(set: StatefulSetObj, status: StatefulSetStatus): void {
  const want = set.spec?.replicas ?? 1;
  if (
    (set.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate' &&
    status.updatedReplicas === want &&
    status.readyReplicas === want &&
    status.replicas === want
  ) {
    status.currentReplicas = status.updatedReplicas;
    status.currentRevision = status.updateRevision;
  }
}
