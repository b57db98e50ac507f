// The ReplicaSet controller (pkg/controller/replicaset/replica_set.go): keeps `spec.replicas`
// pods matching the selector, adopting orphans and releasing pods that stop matching, creating
// in slow-start batches and deleting the cheapest pods first; then writes the status.
//
// Handlers map pods to their controlling ReplicaSet (or, for orphans, to every ReplicaSet that
// selects them) and enqueue `namespace/name`; expectations hold a ReplicaSet back while its own
// creates and deletes are still in flight.
import type { ReplicaSet } from 'kubernetes-types/apps/v1';
import type { KubeObject } from '../../api/types.js';
import { selectorFromLabelSelector, type Selector } from '../../api/selectors/index.js';
import { isStatusError } from '../../api/errors.js';
import { Controller } from '../framework/controller.js';
import { ControllerExpectations } from '../framework/expectations.js';
import { keyOf, splitKey, type Informer } from '../framework/informer.js';
import {
  INDEX_CONTROLLER_UID,
  INDEX_ORPHANS,
  PODS,
  REPLICA_SETS,
  type ControllerContext,
  type Recorder,
} from '../framework/context.js';
import {
  byControllerUid,
  claimObjects,
  controllerOf,
  isNotFound,
  isPodActive,
  isPodReady,
  orphansByNamespace,
  writeStatus,
} from '../framework/util.js';
import { podFromTemplate, slowStartBatch } from './pod-control.js';
import { getPodsToDelete } from './pod-ranking.js';
import { calculateStatus, compactStatus, nextAvailableIn } from './status.js';

/** BurstReplicas: at most this many creates or deletes per sync. */
export const BURST_REPLICAS = 500;

const selectorCache = new WeakMap<KubeObject, Selector>();

/** The parsed selector of a workload object (cached per stored version). */
export function selectorOf(obj: KubeObject): Selector {
  let s = selectorCache.get(obj);
  if (!s) {
    s = selectorFromLabelSelector((obj.spec as { selector?: never } | undefined)?.selector);
    selectorCache.set(obj, s);
  }
  return s;
}

export class ReplicaSetController extends Controller {
  readonly expectations: ControllerExpectations;
  #ctx: ControllerContext;
  #rsInformer: Informer;
  #podInformer: Informer;
  #recorder: Recorder;

  constructor(ctx: ControllerContext) {
    super('replicaset-controller', ctx.clock, { workers: ctx.workers });
    this.#ctx = ctx;
    this.#recorder = ctx.recorder('replicaset-controller');
    this.expectations = new ControllerExpectations(ctx.clock);
    this.#rsInformer = ctx.informers.informer(REPLICA_SETS, { [INDEX_CONTROLLER_UID]: byControllerUid });
    this.#podInformer = ctx.informers.informer(PODS, {
      [INDEX_CONTROLLER_UID]: byControllerUid,
      [INDEX_ORPHANS]: orphansByNamespace,
    });
    this.#rsInformer.addEventHandler({
      onAdd: (rs) => this.enqueue(keyOf(rs)),
      onUpdate: (_old, rs) => this.enqueue(keyOf(rs)),
      onDelete: (rs) => {
        this.expectations.delete(keyOf(rs));
        this.enqueue(keyOf(rs));
      },
    });
    this.#podInformer.addEventHandler({
      onAdd: (pod) => this.#addPod(pod),
      onUpdate: (old, pod) => this.#updatePod(old, pod),
      onDelete: (pod) => this.#deletePod(pod),
    });
  }

  // --- event handlers: map a pod to ReplicaSet keys, nothing else -----------------------------

  #resolveControllerRef(pod: KubeObject): KubeObject | undefined {
    const ref = controllerOf(pod);
    if (!ref || ref.kind !== 'ReplicaSet') return undefined;
    const rs = this.#rsInformer.get(pod.metadata.namespace, ref.name);
    return rs?.metadata.uid === ref.uid ? rs : undefined;
  }

  /** ReplicaSets whose selector matches an orphan pod (getPodReplicaSets). */
  #replicaSetsSelecting(pod: KubeObject): KubeObject[] {
    return this.#rsInformer.list(pod.metadata.namespace).filter((rs) => {
      const sel = selectorOf(rs);
      return !sel.empty && sel.matches(pod.metadata.labels);
    });
  }

  #addPod(pod: KubeObject): void {
    if (pod.metadata.deletionTimestamp) return this.#deletePod(pod);
    if (controllerOf(pod)) {
      const rs = this.#resolveControllerRef(pod);
      if (!rs) return;
      this.expectations.creationObserved(keyOf(rs));
      this.enqueue(keyOf(rs));
      return;
    }
    for (const rs of this.#replicaSetsSelecting(pod)) this.enqueue(keyOf(rs));
  }

  #updatePod(old: KubeObject, pod: KubeObject): void {
    const labelsChanged = JSON.stringify(old.metadata.labels ?? {}) !== JSON.stringify(pod.metadata.labels ?? {});
    if (pod.metadata.deletionTimestamp) {
      this.#deletePod(pod);
      if (labelsChanged) this.#deletePod(old);
      return;
    }
    const oldRef = controllerOf(old);
    const curRef = controllerOf(pod);
    const refChanged = oldRef?.uid !== curRef?.uid;
    if (refChanged && oldRef) {
      const oldRs = this.#resolveControllerRef(old);
      if (oldRs) this.enqueue(keyOf(oldRs));
    }
    if (curRef) {
      const rs = this.#resolveControllerRef(pod);
      if (!rs) return;
      this.enqueue(keyOf(rs));
      // A pod that just turned ready becomes available minReadySeconds later: look again then.
      const minReady = (rs as ReplicaSet).spec?.minReadySeconds ?? 0;
      if (!isPodReady(old) && isPodReady(pod) && minReady > 0) this.enqueueAfter(keyOf(rs), minReady * 1000 + 1000);
      return;
    }
    if (labelsChanged || refChanged) for (const rs of this.#replicaSetsSelecting(pod)) this.enqueue(keyOf(rs));
  }

  #deletePod(pod: KubeObject): void {
    const rs = this.#resolveControllerRef(pod);
    if (!rs) return;
    const key = keyOf(rs);
    this.expectations.deletionObserved(key, pod.metadata.uid!);
    this.enqueue(key);
  }

  // --- sync ---------------------------------------------------------------------------------

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const rs = this.#rsInformer.get(namespace, name);
    if (!rs) {
      this.expectations.delete(key);
      return;
    }
    const needsSync = this.expectations.satisfied(key);
    const selector = selectorOf(rs);
    const candidates = new Map<string, KubeObject>();
    for (const p of this.#podInformer.byIndex(INDEX_CONTROLLER_UID, rs.metadata.uid!)) candidates.set(keyOf(p), p);
    for (const p of this.#podInformer.byIndex(INDEX_ORPHANS, namespace)) candidates.set(keyOf(p), p);
    const active = [...candidates.values()].filter(isPodActive);
    const filteredPods = await claimObjects(active, {
      api: this.#ctx.api,
      owner: rs,
      selector,
      refOf: (p) => ({ group: '', resource: 'pods', namespace, name: p.metadata.name }),
      ownerStillValid: () => {
        const fresh = this.#ctx.api.store.get(`apps/replicasets/${namespace}/${name}`);
        return fresh?.metadata.uid === rs.metadata.uid && !fresh?.metadata.deletionTimestamp;
      },
    });

    let manageErr: unknown;
    if (needsSync && !rs.metadata.deletionTimestamp) {
      try {
        await this.#manageReplicas(key, filteredPods, rs);
      } catch (err) {
        manageErr = err;
      }
    }
    const now = this.clock.now();
    const status = calculateStatus(rs, filteredPods, manageErr, now);
    await this.#updateStatus(rs, status);
    if (manageErr) throw manageErr;
    const spec = (rs as ReplicaSet).spec!;
    if (spec.minReadySeconds) {
      const wait = nextAvailableIn(filteredPods, spec.minReadySeconds, now);
      if (wait !== undefined) this.enqueueAfter(key, wait);
    }
  }

  /** Create or delete pods so that `filteredPods` approaches `spec.replicas`. */
  async #manageReplicas(key: string, filteredPods: KubeObject[], rs: KubeObject): Promise<void> {
    const spec = (rs as ReplicaSet).spec!;
    const want = spec.replicas ?? 1;
    let diff = filteredPods.length - want;
    if (diff < 0) {
      diff = Math.min(-diff, BURST_REPLICAS);
      this.expectations.expectCreations(key, diff);
      const { successes, error } = await slowStartBatch(diff, 1, () => this.#createPod(rs));
      const skipped = diff - successes;
      if (skipped > 0) this.expectations.lowerCreations(key, skipped);
      if (error) throw error;
      return;
    }
    if (diff > 0) {
      diff = Math.min(diff, BURST_REPLICAS);
      const doomed = getPodsToDelete(filteredPods, this.#relatedPods(rs), diff, this.clock.now());
      this.expectations.expectDeletions(
        key,
        doomed.map((p) => p.metadata.uid!),
      );
      const results = await Promise.allSettled(doomed.map((p) => this.#deletePodOf(rs, p)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
  }

  async #createPod(rs: KubeObject): Promise<void> {
    const template = (rs as ReplicaSet).spec!.template!;
    let created: KubeObject;
    try {
      created = await this.#ctx.api.create(
        { group: '', resource: 'pods', namespace: rs.metadata.namespace },
        podFromTemplate(template, rs),
      );
    } catch (err) {
      // A terminating namespace refuses every create; that is not the ReplicaSet's failure.
      if (isStatusError(err) && err.code === 403 && /being terminated/.test(err.message)) return;
      void this.#recorder.event(rs, 'Warning', 'FailedCreate', `Error creating: ${(err as Error).message}`);
      throw err;
    }
    void this.#recorder.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
  }

  async #deletePodOf(rs: KubeObject, pod: KubeObject): Promise<void> {
    const key = keyOf(rs);
    try {
      await this.#ctx.api.delete({
        group: '',
        resource: 'pods',
        namespace: pod.metadata.namespace,
        name: pod.metadata.name,
      });
    } catch (err) {
      // The informer will never report this deletion: stop waiting for it.
      this.expectations.deletionObserved(key, pod.metadata.uid!);
      if (isNotFound(err)) return;
      void this.#recorder.event(rs, 'Warning', 'FailedDelete', `Error deleting: ${(err as Error).message}`);
      throw err;
    }
    void this.#recorder.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
  }

  /** Pods of every ReplicaSet with the same controller as `rs` (getIndirectlyRelatedPods). */
  #relatedPods(rs: KubeObject): KubeObject[] {
    const owner = controllerOf(rs);
    const family = owner ? this.#rsInformer.byIndex(INDEX_CONTROLLER_UID, owner.uid) : [rs];
    const out: KubeObject[] = [];
    for (const r of family) out.push(...this.#podInformer.byIndex(INDEX_CONTROLLER_UID, r.metadata.uid!));
    return out;
  }

  /** updateReplicaSetStatus: write only when something changed; one retry on a stale read. */
  async #updateStatus(rs: KubeObject, status: ReturnType<typeof calculateStatus>): Promise<void> {
    const next = compactStatus({ ...status, observedGeneration: rs.metadata.generation ?? 0 });
    await writeStatus(this.#ctx.api, 'apps', 'replicasets', rs, next);
  }
}
