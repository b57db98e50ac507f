// Pure helpers of the Deployment controller (pkg/controller/deployment/util/deployment_util.go
// and pkg/controller/controller_utils.go). No I/O here: every function takes objects, returns
// values, and mutates only what it is handed as a copy.
import type {
  Deployment,
  DeploymentSpec,
  DeploymentStatus,
  ReplicaSetSpec,
  ReplicaSetStatus,
} from 'kubernetes-types/apps/v1';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1';
import type { LabelSelector } from 'kubernetes-types/meta/v1';
import type { KubeObject } from '../../api/types.js';
import { deepCopy } from '../../api/types.js';
import { timeOf } from '../framework/util.js';

export type DeploymentObj = KubeObject & { spec: DeploymentSpec; status?: DeploymentStatus };
export type ReplicaSetObj = KubeObject & { spec: ReplicaSetSpec; status?: ReplicaSetStatus };

export const DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY = 'pod-template-hash';
export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
export const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause';
const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';
const ROLLBACK_TO_ANNOTATION = 'deprecated.deployment.rollback.to';
/** maxRevHistoryLengthInChars: the revision-history annotation is kept under this length. */
export const MAX_REV_HISTORY_LENGTH_IN_CHARS = 2000;

// --- hashing -------------------------------------------------------------------------------

/** utilrand's alphabet: no vowels, no look-alikes (k8s.io/apimachinery/pkg/util/rand). */
const SAFE_ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** rand.SafeEncodeString: each character mapped through the alphabet by its code. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += SAFE_ALPHANUMS[s.charCodeAt(i) % SAFE_ALPHANUMS.length];
  return out;
}

/** JSON with object keys sorted at every level: a stable rendering of the template. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    // Semantic equality as apimachinery's DeepEqual sees Go values: JSON null, an empty map or
    // list and an absent field are all the same (kubectl's rollout undo sends
    // `creationTimestamp: null` and `resources: {}`), so they must compare and hash the same.
    const entries = Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => [k, canonicalJson(v)] as const)
      .filter(([, v]) => v !== 'null' && v !== '{}' && v !== '[]')
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
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
 * controller.ComputeHash: FNV-32a over the pod template, then the collision count as 8
 * little-endian bytes, rendered as decimal and safe-encoded. Upstream hashes a spew dump of the
 * Go struct (hashutil.DeepHashObject), which cannot be reproduced outside Go; KubeDesk hashes the
 * template's canonical JSON (sorted keys) instead — stable across restarts and releases, same
 * length and alphabet, but not the same value kube-controller-manager would pick.
 */
export function computeHash(template: PodTemplateSpec, collisionCount?: number | null): string {
  let h = fnv32a(new TextEncoder().encode(canonicalJson(template)));
  if (collisionCount !== undefined && collisionCount !== null) {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(b, h);
  }
  return safeEncodeString(String(h));
}

/** EqualIgnoreHash: templates equal once the pod-template-hash label is dropped from both. */
export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  const strip = (t: PodTemplateSpec | undefined) => {
    const c = deepCopy(t ?? {});
    if (c.metadata?.labels) {
      delete c.metadata.labels[DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY];
      if (Object.keys(c.metadata.labels).length === 0) delete c.metadata.labels;
    }
    if (c.metadata && Object.keys(c.metadata).length === 0) delete c.metadata;
    return canonicalJson(c);
  };
  return strip(a) === strip(b);
}

export function cloneSelectorAndAddLabel(sel: LabelSelector, key: string, value: string): LabelSelector {
  const out = deepCopy(sel);
  out.matchLabels = { ...(out.matchLabels ?? {}), [key]: value };
  return out;
}

// --- intstr and fenceposts -------------------------------------------------------------------

/**
 * intstr.GetScaledValueFromIntOrPercent: an int as is, or `NN%` of `total`, rounded up or down.
 * Throws on anything else, as upstream returns an error.
 */
export function scaledValue(v: number | string | undefined, total: number, roundUp: boolean): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) {
    if (/^\d+$/.test(v)) return Number(v);
    throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage`);
  }
  const raw = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(raw) : Math.floor(raw);
}

/**
 * ResolveFenceposts: maxSurge rounds up, maxUnavailable rounds down; if both come to zero,
 * maxUnavailable becomes 1 so the rollout can move at all. With 10 replicas and 25%/25%:
 * surge = ceil(2.5) = 3, unavailable = floor(2.5) = 2 — at most 13 pods, at least 8 available.
 */
export function resolveFenceposts(
  maxSurge: number | string | undefined,
  maxUnavailable: number | string | undefined,
  desired: number,
): { surge: number; unavailable: number } {
  const surge = scaledValue(maxSurge ?? 0, desired, true);
  let unavailable = scaledValue(maxUnavailable ?? 0, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

export function replicasOf(obj: { spec?: { replicas?: number } }): number {
  return obj.spec?.replicas ?? 0;
}

export function isRollingUpdate(d: DeploymentObj): boolean {
  return (d.spec.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

export function maxSurge(d: DeploymentObj): number {
  if (!isRollingUpdate(d)) return 0;
  const ru = d.spec.strategy?.rollingUpdate;
  return resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, replicasOf(d)).surge;
}

export function maxUnavailable(d: DeploymentObj): number {
  const replicas = replicasOf(d);
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  const ru = d.spec.strategy?.rollingUpdate;
  const { unavailable } = resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, replicas);
  return Math.min(unavailable, replicas);
}

// --- replica set arithmetic ---------------------------------------------------------------

const sum = (rss: readonly (ReplicaSetObj | undefined)[], f: (rs: ReplicaSetObj) => number) =>
  rss.reduce((n, rs) => n + (rs ? f(rs) : 0), 0);

/** Sum of spec.replicas. */
export const getReplicaCountForReplicaSets = (rss: readonly (ReplicaSetObj | undefined)[]) => sum(rss, replicasOf);
/** Sum of status.replicas. */
export const getActualReplicaCountForReplicaSets = (rss: readonly (ReplicaSetObj | undefined)[]) =>
  sum(rss, (rs) => rs.status?.replicas ?? 0);
export const getReadyReplicaCountForReplicaSets = (rss: readonly (ReplicaSetObj | undefined)[]) =>
  sum(rss, (rs) => rs.status?.readyReplicas ?? 0);
export const getAvailableReplicaCountForReplicaSets = (rss: readonly (ReplicaSetObj | undefined)[]) =>
  sum(rss, (rs) => rs.status?.availableReplicas ?? 0);

/** FilterActiveReplicaSets: those with spec.replicas > 0. */
export function filterActiveReplicaSets(rss: readonly (ReplicaSetObj | undefined)[]): ReplicaSetObj[] {
  return rss.filter((rs): rs is ReplicaSetObj => !!rs && replicasOf(rs) > 0);
}

function created(rs: KubeObject): number {
  return timeOf(rs.metadata.creationTimestamp) || 0;
}

/** ReplicaSetsByCreationTimestamp: oldest first, then by name. */
export function byCreationTimestamp(a: KubeObject, b: KubeObject): number {
  const d = created(a) - created(b);
  if (d !== 0) return d;
  return a.metadata.name! < b.metadata.name! ? -1 : a.metadata.name! > b.metadata.name! ? 1 : 0;
}

/** ReplicaSetsBySizeOlder: largest first; equal sizes oldest first. */
export function bySizeOlder(a: ReplicaSetObj, b: ReplicaSetObj): number {
  return replicasOf(a) === replicasOf(b) ? byCreationTimestamp(a, b) : replicasOf(b) - replicasOf(a);
}

/** ReplicaSetsBySizeNewer: largest first; equal sizes newest first. */
export function bySizeNewer(a: ReplicaSetObj, b: ReplicaSetObj): number {
  return replicasOf(a) === replicasOf(b) ? byCreationTimestamp(b, a) : replicasOf(b) - replicasOf(a);
}

/** Revision of a ReplicaSet from its annotation (0 when absent or junk). */
export function revisionOf(obj: KubeObject | undefined): number {
  const v = obj?.metadata.annotations?.[REVISION_ANNOTATION];
  const n = v === undefined ? 0 : Number(v);
  return Number.isInteger(n) && n >= 0 ? n : 0;
}

export function maxRevision(rss: readonly KubeObject[]): number {
  return rss.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);
}

/** ReplicaSetsByRevision: oldest revision first, then by creation. */
export function byRevision(a: KubeObject, b: KubeObject): number {
  const d = revisionOf(a) - revisionOf(b);
  return d !== 0 ? d : byCreationTimestamp(a, b);
}

/** FindNewReplicaSet: the oldest ReplicaSet whose template equals the Deployment's. */
export function findNewReplicaSet(d: DeploymentObj, rsList: readonly ReplicaSetObj[]): ReplicaSetObj | undefined {
  return [...rsList].sort(byCreationTimestamp).find((rs) => equalIgnoreHash(rs.spec.template, d.spec.template));
}

/** FindOldReplicaSets: every other ReplicaSet, and those of them that still want pods. */
export function findOldReplicaSets(
  d: DeploymentObj,
  rsList: readonly ReplicaSetObj[],
): { requiredRSs: ReplicaSetObj[]; allOldRSs: ReplicaSetObj[] } {
  const newRS = findNewReplicaSet(d, rsList);
  const allOldRSs = rsList.filter((rs) => rs !== newRS);
  return { allOldRSs, requiredRSs: allOldRSs.filter((rs) => replicasOf(rs) > 0) };
}

/** FindActiveOrLatest: the one active ReplicaSet, else the newest when none is active. */
export function findActiveOrLatest(
  newRS: ReplicaSetObj | undefined,
  oldRSs: readonly ReplicaSetObj[],
): ReplicaSetObj | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const all = [...oldRSs, ...(newRS ? [newRS] : [])].sort((a, b) => byCreationTimestamp(b, a));
  const active = filterActiveReplicaSets(all);
  if (active.length === 0) return newRS ?? all[0];
  if (active.length === 1) return active[0];
  return undefined;
}

function intAnnotation(rs: KubeObject, key: string): number | undefined {
  const v = rs.metadata.annotations?.[key];
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isInteger(n) ? n : undefined;
}

export const getDesiredReplicasAnnotation = (rs: KubeObject) => intAnnotation(rs, DESIRED_REPLICAS_ANNOTATION);
export const getMaxReplicasAnnotation = (rs: KubeObject) => intAnnotation(rs, MAX_REPLICAS_ANNOTATION);

/** IsSaturated: the new ReplicaSet wants, was told, and has all the Deployment's replicas. */
export function isSaturated(d: DeploymentObj, rs: ReplicaSetObj | undefined): boolean {
  if (!rs) return false;
  const desired = getDesiredReplicasAnnotation(rs);
  if (desired === undefined) return false;
  return (
    replicasOf(rs) === replicasOf(d) &&
    desired === replicasOf(d) &&
    (rs.status?.availableReplicas ?? 0) === replicasOf(d)
  );
}

/** NewRSNewReplicas: how large the new ReplicaSet may be now. */
export function newRSNewReplicas(d: DeploymentObj, allRSs: readonly ReplicaSetObj[], newRS: ReplicaSetObj): number {
  if (!isRollingUpdate(d)) return replicasOf(d);
  const surge = scaledValue(d.spec.strategy?.rollingUpdate?.maxSurge ?? 0, replicasOf(d), true);
  const currentPodCount = getReplicaCountForReplicaSets(allRSs);
  const maxTotalPods = replicasOf(d) + surge;
  if (currentPodCount >= maxTotalPods) return replicasOf(newRS);
  const scaleUpCount = Math.min(maxTotalPods - currentPodCount, replicasOf(d) - replicasOf(newRS));
  return replicasOf(newRS) + scaleUpCount;
}

/** integer.RoundToInt32: round half away from zero, as Go's math.Round. */
export function roundHalfAwayFromZero(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

/** GetProportion: this ReplicaSet's share of a proportional scale of `toAdd` replicas. */
export function getProportion(rs: ReplicaSetObj, d: DeploymentObj, toAdd: number, added: number): number {
  if (replicasOf(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = getReplicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

function getReplicaSetFraction(rs: ReplicaSetObj, d: DeploymentObj): number {
  if (replicasOf(d) === 0) return -replicasOf(rs);
  const deploymentMaxReplicas = replicasOf(d) + maxSurge(d);
  let before = getMaxReplicasAnnotation(rs);
  if (!before) before = d.status?.replicas ?? 0;
  if (!before) return 0;
  const newSize = (replicasOf(rs) * deploymentMaxReplicas) / before;
  return roundHalfAwayFromZero(newSize) - replicasOf(rs);
}

/** ReplicasAnnotationsNeedUpdate */
export function replicasAnnotationsNeedUpdate(rs: KubeObject, desired: number, max: number): boolean {
  const a = rs.metadata.annotations ?? {};
  return a[DESIRED_REPLICAS_ANNOTATION] !== String(desired) || a[MAX_REPLICAS_ANNOTATION] !== String(max);
}

/** SetReplicasAnnotations: true when something changed. */
export function setReplicasAnnotations(rs: KubeObject, desired: number, max: number): boolean {
  const a = (rs.metadata.annotations ??= {});
  let changed = false;
  if (a[DESIRED_REPLICAS_ANNOTATION] !== String(desired)) {
    a[DESIRED_REPLICAS_ANNOTATION] = String(desired);
    changed = true;
  }
  if (a[MAX_REPLICAS_ANNOTATION] !== String(max)) {
    a[MAX_REPLICAS_ANNOTATION] = String(max);
    changed = true;
  }
  return changed;
}

/** skipCopyAnnotation: annotations a Deployment does not hand down to its ReplicaSets. */
function skipCopyAnnotation(key: string): boolean {
  return [
    LAST_APPLIED_ANNOTATION,
    REVISION_ANNOTATION,
    REVISION_HISTORY_ANNOTATION,
    DESIRED_REPLICAS_ANNOTATION,
    MAX_REPLICAS_ANNOTATION,
    ROLLBACK_TO_ANNOTATION,
  ].includes(key);
}

/** copyDeploymentAnnotationsToReplicaSet: `kubernetes.io/change-cause` and the user's others. */
export function copyDeploymentAnnotationsToReplicaSet(d: KubeObject, rs: KubeObject): boolean {
  const a = (rs.metadata.annotations ??= {});
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (skipCopyAnnotation(k) || a[k] === v) continue;
    a[k] = v;
    changed = true;
  }
  return changed;
}

/**
 * SetNewReplicaSetAnnotations: copy the Deployment's annotations, raise the revision to
 * `newRevision` when it is higher — recording the old number in revision-history, which is what
 * a rollback to an old ReplicaSet looks like — and, on create, the replicas annotations.
 */
export function setNewReplicaSetAnnotations(
  d: DeploymentObj,
  rs: KubeObject,
  newRevision: number,
  exists: boolean,
): boolean {
  let changed = copyDeploymentAnnotationsToReplicaSet(d, rs);
  const a = (rs.metadata.annotations ??= {});
  const oldRevisionStr = a[REVISION_ANNOTATION];
  let oldRevision = 0;
  if (oldRevisionStr !== undefined) {
    oldRevision = Number(oldRevisionStr);
    if (!Number.isInteger(oldRevision)) return false;
  }
  if (oldRevision < newRevision) {
    a[REVISION_ANNOTATION] = String(newRevision);
    changed = true;
    if (oldRevisionStr !== undefined) {
      const history = a[REVISION_HISTORY_ANNOTATION] ?? '';
      if (history === '') a[REVISION_HISTORY_ANNOTATION] = oldRevisionStr;
      else {
        let old = history.split(',');
        let total = history.length + oldRevisionStr.length + 1;
        let start = 0;
        while (total > MAX_REV_HISTORY_LENGTH_IN_CHARS && start < old.length) total -= old[start++].length + 1;
        if (total <= MAX_REV_HISTORY_LENGTH_IN_CHARS) {
          old = [...old.slice(start), oldRevisionStr];
          a[REVISION_HISTORY_ANNOTATION] = old.join(',');
        }
      }
    }
  }
  if (!exists && setReplicasAnnotations(rs, replicasOf(d), replicasOf(d) + maxSurge(d))) changed = true;
  return changed;
}

// --- progress ------------------------------------------------------------------------------

export const MAX_INT32 = 2 ** 31 - 1;

export function hasProgressDeadline(d: DeploymentObj): boolean {
  const p = d.spec.progressDeadlineSeconds;
  return p !== undefined && p !== null && p !== MAX_INT32;
}

export function hasRevisionHistoryLimit(d: DeploymentObj): boolean {
  const l = d.spec.revisionHistoryLimit;
  return l !== undefined && l !== null && l !== MAX_INT32;
}

/** DeploymentComplete: every replica updated, present and available, at the current generation. */
export function deploymentComplete(d: DeploymentObj, s: DeploymentStatus): boolean {
  const r = replicasOf(d);
  return (
    (s.updatedReplicas ?? 0) === r &&
    (s.replicas ?? 0) === r &&
    (s.availableReplicas ?? 0) === r &&
    (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0)
  );
}

/** DeploymentProgressing: more updated, fewer old, more ready or more available than before. */
export function deploymentProgressing(d: DeploymentObj, s: DeploymentStatus): boolean {
  const o = d.status ?? {};
  const oldOld = (o.replicas ?? 0) - (o.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (
    (s.updatedReplicas ?? 0) > (o.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (s.readyReplicas ?? 0) > (o.readyReplicas ?? 0) ||
    (s.availableReplicas ?? 0) > (o.availableReplicas ?? 0)
  );
}

export type { Deployment };

/** The replicas annotations of `rs`, as a merge-patch fragment. */
export function replicaSetsAnnotationsChanged(rs: KubeObject): Record<string, string> {
  const a = rs.metadata.annotations ?? {};
  return {
    [DESIRED_REPLICAS_ANNOTATION]: a[DESIRED_REPLICAS_ANNOTATION],
    [MAX_REPLICAS_ANNOTATION]: a[MAX_REPLICAS_ANNOTATION],
  };
}
