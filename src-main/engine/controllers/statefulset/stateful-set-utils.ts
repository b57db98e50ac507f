// Pure helpers of the StatefulSet controller (pkg/controller/statefulset/stateful_set_utils.go):
// ordinal identities, the pods and claims made for an ordinal, and the pod predicates the
// update algorithm waits on.
import type { StatefulSet } from 'kubernetes-types/apps/v1';
import type { PersistentVolumeClaim, Pod, PodTemplateSpec, Volume } from 'kubernetes-types/core/v1';
import type { KubeObject } from '../../api/types.js';
import { deepCopy } from '../../api/types.js';
import { isPodAvailable, isPodReady, newControllerRef, podPhase } from '../framework/util.js';
import { CONTROLLER_REVISION_HASH_LABEL, type RevisionObj } from '../history/controller-revision.js';

export type StatefulSetObj = KubeObject & StatefulSet;
export type PodObj = KubeObject & Pod;

/** StatefulSetPodNameLabel */
export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
/** PodIndexLabel (PodIndexLabel feature, on by default since 1.28) */
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

/** getParentNameAndOrdinal: `web-3` → { parent: 'web', ordinal: 3 }; -1 when not an ordinal name. */
export function parentAndOrdinal(pod: KubeObject): { parent: string; ordinal: number } {
  const m = /^(.*)-(\d+)$/.exec(pod.metadata.name ?? '');
  if (!m) return { parent: '', ordinal: -1 };
  const ordinal = Number(m[2]);
  return Number.isSafeInteger(ordinal) ? { parent: m[1], ordinal } : { parent: '', ordinal: -1 };
}

export function getOrdinal(pod: KubeObject): number {
  return parentAndOrdinal(pod).ordinal;
}

/** isMemberOf: named `<set>-<ordinal>`. */
export function isMemberOf(set: KubeObject, pod: KubeObject): boolean {
  return parentAndOrdinal(pod).parent === set.metadata.name;
}

export function podName(set: KubeObject, ordinal: number): string {
  return `${set.metadata.name}-${ordinal}`;
}

/** getStartOrdinal: spec.ordinals.start (0 by default). */
export function startOrdinal(set: StatefulSetObj): number {
  return set.spec?.ordinals?.start ?? 0;
}

/** getPersistentVolumeClaimName: `<claim>-<set>-<ordinal>`. */
export function claimName(set: KubeObject, claim: string, ordinal: number): string {
  return `${claim}-${set.metadata.name}-${ordinal}`;
}

/**
 * getPersistentVolumeClaims: one claim per volumeClaimTemplate for `ordinal`, labelled with the
 * template's labels plus the set's matchLabels.
 */
export function claimsFor(set: StatefulSetObj, ordinal: number): KubeObject[] {
  return (set.spec?.volumeClaimTemplates ?? []).map((t) => {
    const claim = deepCopy(t) as PersistentVolumeClaim;
    const metadata = deepCopy(claim.metadata ?? {}) as KubeObject['metadata'];
    metadata.name = claimName(set, t.metadata?.name ?? '', ordinal);
    metadata.namespace = set.metadata.namespace;
    metadata.labels = { ...(metadata.labels ?? {}), ...(set.spec?.selector?.matchLabels ?? {}) };
    return { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata, spec: claim.spec ?? {} };
  });
}

/** updateStorage: each claim template becomes a volume backed by the ordinal's claim. */
export function updateStorage(set: StatefulSetObj, pod: PodObj): void {
  const templates = set.spec?.volumeClaimTemplates ?? [];
  if (templates.length === 0) return;
  const ordinal = getOrdinal(pod);
  const names = new Set(templates.map((t) => t.metadata?.name));
  const volumes: Volume[] = templates.map((t) => ({
    name: t.metadata!.name!,
    persistentVolumeClaim: { claimName: claimName(set, t.metadata!.name!, ordinal) },
  }));
  const spec = pod.spec!;
  spec.volumes = [...volumes, ...(spec.volumes ?? []).filter((v) => !names.has(v.name))];
}

/** storageMatches: every claim template is mounted from this ordinal's claim. */
export function storageMatches(set: StatefulSetObj, pod: PodObj): boolean {
  const ordinal = getOrdinal(pod);
  if (ordinal < 0) return false;
  const volumes = new Map((pod.spec?.volumes ?? []).map((v) => [v.name, v]));
  for (const t of set.spec?.volumeClaimTemplates ?? []) {
    const v = volumes.get(t.metadata?.name ?? '');
    if (v?.persistentVolumeClaim?.claimName !== claimName(set, t.metadata?.name ?? '', ordinal)) return false;
  }
  return true;
}

/**
 * updateIdentity: hostname is the pod name and subdomain the governing service, so the pod is
 * reachable as `<pod>.<serviceName>`; the name and index labels let a Service pick one ordinal.
 */
export function updateIdentity(set: StatefulSetObj, pod: PodObj): void {
  const { ordinal } = parentAndOrdinal(pod);
  pod.metadata.namespace = set.metadata.namespace;
  const labels = (pod.metadata.labels ??= {});
  labels[POD_NAME_LABEL] = pod.metadata.name!;
  labels[POD_INDEX_LABEL] = String(ordinal);
  pod.spec!.hostname = pod.metadata.name;
  if (set.spec?.serviceName) pod.spec!.subdomain = set.spec.serviceName;
}

/** identityMatches */
export function identityMatches(set: StatefulSetObj, pod: PodObj): boolean {
  const { parent, ordinal } = parentAndOrdinal(pod);
  const labels = pod.metadata.labels ?? {};
  return (
    ordinal >= 0 &&
    parent === set.metadata.name &&
    pod.metadata.namespace === set.metadata.namespace &&
    labels[POD_NAME_LABEL] === pod.metadata.name &&
    labels[POD_INDEX_LABEL] === String(ordinal) &&
    pod.spec?.hostname === pod.metadata.name &&
    (pod.spec?.subdomain ?? '') === (set.spec?.serviceName ?? '')
  );
}

/** newStatefulSetPod + setPodRevision: the pod for `ordinal` at `revision` (a revision name). */
export function newStatefulSetPod(
  set: StatefulSetObj,
  template: PodTemplateSpec,
  ordinal: number,
  revision: string,
): PodObj {
  const labels = { ...(template.metadata?.labels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: revision };
  const metadata: KubeObject['metadata'] = {
    name: podName(set, ordinal),
    namespace: set.metadata.namespace,
    labels,
    ownerReferences: [newControllerRef(set)],
  };
  if (template.metadata?.annotations) metadata.annotations = { ...template.metadata.annotations };
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata,
    spec: deepCopy(template.spec ?? { containers: [] }),
  } as PodObj;
  updateIdentity(set, pod);
  updateStorage(set, pod);
  return pod;
}

/**
 * ApplyRevision: the StatefulSet as it was at `revision` — its template restored from the
 * revision's data — so pods below the partition are recreated at the current revision.
 */
export function templateAt(set: StatefulSetObj, revision: RevisionObj): PodTemplateSpec {
  const data = revision.data as { spec?: { template?: PodTemplateSpec & { $patch?: string } } } | undefined;
  const t = data?.spec?.template;
  if (!t) return set.spec!.template;
  const copy = deepCopy(t);
  delete copy.$patch;
  return copy;
}

export function podRevision(pod: KubeObject): string {
  return pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? '';
}

/** isCreated: the API server has given the pod a phase (a planned pod has none). */
export function isCreated(pod: KubeObject): boolean {
  return podPhase(pod) !== '';
}

export function isPending(pod: KubeObject): boolean {
  return podPhase(pod) === 'Pending';
}

export function isTerminating(pod: KubeObject): boolean {
  return !!pod.metadata.deletionTimestamp;
}

export function isFailed(pod: KubeObject): boolean {
  return podPhase(pod) === 'Failed';
}

export function isSucceeded(pod: KubeObject): boolean {
  return podPhase(pod) === 'Succeeded';
}

/** isRunningAndReady */
export function isRunningAndReady(pod: KubeObject): boolean {
  return podPhase(pod) === 'Running' && isPodReady(pod);
}

/** isRunningAndAvailable */
export function isRunningAndAvailable(pod: KubeObject, minReadySeconds: number, now: number): boolean {
  return podPhase(pod) === 'Running' && isPodAvailable(pod, minReadySeconds, now);
}

/** isHealthy: running, ready and not terminating. */
export function isHealthy(pod: KubeObject): boolean {
  return isRunningAndReady(pod) && !isTerminating(pod);
}

/** allowsBurst: Parallel pod management neither orders nor waits. */
export function allowsBurst(set: StatefulSetObj): boolean {
  return set.spec?.podManagementPolicy === 'Parallel';
}
