// ControllerRevision helpers shared by the DaemonSet and StatefulSet controllers
// (pkg/controller/history/controller_history.go). A revision is an immutable snapshot of the
// owner's pod template, stored as the strategic-merge patch that would restore it —
// `kubectl rollout undo daemonset|statefulset` applies exactly that `data` to the owner.
import type { ControllerRevision } from 'kubernetes-types/apps/v1';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1';
import type { KubeObject } from '../../api/types.js';
import { deepCopy } from '../../api/types.js';
import { isStatusError } from '../../api/errors.js';
import type { ApiServer } from '../../apiserver/api-server.js';
import { canonicalJson, safeEncodeString } from '../deployment/util.js';
import { isNotFound, newControllerRef, timeOf } from '../framework/util.js';

export const CONTROLLER_REVISIONS = 'apps/controllerrevisions';
/** ControllerRevisionHashLabel: on revisions (the hash) and on the owner's pods. */
export const CONTROLLER_REVISION_HASH_LABEL = 'controller-revision-hash';

export type RevisionObj = KubeObject & ControllerRevision;

/**
 * getPatch of both controllers: `{"spec":{"template":{…,"$patch":"replace"}}}`. The replace
 * directive makes the rollback drop fields the current template added since.
 */
export function templatePatch(template: PodTemplateSpec | undefined): Record<string, unknown> {
  return { spec: { template: { ...deepCopy(template ?? {}), $patch: 'replace' } } };
}

function fnv32a(bytes: Uint8Array, hash = 0x811c9dc5): number {
  let h = hash;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * HashControllerRevision: FNV-32a over the revision's data, then the collision count, safe-encoded.
 * Like controller.ComputeHash, KubeDesk hashes canonical JSON, so the value is stable but not the
 * one kube-controller-manager would pick.
 */
export function hashRevisionData(data: unknown, collisionCount?: number | null): string {
  let h = fnv32a(new TextEncoder().encode(canonicalJson(data)));
  if (collisionCount !== undefined && collisionCount !== null) {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(b, h);
  }
  return safeEncodeString(String(h));
}

/** ControllerRevisionName: `<prefix>-<hash>`, the prefix cut to keep the name within 253. */
export function controllerRevisionName(prefix: string, hash: string): string {
  return `${prefix.length > 223 ? prefix.slice(0, 223) : prefix}-${hash}`;
}

/** NewControllerRevision: a revision of `parent`, named and labelled by `hash`. */
export function newControllerRevision(
  parent: KubeObject,
  data: unknown,
  templateLabels: Record<string, string> | undefined,
  revision: number,
  hash: string,
  annotations?: Record<string, string>,
): RevisionObj {
  const metadata: KubeObject['metadata'] = {
    name: controllerRevisionName(parent.metadata.name!, hash),
    namespace: parent.metadata.namespace,
    labels: { ...(templateLabels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: hash },
    ownerReferences: [newControllerRef(parent)],
  };
  if (annotations && Object.keys(annotations).length > 0) metadata.annotations = { ...annotations };
  return { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata, data, revision } as RevisionObj;
}

/** EqualRevision: same data, compared semantically (key order and empty values ignored). */
export function equalRevision(a: RevisionObj | undefined, b: RevisionObj | undefined): boolean {
  if (!a || !b) return a === b;
  return canonicalJson(a.data) === canonicalJson(b.data);
}

export function findEqualRevisions(revisions: readonly RevisionObj[], needle: RevisionObj): RevisionObj[] {
  return revisions.filter((r) => equalRevision(r, needle));
}

/** SortControllerRevisions: by revision, then creation time, then name. */
export function sortRevisions(revisions: readonly RevisionObj[]): RevisionObj[] {
  return [...revisions].sort(
    (a, b) =>
      (a.revision ?? 0) - (b.revision ?? 0) ||
      (timeOf(a.metadata.creationTimestamp) || 0) - (timeOf(b.metadata.creationTimestamp) || 0) ||
      (a.metadata.name! < b.metadata.name! ? -1 : a.metadata.name! > b.metadata.name! ? 1 : 0),
  );
}

/** NextRevision: one past the highest revision (1 for an empty history). */
export function nextRevision(revisions: readonly RevisionObj[]): number {
  let max = 0;
  for (const r of revisions) max = Math.max(max, r.revision ?? 0);
  return max + 1;
}

const revisionsRef = (namespace: string | undefined, name?: string) => ({
  group: 'apps',
  resource: 'controllerrevisions',
  namespace,
  name,
});

/**
 * CreateControllerRevision: create `revision` under the name its hash and `collision.count`
 * give. A name taken by an equal revision is that revision; taken by a different one is a hash
 * collision: bump the count (which the owner records in status.collisionCount) and try again.
 */
export async function createControllerRevision(
  api: ApiServer,
  parent: KubeObject,
  revision: RevisionObj,
  collision: { count: number },
  templateLabels: Record<string, string> | undefined,
): Promise<RevisionObj> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const hash = hashRevisionData(revision.data, collision.count);
    const clone = newControllerRevision(
      parent,
      revision.data,
      templateLabels,
      revision.revision ?? 0,
      hash,
      revision.metadata.annotations,
    );
    try {
      return (await api.create(revisionsRef(parent.metadata.namespace), clone)) as RevisionObj;
    } catch (err) {
      if (!(isStatusError(err) && err.reason === 'AlreadyExists')) throw err;
      const existing = (await api.get(revisionsRef(parent.metadata.namespace, clone.metadata.name))) as RevisionObj;
      if (equalRevision(existing, clone)) return existing;
      collision.count++;
    }
  }
  throw new Error(`controller revision of ${parent.metadata.name}: too many hash collisions`);
}

/** UpdateControllerRevision: renumber a revision (a rollback makes an old snapshot the newest). */
export async function updateRevisionNumber(api: ApiServer, rev: RevisionObj, revision: number): Promise<RevisionObj> {
  if (rev.revision === revision) return rev;
  return (await api.patch(revisionsRef(rev.metadata.namespace, rev.metadata.name), 'merge', {
    revision,
  })) as RevisionObj;
}

export async function deleteRevision(api: ApiServer, rev: RevisionObj): Promise<void> {
  try {
    await api.delete(revisionsRef(rev.metadata.namespace, rev.metadata.name));
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

/**
 * truncateHistory / cleanupHistory: delete the oldest revisions that are neither live (the
 * current or update revision, or still labelling a pod) nor within `revisionHistoryLimit`.
 */
export async function truncateHistory(
  api: ApiServer,
  revisions: readonly RevisionObj[],
  isLive: (rev: RevisionObj) => boolean,
  limit: number,
): Promise<void> {
  const history = sortRevisions(revisions).filter((r) => !isLive(r));
  const excess = history.length - limit;
  for (let i = 0; i < excess; i++) await deleteRevision(api, history[i]);
}
