// StatefulPodControl (pkg/controller/statefulset/stateful_pod_control.go): the writes of the
// update algorithm, each with upstream's event — "create Pod web-0 in StatefulSet web
// successful", "create Claim www-web-0 Pod web-0 in StatefulSet web success".
//
// Claims are created before their pod and never deleted here: with the default Retain policy
// they outlive scale-down and the set itself, so web-0 comes back to the same data. The Delete
// policies hand the claim to the garbage collector through an owner reference — to the set
// (whenDeleted) or, as the pod is condemned, to the pod (whenScaled).
import type { KubeObject, OwnerReference } from '../../api/types.js';
import { deepCopy } from '../../api/types.js';
import { isStatusError } from '../../api/errors.js';
import type { ApiServer } from '../../apiserver/api-server.js';
import type { Lister } from '../framework/informer.js';
import type { Recorder } from '../framework/context.js';
import { isNotFound } from '../framework/util.js';
import type { StatefulPodControl } from './stateful-set-control.js';
import {
  claimsFor,
  getOrdinal,
  updateIdentity,
  updateStorage,
  type PodObj,
  type StatefulSetObj,
} from './stateful-set-utils.js';

const podRef = (ns: string | undefined, name?: string) => ({ group: '', resource: 'pods', namespace: ns, name });
const claimRef = (ns: string | undefined, name?: string) => ({
  group: '',
  resource: 'persistentvolumeclaims',
  namespace: ns,
  name,
});

function ownerRef(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name!,
    uid: owner.metadata.uid!,
    blockOwnerDeletion: true,
  };
}

export class RealStatefulPodControl implements StatefulPodControl {
  #api: ApiServer;
  #recorder: Recorder;
  #claims: Lister;

  constructor(api: ApiServer, recorder: Recorder, claims: Lister) {
    this.#api = api;
    this.#recorder = recorder;
    this.#claims = claims;
  }

  async createPod(set: StatefulSetObj, pod: PodObj): Promise<void> {
    await this.createMissingClaims(set, pod);
    try {
      await this.#api.create(podRef(set.metadata.namespace), pod);
    } catch (err) {
      // Our cache was stale: the pod is there, the next pass sees it.
      if (isStatusError(err) && err.reason === 'AlreadyExists') return;
      this.#podEvent('create', set, pod, err);
      throw err;
    }
    this.#podEvent('create', set, pod);
  }

  async createMissingClaims(set: StatefulSetObj, pod: PodObj): Promise<void> {
    const whenDeleted = set.spec?.persistentVolumeClaimRetentionPolicy?.whenDeleted ?? 'Retain';
    for (const claim of claimsFor(set, getOrdinal(pod))) {
      if (this.#claims.get(claim.metadata.namespace, claim.metadata.name!)) continue;
      if (whenDeleted === 'Delete') claim.metadata.ownerReferences = [ownerRef(set)];
      try {
        await this.#api.create(claimRef(set.metadata.namespace), claim);
      } catch (err) {
        if (isStatusError(err) && err.reason === 'AlreadyExists') continue;
        this.#claimEvent(set, pod, claim, err);
        throw err;
      }
      this.#claimEvent(set, pod, claim);
    }
  }

  async updatePod(set: StatefulSetObj, pod: PodObj): Promise<void> {
    const body = deepCopy(pod);
    updateIdentity(set, body);
    updateStorage(set, body);
    if (JSON.stringify(body.spec?.volumes) !== JSON.stringify(pod.spec?.volumes)) {
      await this.createMissingClaims(set, body);
    }
    try {
      await this.#api.update(podRef(set.metadata.namespace, pod.metadata.name), body);
    } catch (err) {
      if (isNotFound(err) || (isStatusError(err) && err.code === 409)) return;
      this.#podEvent('update', set, pod, err);
      throw err;
    }
    this.#podEvent('update', set, pod);
  }

  async deletePod(set: StatefulSetObj, pod: PodObj): Promise<void> {
    try {
      await this.#api.delete(podRef(set.metadata.namespace, pod.metadata.name));
    } catch (err) {
      if (isNotFound(err)) return;
      this.#podEvent('delete', set, pod, err);
      throw err;
    }
    this.#podEvent('delete', set, pod);
  }

  async condemnClaims(set: StatefulSetObj, pod: PodObj): Promise<void> {
    if (set.spec?.persistentVolumeClaimRetentionPolicy?.whenScaled !== 'Delete') return;
    for (const want of claimsFor(set, getOrdinal(pod))) {
      const claim = this.#claims.get(want.metadata.namespace, want.metadata.name!);
      if (!claim) continue;
      const refs = claim.metadata.ownerReferences ?? [];
      if (refs.some((r) => r.uid === pod.metadata.uid)) continue;
      try {
        await this.#api.patch(claimRef(set.metadata.namespace, claim.metadata.name), 'merge', {
          metadata: { ownerReferences: [...refs, ownerRef(pod)] },
        });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }

  /** recordPodEvent: `<verb> Pod <pod> in StatefulSet <set> successful|failed error: …`. */
  #podEvent(verb: string, set: StatefulSetObj, pod: PodObj, err?: unknown): void {
    const title = verb[0].toUpperCase() + verb.slice(1);
    if (err === undefined) {
      void this.#recorder.event(
        set,
        'Normal',
        `Successful${title}`,
        `${verb} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`,
      );
    } else {
      void this.#recorder.event(
        set,
        'Warning',
        `Failed${title}`,
        `${verb} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${(err as Error).message}`,
      );
    }
  }

  /** recordClaimEvent: `create Claim <claim> Pod <pod> in StatefulSet <set> success|failed error: …`. */
  #claimEvent(set: StatefulSetObj, pod: PodObj, claim: KubeObject, err?: unknown): void {
    const what = `create Claim ${claim.metadata.name} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name}`;
    if (err === undefined) void this.#recorder.event(set, 'Normal', 'SuccessfulCreate', `${what} success`);
    else void this.#recorder.event(set, 'Warning', 'FailedCreate', `${what} failed error: ${(err as Error).message}`);
  }
}
