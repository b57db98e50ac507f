// A DaemonSet's ControllerRevisions (constructHistory, snapshot, dedupCurHistories and
// cleanupHistory in pkg/controller/daemon/update.go). The current revision is the one whose data
// equals the DaemonSet's template patch; a rollback finds an old revision equal to the template
// and renumbers it as the newest, so `kubectl rollout history` lists it last.
import type { KubeObject } from '../../api/types.js';
import { deepCopy } from '../../api/types.js';
import { isStatusError } from '../../api/errors.js';
import type { ApiServer } from '../../apiserver/api-server.js';
import { canonicalJson, computeHash } from '../deployment/util.js';
import {
  CONTROLLER_REVISION_HASH_LABEL,
  deleteRevision,
  newControllerRevision,
  sortRevisions,
  templatePatch,
  updateRevisionNumber,
  type RevisionObj,
} from '../history/controller-revision.js';
import type { DaemonSetObj } from './eligibility.js';

const dsRef = (ds: KubeObject, subresource?: string) => ({
  group: 'apps',
  resource: 'daemonsets',
  namespace: ds.metadata.namespace,
  name: ds.metadata.name,
  subresource,
});

/** Match: the revision's data is this DaemonSet's template patch. */
export function matchesDaemonSet(ds: DaemonSetObj, rev: RevisionObj): boolean {
  return canonicalJson(templatePatch(ds.spec?.template)) === canonicalJson(rev.data);
}

export interface DaemonSetHistory {
  cur: RevisionObj;
  old: RevisionObj[];
  /** The hash daemon pods of the current template carry in `controller-revision-hash`. */
  hash: string;
}

/**
 * constructHistory: split the claimed revisions into the current one and the rest, creating the
 * current snapshot when none matches and renumbering it when it is older than the newest.
 */
export async function constructHistory(
  api: ApiServer,
  ds: DaemonSetObj,
  revisions: readonly RevisionObj[],
  relabelPods: (fromHash: string, toHash: string) => Promise<void>,
): Promise<DaemonSetHistory> {
  const current: RevisionObj[] = [];
  const old: RevisionObj[] = [];
  for (const rev of revisions) (matchesDaemonSet(ds, rev) ? current : old).push(rev);
  const currRevision = old.reduce((m, r) => Math.max(m, r.revision ?? 0), 0) + 1;
  let cur: RevisionObj;
  if (current.length === 0) {
    cur = await snapshot(api, ds, currRevision);
  } else {
    cur = await dedupCurrent(api, current, relabelPods);
    if ((cur.revision ?? 0) < currRevision) cur = await updateRevisionNumber(api, cur, currRevision);
  }
  return { cur, old, hash: cur.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? cur.metadata.name! };
}

/**
 * snapshot: create the revision `<ds>-<ComputeHash(template, collisionCount)>`. A name already
 * taken by a different template is a hash collision: bump status.collisionCount and fail, so the
 * retry hashes with the new count (upstream does exactly this).
 */
async function snapshot(api: ApiServer, ds: DaemonSetObj, revision: number): Promise<RevisionObj> {
  const collisionCount = ds.status?.collisionCount;
  const hash = computeHash(ds.spec!.template, collisionCount);
  const rev = newControllerRevision(
    ds,
    templatePatch(ds.spec?.template),
    ds.spec?.template?.metadata?.labels,
    revision,
    hash,
    ds.metadata.annotations,
  );
  try {
    return (await api.create(
      { group: 'apps', resource: 'controllerrevisions', namespace: ds.metadata.namespace },
      rev,
    )) as RevisionObj;
  } catch (err) {
    if (!(isStatusError(err) && err.reason === 'AlreadyExists')) throw err;
    const existing = (await api.get({
      group: 'apps',
      resource: 'controllerrevisions',
      namespace: ds.metadata.namespace,
      name: rev.metadata.name,
    })) as RevisionObj;
    if (matchesDaemonSet(ds, existing)) return existing;
    const fresh = deepCopy((await api.get(dsRef(ds))) as DaemonSetObj);
    if ((fresh.status?.collisionCount ?? undefined) !== (collisionCount ?? undefined)) {
      throw new Error(`found a stale collision count of DaemonSet "${ds.metadata.name}"; will retry`, { cause: err });
    }
    fresh.status = { ...(fresh.status ?? {}), collisionCount: (collisionCount ?? 0) + 1 } as DaemonSetObj['status'];
    await api.update(dsRef(ds, 'status'), fresh);
    throw err;
  }
}

/** dedupCurHistories: keep the highest-numbered equal revision; move pods of the others to it. */
async function dedupCurrent(
  api: ApiServer,
  current: RevisionObj[],
  relabelPods: (fromHash: string, toHash: string) => Promise<void>,
): Promise<RevisionObj> {
  const sorted = sortRevisions(current);
  const keep = sorted[sorted.length - 1];
  const keepHash = keep.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? keep.metadata.name!;
  for (const dup of sorted.slice(0, -1)) {
    const dupHash = dup.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL];
    if (dupHash) await relabelPods(dupHash, keepHash);
    await deleteRevision(api, dup);
  }
  return keep;
}

/**
 * cleanupHistory: keep `revisionHistoryLimit` old revisions, deleting the oldest first but never
 * one whose hash a daemon pod still carries (live pods count against the limit, as upstream).
 */
export async function cleanupHistory(
  api: ApiServer,
  old: readonly RevisionObj[],
  liveHashes: ReadonlySet<string>,
  limit: number,
): Promise<void> {
  let toKill = old.length - limit;
  for (const rev of sortRevisions(old)) {
    if (toKill <= 0) break;
    if (liveHashes.has(rev.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? '')) continue;
    await deleteRevision(api, rev);
    toKill--;
  }
}
