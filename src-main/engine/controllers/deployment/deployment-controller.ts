// The Deployment controller (pkg/controller/deployment/deployment_controller.go): wiring, event
// handlers and the sync entry point. Handlers map ReplicaSets (by controller reference, or for
// orphans by selector) and deleted pods (for Recreate) to a `namespace/name` key; syncDeployment
// re-reads everything from the informer caches, so it is safe to run at any time.
import type { KubeObject } from '../../api/types.js';
import { deepCopy } from '../../api/types.js';
import { Controller } from '../framework/controller.js';
import { keyOf, splitKey, type Informer } from '../framework/informer.js';
import {
  DEPLOYMENTS,
  INDEX_CONTROLLER_UID,
  INDEX_ORPHANS,
  PODS,
  REPLICA_SETS,
  type ControllerContext,
  type Recorder,
} from '../framework/context.js';
import { byControllerUid, claimObjects, controllerOf, orphansByNamespace } from '../framework/util.js';
import { selectorOf } from '../replicaset/replicaset-controller.js';
import { checkPausedConditions } from './progress.js';
import { rolloutRecreate } from './recreate.js';
import { rolloutRolling } from './rolling.js';
import { isScalingEvent, syncScaling, syncStatusOnly, updateDeploymentStatus, type DeploymentRuntime } from './sync.js';
import type { DeploymentObj, ReplicaSetObj } from './util.js';

export class DeploymentController extends Controller {
  #ctx: ControllerContext;
  #dInformer: Informer;
  #rsInformer: Informer;
  #podInformer: Informer;
  #recorder: Recorder;
  #runtime: DeploymentRuntime;

  constructor(ctx: ControllerContext) {
    super('deployment-controller', ctx.clock, { workers: ctx.workers });
    this.#ctx = ctx;
    this.#recorder = ctx.recorder('deployment-controller');
    this.#dInformer = ctx.informers.informer(DEPLOYMENTS);
    this.#rsInformer = ctx.informers.informer(REPLICA_SETS, {
      [INDEX_CONTROLLER_UID]: byControllerUid,
      [INDEX_ORPHANS]: orphansByNamespace,
    });
    this.#podInformer = ctx.informers.informer(PODS, { [INDEX_CONTROLLER_UID]: byControllerUid });
    this.#runtime = {
      api: ctx.api,
      clock: ctx.clock,
      recorder: this.#recorder,
      rsLister: this.#rsInformer,
      enqueueAfter: (key, ms) => this.enqueueAfter(key, ms),
      enqueueRateLimited: (key) => this.queue.addRateLimited(key),
    };
    this.#dInformer.addEventHandler({
      onAdd: (d) => this.enqueue(keyOf(d)),
      onUpdate: (_old, d) => this.enqueue(keyOf(d)),
      onDelete: (d) => this.enqueue(keyOf(d)),
    });
    this.#rsInformer.addEventHandler({
      onAdd: (rs) => this.#addReplicaSet(rs),
      onUpdate: (old, rs) => this.#updateReplicaSet(old, rs),
      onDelete: (rs) => this.#deleteReplicaSet(rs),
    });
    this.#podInformer.addEventHandler({ onDelete: (pod) => this.#deletePod(pod) });
  }

  // --- event handlers -----------------------------------------------------------------------

  #resolveControllerRef(namespace: string | undefined, obj: KubeObject): KubeObject | undefined {
    const ref = controllerOf(obj);
    if (!ref || ref.kind !== 'Deployment') return undefined;
    const d = this.#dInformer.get(namespace, ref.name);
    return d?.metadata.uid === ref.uid ? d : undefined;
  }

  /** Deployments whose selector matches an orphan ReplicaSet (getDeploymentsForReplicaSet). */
  #deploymentsSelecting(rs: KubeObject): KubeObject[] {
    return this.#dInformer.list(rs.metadata.namespace).filter((d) => {
      const sel = selectorOf(d);
      return !sel.empty && sel.matches(rs.metadata.labels);
    });
  }

  #addReplicaSet(rs: KubeObject): void {
    if (rs.metadata.deletionTimestamp) return this.#deleteReplicaSet(rs);
    if (controllerOf(rs)) {
      const d = this.#resolveControllerRef(rs.metadata.namespace, rs);
      if (d) this.enqueue(keyOf(d));
      return;
    }
    for (const d of this.#deploymentsSelecting(rs)) this.enqueue(keyOf(d));
  }

  #updateReplicaSet(old: KubeObject, rs: KubeObject): void {
    const oldRef = controllerOf(old);
    const curRef = controllerOf(rs);
    const refChanged = oldRef?.uid !== curRef?.uid;
    if (refChanged && oldRef) {
      const d = this.#resolveControllerRef(old.metadata.namespace, old);
      if (d) this.enqueue(keyOf(d));
    }
    if (curRef) {
      const d = this.#resolveControllerRef(rs.metadata.namespace, rs);
      if (d) this.enqueue(keyOf(d));
      return;
    }
    const labelsChanged = JSON.stringify(old.metadata.labels ?? {}) !== JSON.stringify(rs.metadata.labels ?? {});
    if (labelsChanged || refChanged) for (const d of this.#deploymentsSelecting(rs)) this.enqueue(keyOf(d));
  }

  #deleteReplicaSet(rs: KubeObject): void {
    const d = this.#resolveControllerRef(rs.metadata.namespace, rs);
    if (d) this.enqueue(keyOf(d));
  }

  /** A Recreate rollout waits for the last old pod to go; its deletion is the signal. */
  #deletePod(pod: KubeObject): void {
    const ref = controllerOf(pod);
    if (!ref || ref.kind !== 'ReplicaSet') return;
    const rs = this.#rsInformer.get(pod.metadata.namespace, ref.name);
    if (!rs || rs.metadata.uid !== ref.uid) return;
    const d = this.#resolveControllerRef(rs.metadata.namespace, rs) as DeploymentObj | undefined;
    if (d && d.spec.strategy?.type === 'Recreate') this.enqueue(keyOf(d));
  }

  // --- sync ---------------------------------------------------------------------------------

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const cached = this.#dInformer.get(namespace, name);
    if (!cached) return;
    const d = deepCopy(cached) as DeploymentObj;
    const dc = this.#runtime;
    const selector = selectorOf(cached);
    if (selector.empty) {
      void this.#recorder.event(
        d,
        'Warning',
        'SelectingAll',
        'This deployment is selecting all pods. A non-empty selector is required.',
      );
      if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
        d.status = { ...(d.status ?? {}), observedGeneration: d.metadata.generation };
        await updateDeploymentStatus(dc, d);
      }
      return;
    }
    const rsList = await this.#getReplicaSetsForDeployment(d);
    const podMap = this.#getPodMapForDeployment(d, rsList);
    if (d.metadata.deletionTimestamp) return syncStatusOnly(dc, d, rsList);
    await checkPausedConditions(dc, d);
    if (d.spec.paused) return syncScaling(dc, d, rsList);
    if (await isScalingEvent(dc, d, rsList)) return syncScaling(dc, d, rsList);
    if (d.spec.strategy?.type === 'Recreate') return rolloutRecreate(dc, d, rsList, podMap);
    return rolloutRolling(dc, d, rsList);
  }

  /** getReplicaSetsForDeployment: owned ReplicaSets, adopting and releasing by selector. */
  async #getReplicaSetsForDeployment(d: DeploymentObj): Promise<ReplicaSetObj[]> {
    const ns = d.metadata.namespace!;
    const candidates = new Map<string, KubeObject>();
    for (const rs of this.#rsInformer.byIndex(INDEX_CONTROLLER_UID, d.metadata.uid!)) candidates.set(keyOf(rs), rs);
    for (const rs of this.#rsInformer.byIndex(INDEX_ORPHANS, ns)) candidates.set(keyOf(rs), rs);
    const claimed = await claimObjects([...candidates.values()], {
      api: this.#ctx.api,
      owner: d,
      selector: selectorOf(this.#dInformer.get(ns, d.metadata.name!) ?? d),
      refOf: (rs) => ({ group: 'apps', resource: 'replicasets', namespace: ns, name: rs.metadata.name }),
      ownerStillValid: () => {
        const fresh = this.#ctx.api.store.get(`apps/deployments/${ns}/${d.metadata.name}`);
        return fresh?.metadata.uid === d.metadata.uid && !fresh?.metadata.deletionTimestamp;
      },
    });
    return claimed as ReplicaSetObj[];
  }

  /** Pods of the Deployment's ReplicaSets, by ReplicaSet uid (getPodMapForDeployment). */
  #getPodMapForDeployment(d: DeploymentObj, rsList: ReplicaSetObj[]): Map<string, KubeObject[]> {
    const selector = selectorOf(this.#dInformer.get(d.metadata.namespace, d.metadata.name!) ?? d);
    const map = new Map<string, KubeObject[]>();
    for (const rs of rsList) {
      const uid = rs.metadata.uid!;
      map.set(
        uid,
        this.#podInformer.byIndex(INDEX_CONTROLLER_UID, uid).filter((p) => selector.matches(p.metadata.labels)),
      );
    }
    return map;
  }
}
