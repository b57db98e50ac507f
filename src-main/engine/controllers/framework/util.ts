// Helpers shared by controllers: controller references and the ControllerRefManager's
// adopt/release rule (pkg/controller/controller_ref_manager.go), and the pod predicates of
// k8s.io/kubernetes/pkg/api/v1/pod (IsPodReady, IsPodAvailable).
import type { Pod, PodCondition } from 'kubernetes-types/core/v1';
import type { KubeObject, OwnerReference } from '../../api/types.js';
import type { Selector } from '../../api/selectors/index.js';
import { isStatusError } from '../../api/errors.js';
import type { ApiServer } from '../../apiserver/api-server.js';
import type { ResourceRef } from '../../apiserver/types.js';

/** metav1.GetControllerOf */
export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return (obj.metadata.ownerReferences ?? []).find((r) => r.controller === true);
}

/** metav1.NewControllerRef */
export function newControllerRef(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name!,
    uid: owner.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Index function: the uid of an object's controller (pods by owner uid, RSes by Deployment uid). */
export function byControllerUid(obj: KubeObject): string[] {
  const ref = controllerOf(obj);
  return ref ? [ref.uid] : [];
}

/** Index function: namespace of objects that have no controller (adoption candidates). */
export function orphansByNamespace(obj: KubeObject): string[] {
  return controllerOf(obj) ? [] : [obj.metadata.namespace ?? ''];
}

export function podReadyCondition(pod: KubeObject): PodCondition | undefined {
  return ((pod as Pod).status?.conditions ?? []).find((c) => c.type === 'Ready');
}

/** podutil.IsPodReady */
export function isPodReady(pod: KubeObject): boolean {
  return podReadyCondition(pod)?.status === 'True';
}

/**
 * podutil.IsPodAvailable: ready, and ready for at least minReadySeconds. Upstream compares with
 * `LastTransitionTime.Add(minReadySeconds).Before(now)` — strictly before.
 */
export function isPodAvailable(pod: KubeObject, minReadySeconds: number, now: number): boolean {
  const c = podReadyCondition(pod);
  if (c?.status !== 'True') return false;
  if (!minReadySeconds) return true;
  const since = c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
  return !Number.isNaN(since) && since + minReadySeconds * 1000 < now;
}

export function podPhase(pod: KubeObject): string {
  return (pod as Pod).status?.phase ?? '';
}

/** controller.IsPodActive: not finished and not being deleted. */
export function isPodActive(pod: KubeObject): boolean {
  const phase = podPhase(pod);
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

export function isNotFound(err: unknown): boolean {
  return isStatusError(err) && err.code === 404;
}

export async function ignoreNotFound<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

export interface ClaimOptions {
  api: ApiServer;
  owner: KubeObject;
  selector: Selector;
  /** How to address a candidate through the API server. */
  refOf: (obj: KubeObject) => ResourceRef;
  /** Re-read the owner before adopting (canAdopt: it must still exist, same uid, not deleting). */
  ownerStillValid: () => boolean;
}

/**
 * ControllerRefManager.ClaimObjects: keep what we control and still select, release what we
 * control but no longer select, adopt orphans we select. Adoption and release are merge patches
 * with a resourceVersion precondition, so a racing controller's claim wins cleanly (409).
 */
export async function claimObjects(candidates: readonly KubeObject[], o: ClaimOptions): Promise<KubeObject[]> {
  const claimed: KubeObject[] = [];
  const uid = o.owner.metadata.uid;
  const ownerDeleting = !!o.owner.metadata.deletionTimestamp;
  for (const obj of candidates) {
    const ref = controllerOf(obj);
    const matches = o.selector.matches(obj.metadata.labels);
    if (ref) {
      if (ref.uid !== uid) continue;
      if (matches) {
        claimed.push(obj);
        continue;
      }
      if (ownerDeleting) continue;
      await releaseObject(obj, o);
      continue;
    }
    if (!matches || ownerDeleting || obj.metadata.deletionTimestamp) continue;
    if (!o.ownerStillValid()) continue;
    const adopted = await adoptObject(obj, o);
    if (adopted) claimed.push(adopted);
  }
  return claimed;
}

async function adoptObject(obj: KubeObject, o: ClaimOptions): Promise<KubeObject | undefined> {
  const refs = [...(obj.metadata.ownerReferences ?? []), newControllerRef(o.owner)];
  try {
    return await o.api.patch(o.refOf(obj), 'merge', {
      metadata: { ownerReferences: refs, resourceVersion: obj.metadata.resourceVersion },
    });
  } catch (err) {
    // Gone, or changed under us (maybe adopted by someone else): the next sync sees the truth.
    if (isNotFound(err) || (isStatusError(err) && err.code === 409)) return undefined;
    throw err;
  }
}

async function releaseObject(obj: KubeObject, o: ClaimOptions): Promise<void> {
  const keep = (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== o.owner.metadata.uid);
  try {
    await o.api.patch(o.refOf(obj), 'merge', {
      metadata: { ownerReferences: keep.length > 0 ? keep : null, resourceVersion: obj.metadata.resourceVersion },
    });
  } catch (err) {
    if (isNotFound(err) || (isStatusError(err) && err.code === 409)) return;
    throw err;
  }
}

/** An `rfc3339` timestamp to epoch ms (NaN when absent). */
export function timeOf(ts: string | undefined | null): number {
  return ts ? Date.parse(ts) : NaN;
}

/**
 * Write `status` through the /status subresource when it differs from what is stored, with one
 * retry on a stale read (409); an object that is gone or was replaced needs no status. This is
 * the update*Status step every workload controller ends its sync with.
 */
export async function writeStatus(
  api: ApiServer,
  group: string,
  resource: string,
  obj: KubeObject,
  status: unknown,
): Promise<void> {
  const { namespace, name, uid } = obj.metadata;
  let current = obj;
  for (let attempt = 0; attempt < 2; attempt++) {
    if (JSON.stringify(current.status ?? {}) === JSON.stringify(status ?? {})) return;
    const body: KubeObject = { ...structuredClone(current), status };
    try {
      await api.update({ group, resource, namespace, name, subresource: 'status' }, body);
      return;
    } catch (err) {
      if (isNotFound(err)) return;
      if (!(isStatusError(err) && err.code === 409) || attempt === 1) throw err;
      const fresh = api.store.get(`${group}/${resource}/${namespace ?? ''}/${name}`);
      if (!fresh || fresh.metadata.uid !== uid) return;
      current = fresh;
    }
  }
}
