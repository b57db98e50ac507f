// Scaling, revisions and status of a Deployment (pkg/controller/deployment/sync.go): finding or
// creating the new ReplicaSet, keeping revision annotations, proportional scaling when the
// replica count changes mid-rollout, history cleanup and the status computation.
import type { DeploymentStatus } from 'kubernetes-types/apps/v1';
import type { KubeObject } from '../../api/types.js';
import { deepCopy } from '../../api/types.js';
import { isStatusError } from '../../api/errors.js';
import type { ApiServer } from '../../apiserver/api-server.js';
import type { Clock } from '../../clock.js';
import type { Recorder } from '../framework/context.js';
import type { Lister } from '../framework/informer.js';
import { controllerOf, isNotFound, newControllerRef } from '../framework/util.js';
import {
  AVAILABLE,
  FAILED_RS_CREATE_REASON,
  FOUND_NEW_RS_REASON,
  MINIMUM_REPLICAS_AVAILABLE,
  MINIMUM_REPLICAS_UNAVAILABLE,
  NEW_RS_REASON,
  PROGRESSING,
  getDeploymentCondition,
  newDeploymentCondition,
  setDeploymentCondition,
} from './conditions.js';
import {
  DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY,
  REVISION_ANNOTATION,
  byRevision,
  bySizeNewer,
  bySizeOlder,
  canonicalJson,
  cloneSelectorAndAddLabel,
  computeHash,
  equalIgnoreHash,
  filterActiveReplicaSets,
  findActiveOrLatest,
  findNewReplicaSet,
  findOldReplicaSets,
  getActualReplicaCountForReplicaSets,
  getAvailableReplicaCountForReplicaSets,
  getDesiredReplicasAnnotation,
  getProportion,
  getReadyReplicaCountForReplicaSets,
  getReplicaCountForReplicaSets,
  hasProgressDeadline,
  hasRevisionHistoryLimit,
  isRollingUpdate,
  isSaturated,
  maxRevision,
  maxSurge,
  maxUnavailable,
  newRSNewReplicas,
  replicaSetsAnnotationsChanged,
  replicasOf,
  setNewReplicaSetAnnotations,
  setReplicasAnnotations,
  type DeploymentObj,
  type ReplicaSetObj,
} from './util.js';

/** What the sync functions need from the controller. */
export interface DeploymentRuntime {
  api: ApiServer;
  clock: Clock;
  recorder: Recorder;
  rsLister: Lister;
  enqueueAfter(key: string, ms: number): void;
  enqueueRateLimited(key: string): void;
}

const rsRef = (ns: string | undefined, name?: string) => ({
  group: 'apps',
  resource: 'replicasets',
  namespace: ns,
  name,
});
const deployRef = (ns: string | undefined, name?: string, subresource?: string) => ({
  group: 'apps',
  resource: 'deployments',
  namespace: ns,
  name,
  subresource,
});

export function deploymentKey(d: KubeObject): string {
  return `${d.metadata.namespace}/${d.metadata.name}`;
}

/**
 * Write `d.status`. The status is computed from one snapshot; it is written on top of the latest
 * stored Deployment (only this controller writes Deployment status), so an unrelated write in
 * between — a label, an annotation — does not cost a conflict and a retry.
 */
export async function updateDeploymentStatus(dc: DeploymentRuntime, d: DeploymentObj): Promise<void> {
  const latest = dc.api.store.get(`apps/deployments/${d.metadata.namespace}/${d.metadata.name}`);
  if (!latest || latest.metadata.uid !== d.metadata.uid) return;
  const body = deepCopy(latest);
  body.status = compactDeploymentStatus(d.status ?? {});
  try {
    const stored = await dc.api.update(deployRef(d.metadata.namespace, d.metadata.name, 'status'), body);
    d.metadata.resourceVersion = stored.metadata.resourceVersion;
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

/**
 * SetDeploymentRevision, persisted. Upstream writes the annotation through UpdateStatus (the
 * Deployment status strategy keeps metadata changes); KubeDesk's status subresource changes
 * status only, so the annotation is a merge patch of the Deployment's metadata.
 */
async function syncDeploymentRevision(dc: DeploymentRuntime, d: DeploymentObj, revision: string): Promise<void> {
  if (d.metadata.annotations?.[REVISION_ANNOTATION] === revision) return;
  d.metadata.annotations = { ...(d.metadata.annotations ?? {}), [REVISION_ANNOTATION]: revision };
  try {
    const stored = await dc.api.patch(deployRef(d.metadata.namespace, d.metadata.name), 'merge', {
      metadata: { annotations: { [REVISION_ANNOTATION]: revision } },
    });
    d.metadata.resourceVersion = stored.metadata.resourceVersion;
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

/** Omit zero `omitempty` fields, in the field order kube-controller-manager writes. */
export function compactDeploymentStatus(s: DeploymentStatus): DeploymentStatus {
  const out: Record<string, unknown> = {};
  if (s.observedGeneration) out.observedGeneration = s.observedGeneration;
  if (s.replicas) out.replicas = s.replicas;
  if (s.updatedReplicas) out.updatedReplicas = s.updatedReplicas;
  if (s.readyReplicas) out.readyReplicas = s.readyReplicas;
  if (s.availableReplicas) out.availableReplicas = s.availableReplicas;
  if (s.unavailableReplicas) out.unavailableReplicas = s.unavailableReplicas;
  if (s.conditions && s.conditions.length > 0) out.conditions = s.conditions;
  if (s.collisionCount !== undefined && s.collisionCount !== null) out.collisionCount = s.collisionCount;
  return out as DeploymentStatus;
}

export function statusEqual(a: DeploymentStatus | undefined, b: DeploymentStatus | undefined): boolean {
  return canonicalJson(compactDeploymentStatus(a ?? {})) === canonicalJson(compactDeploymentStatus(b ?? {}));
}

/** getAllReplicaSetsAndSyncRevision */
export async function getAllReplicaSetsAndSyncRevision(
  dc: DeploymentRuntime,
  d: DeploymentObj,
  rsList: ReplicaSetObj[],
  createIfNotExisted: boolean,
): Promise<{ newRS: ReplicaSetObj | undefined; oldRSs: ReplicaSetObj[] }> {
  const { allOldRSs } = findOldReplicaSets(d, rsList);
  const newRS = await getNewReplicaSet(dc, d, rsList, allOldRSs, createIfNotExisted);
  return { newRS, oldRSs: allOldRSs };
}

/**
 * getNewReplicaSet: the ReplicaSet whose template is the Deployment's, brought up to the next
 * revision (max of the old ones + 1); created — named `<deployment>-<pod-template-hash>` — when
 * absent and `createIfNotExisted`. A name taken by a ReplicaSet with another template is a hash
 * collision: collisionCount goes up and the next sync tries another name.
 */
export async function getNewReplicaSet(
  dc: DeploymentRuntime,
  d: DeploymentObj,
  rsList: ReplicaSetObj[],
  oldRSs: ReplicaSetObj[],
  createIfNotExisted: boolean,
): Promise<ReplicaSetObj | undefined> {
  const existing = findNewReplicaSet(d, rsList);
  const newRevision = maxRevision(oldRSs) + 1;
  const now = dc.clock.now();
  if (existing) {
    const copy = deepCopy(existing);
    const annotationsUpdated = setNewReplicaSetAnnotations(d, copy, newRevision, true);
    const minReadyNeedsUpdate = (copy.spec.minReadySeconds ?? 0) !== (d.spec.minReadySeconds ?? 0);
    if (annotationsUpdated || minReadyNeedsUpdate) {
      if (d.spec.minReadySeconds) copy.spec.minReadySeconds = d.spec.minReadySeconds;
      else delete copy.spec.minReadySeconds;
      return (await dc.api.update(rsRef(copy.metadata.namespace, copy.metadata.name), copy)) as ReplicaSetObj;
    }
    await syncDeploymentRevision(dc, d, copy.metadata.annotations?.[REVISION_ANNOTATION] ?? '');
    if (hasProgressDeadline(d) && !getDeploymentCondition(d.status, PROGRESSING)) {
      const status = { ...(d.status ?? {}) };
      setDeploymentCondition(
        status,
        newDeploymentCondition(
          PROGRESSING,
          'True',
          FOUND_NEW_RS_REASON,
          `Found new replica set "${copy.metadata.name}"`,
          now,
        ),
      );
      d.status = status;
      await updateDeploymentStatus(dc, d);
    }
    return copy;
  }
  if (!createIfNotExisted) return undefined;

  const template = deepCopy(d.spec.template);
  const hash = computeHash(template, d.status?.collisionCount);
  template.metadata = {
    ...(template.metadata ?? {}),
    labels: { ...(template.metadata?.labels ?? {}), [DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY]: hash },
  };
  const name = `${d.metadata.name}-${hash}`;
  const rs: ReplicaSetObj = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: d.metadata.namespace,
      ownerReferences: [newControllerRef(d)],
      labels: { ...template.metadata.labels },
    },
    spec: {
      replicas: 0,
      ...(d.spec.minReadySeconds ? { minReadySeconds: d.spec.minReadySeconds } : {}),
      selector: cloneSelectorAndAddLabel(d.spec.selector, DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY, hash),
      template,
    },
  };
  const newReplicas = newRSNewReplicas(d, [...oldRSs, rs], rs);
  rs.spec.replicas = newReplicas;
  setNewReplicaSetAnnotations(d, rs, newRevision, false);

  let created: ReplicaSetObj;
  let alreadyExisted = false;
  try {
    created = (await dc.api.create(rsRef(d.metadata.namespace), rs)) as ReplicaSetObj;
  } catch (err) {
    if (isStatusError(err) && err.code === 409 && err.reason === 'AlreadyExists') {
      const found = dc.rsLister.get(d.metadata.namespace, name) as ReplicaSetObj | undefined;
      if (!found) throw err;
      if (controllerOf(found)?.uid === d.metadata.uid && equalIgnoreHash(d.spec.template, found.spec.template)) {
        created = found;
        alreadyExisted = true;
      } else {
        const status = { ...(d.status ?? {}), collisionCount: (d.status?.collisionCount ?? 0) + 1 };
        d.status = status;
        await updateDeploymentStatus(dc, d);
        throw err;
      }
    } else if (isStatusError(err) && err.code === 403 && /being terminated/.test(err.message)) {
      throw err;
    } else {
      const msg = `Failed to create new replica set "${name}": ${(err as Error).message}`;
      if (hasProgressDeadline(d)) {
        const status = { ...(d.status ?? {}) };
        setDeploymentCondition(status, newDeploymentCondition(PROGRESSING, 'False', FAILED_RS_CREATE_REASON, msg, now));
        d.status = status;
        await updateDeploymentStatus(dc, d).catch(() => undefined);
      }
      void dc.recorder.event(d, 'Warning', FAILED_RS_CREATE_REASON, msg);
      throw err;
    }
  }
  if (!alreadyExisted && newReplicas > 0) {
    void dc.recorder.event(
      d,
      'Normal',
      'ScalingReplicaSet',
      `Scaled up replica set ${created.metadata.name} to ${newReplicas}`,
    );
  }
  await syncDeploymentRevision(dc, d, String(newRevision));
  if (!alreadyExisted && hasProgressDeadline(d)) {
    const status = { ...(d.status ?? {}) };
    setDeploymentCondition(
      status,
      newDeploymentCondition(
        PROGRESSING,
        'True',
        NEW_RS_REASON,
        `Created new replica set "${created.metadata.name}"`,
        now,
      ),
    );
    d.status = status;
    await updateDeploymentStatus(dc, d);
  }
  return created;
}

/**
 * scale: on a replica-count change, distribute the difference over the active ReplicaSets in
 * proportion to their size (largest first; newer first when scaling up, older first when scaling
 * down), the leftover to the largest, so a mid-rollout scale keeps the old/new ratio.
 */
export async function scale(
  dc: DeploymentRuntime,
  d: DeploymentObj,
  newRS: ReplicaSetObj | undefined,
  oldRSs: ReplicaSetObj[],
): Promise<void> {
  const activeOrLatest = findActiveOrLatest(newRS, oldRSs);
  if (activeOrLatest) {
    if (replicasOf(activeOrLatest) === replicasOf(d)) return;
    await scaleReplicaSetAndRecordEvent(dc, activeOrLatest, replicasOf(d), d);
    return;
  }
  if (isSaturated(d, newRS)) {
    for (const old of filterActiveReplicaSets(oldRSs)) await scaleReplicaSetAndRecordEvent(dc, old, 0, d);
    return;
  }
  if (!isRollingUpdate(d)) return;
  const allRSs = filterActiveReplicaSets([...oldRSs, newRS]);
  const allRSsReplicas = getReplicaCountForReplicaSets(allRSs);
  const allowedSize = replicasOf(d) > 0 ? replicasOf(d) + maxSurge(d) : 0;
  const toAdd = allowedSize - allRSsReplicas;
  let operation = '';
  if (toAdd > 0) {
    allRSs.sort(bySizeNewer);
    operation = 'up';
  } else if (toAdd < 0) {
    allRSs.sort(bySizeOlder);
    operation = 'down';
  }
  let added = 0;
  const sizes = new Map<string, number>();
  for (const rs of allRSs) {
    if (toAdd !== 0) {
      const proportion = getProportion(rs, d, toAdd, added);
      sizes.set(rs.metadata.name!, replicasOf(rs) + proportion);
      added += proportion;
    } else sizes.set(rs.metadata.name!, replicasOf(rs));
  }
  for (let i = 0; i < allRSs.length; i++) {
    const rs = allRSs[i];
    if (i === 0 && toAdd !== 0) {
      const leftover = toAdd - added;
      sizes.set(rs.metadata.name!, Math.max(0, sizes.get(rs.metadata.name!)! + leftover));
    }
    await scaleReplicaSet(dc, rs, sizes.get(rs.metadata.name!)!, d, operation);
  }
}

export async function scaleReplicaSetAndRecordEvent(
  dc: DeploymentRuntime,
  rs: ReplicaSetObj,
  newScale: number,
  d: DeploymentObj,
): Promise<{ scaled: boolean; rs: ReplicaSetObj }> {
  if (replicasOf(rs) === newScale) return { scaled: false, rs };
  return scaleReplicaSet(dc, rs, newScale, d, replicasOf(rs) < newScale ? 'up' : 'down');
}

/**
 * scaleReplicaSet: set spec.replicas and the desired/max-replicas annotations in one write, and
 * record `Scaled up replica set web-5d7f8 to 3 from 1`. A merge patch rather than an update, so
 * the ReplicaSet controller's concurrent status writes do not turn every scale into a conflict.
 */
export async function scaleReplicaSet(
  dc: DeploymentRuntime,
  rs: ReplicaSetObj,
  newScale: number,
  d: DeploymentObj,
  operation: string,
): Promise<{ scaled: boolean; rs: ReplicaSetObj }> {
  const sizeNeedsUpdate = replicasOf(rs) !== newScale;
  const desired = replicasOf(d);
  const max = desired + maxSurge(d);
  const copy = deepCopy(rs);
  const annotationsChanged = setReplicasAnnotations(copy, desired, max);
  if (!sizeNeedsUpdate && !annotationsChanged) return { scaled: false, rs };
  const oldScale = replicasOf(rs);
  const updated = (await dc.api.patch(rsRef(rs.metadata.namespace, rs.metadata.name), 'merge', {
    metadata: { annotations: replicaSetsAnnotationsChanged(copy) },
    spec: { replicas: newScale },
  })) as ReplicaSetObj;
  if (sizeNeedsUpdate) {
    void dc.recorder.event(
      d,
      'Normal',
      'ScalingReplicaSet',
      `Scaled ${operation} replica set ${rs.metadata.name} to ${newScale} from ${oldScale}`,
    );
  }
  return { scaled: sizeNeedsUpdate, rs: updated };
}

/**
 * cleanupDeployment: keep at most revisionHistoryLimit old ReplicaSets, deleting the oldest
 * revisions first — only ones that are fully scaled down and whose status is current.
 */
export async function cleanupDeployment(
  dc: DeploymentRuntime,
  oldRSs: ReplicaSetObj[],
  d: DeploymentObj,
): Promise<void> {
  if (!hasRevisionHistoryLimit(d)) return;
  const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
  const diff = cleanable.length - (d.spec.revisionHistoryLimit ?? 10);
  if (diff <= 0) return;
  cleanable.sort(byRevision);
  for (let i = 0; i < diff; i++) {
    const rs = cleanable[i];
    if (
      (rs.status?.replicas ?? 0) !== 0 ||
      replicasOf(rs) !== 0 ||
      (rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0) ||
      rs.metadata.deletionTimestamp
    )
      continue;
    try {
      await dc.api.delete(rsRef(rs.metadata.namespace, rs.metadata.name));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

/** calculateStatus: the Deployment's counts from its ReplicaSets, and the Available condition. */
export function calculateStatus(
  allRSs: (ReplicaSetObj | undefined)[],
  newRS: ReplicaSetObj | undefined,
  d: DeploymentObj,
  now: number,
): DeploymentStatus {
  const available = getAvailableReplicaCountForReplicaSets(allRSs);
  const total = getReplicaCountForReplicaSets(allRSs);
  const status: DeploymentStatus & { conditions?: DeploymentStatus['conditions'] } = {
    observedGeneration: d.metadata.generation,
    replicas: getActualReplicaCountForReplicaSets(allRSs),
    updatedReplicas: getActualReplicaCountForReplicaSets([newRS]),
    readyReplicas: getReadyReplicaCountForReplicaSets(allRSs),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, total - available),
    collisionCount: d.status?.collisionCount,
  };
  status.conditions = [...(d.status?.conditions ?? [])];
  if (available >= replicasOf(d) - maxUnavailable(d)) {
    setDeploymentCondition(
      status,
      newDeploymentCondition(
        AVAILABLE,
        'True',
        MINIMUM_REPLICAS_AVAILABLE,
        'Deployment has minimum availability.',
        now,
      ),
    );
  } else {
    setDeploymentCondition(
      status,
      newDeploymentCondition(
        AVAILABLE,
        'False',
        MINIMUM_REPLICAS_UNAVAILABLE,
        'Deployment does not have minimum availability.',
        now,
      ),
    );
  }
  return status;
}

/** syncDeploymentStatus: write the computed status when it differs. */
export async function syncDeploymentStatus(
  dc: DeploymentRuntime,
  allRSs: (ReplicaSetObj | undefined)[],
  newRS: ReplicaSetObj | undefined,
  d: DeploymentObj,
): Promise<void> {
  const status = calculateStatus(allRSs, newRS, d, dc.clock.now());
  if (statusEqual(d.status, status)) return;
  d.status = status;
  await updateDeploymentStatus(dc, d);
}

/** isScalingEvent: some active ReplicaSet was sized for a different replica count. */
export async function isScalingEvent(
  dc: DeploymentRuntime,
  d: DeploymentObj,
  rsList: ReplicaSetObj[],
): Promise<boolean> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(dc, d, rsList, false);
  for (const rs of filterActiveReplicaSets([...oldRSs, newRS])) {
    const desired = getDesiredReplicasAnnotation(rs);
    if (desired !== undefined && desired !== replicasOf(d)) return true;
  }
  return false;
}

/** sync: scaling only (paused Deployments and replica-count changes), then status. */
export async function syncScaling(dc: DeploymentRuntime, d: DeploymentObj, rsList: ReplicaSetObj[]): Promise<void> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(dc, d, rsList, false);
  await scale(dc, d, newRS, oldRSs);
  if (d.spec.paused) await cleanupDeployment(dc, oldRSs, d);
  const fresh = refreshed(dc, [...oldRSs, newRS]);
  await syncDeploymentStatus(dc, fresh, fresh[fresh.length - 1], d);
}

/** syncStatusOnly: a Deployment being deleted only reports. */
export async function syncStatusOnly(dc: DeploymentRuntime, d: DeploymentObj, rsList: ReplicaSetObj[]): Promise<void> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(dc, d, rsList, false);
  await syncDeploymentStatus(dc, [...oldRSs, newRS], newRS, d);
}

/** The cached versions of ReplicaSets written during this pass (for the status computation). */
export function refreshed(dc: DeploymentRuntime, rss: (ReplicaSetObj | undefined)[]): (ReplicaSetObj | undefined)[] {
  return rss.map((rs) =>
    rs ? ((dc.rsLister.get(rs.metadata.namespace, rs.metadata.name!) as ReplicaSetObj | undefined) ?? rs) : rs,
  );
}
