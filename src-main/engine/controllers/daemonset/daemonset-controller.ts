// The DaemonSet controller (pkg/controller/daemon/daemon_controller.go): one pod per eligible
// node, pinned by required node affinity so the scheduler still binds it; RollingUpdate or
// OnDelete when the template changes; ControllerRevisions for `kubectl rollout history|undo`.
//
// Handlers only enqueue keys: pods map to their controlling DaemonSet (orphans to every DaemonSet
// selecting them), nodes and revisions to the DaemonSets they may concern. `sync` re-reads the
// caches, so it can run at any time; expectations hold a DaemonSet back while its own creates
// and deletes are in flight.
import type { PodTemplateSpec } from 'kubernetes-types/core/v1';
import type { KubeObject } from '../../api/types.js';
import { isStatusError } from '../../api/errors.js';
import { Controller } from '../framework/controller.js';
import { ControllerExpectations } from '../framework/expectations.js';
import { keyOf, splitKey, type Informer } from '../framework/informer.js';
import {
  INDEX_CONTROLLER_UID,
  INDEX_ORPHANS,
  NODES,
  PODS,
  type ControllerContext,
  type Recorder,
} from '../framework/context.js';
import {
  byControllerUid,
  claimObjects,
  controllerOf,
  isNotFound,
  isPodReady,
  orphansByNamespace,
  writeStatus,
} from '../framework/util.js';
import { selectorOf } from '../replicaset/replicaset-controller.js';
import { slowStartBatch } from '../replicaset/pod-control.js';
import {
  CONTROLLER_REVISIONS,
  CONTROLLER_REVISION_HASH_LABEL,
  type RevisionObj,
} from '../history/controller-revision.js';
import { daemonPodTemplate, newDaemonPod, type DaemonSetObj } from './eligibility.js';
import { cleanupHistory, constructHistory } from './history.js';
import { groupByNode, planPlacement } from './placement.js';
import { planRollingUpdate } from './rolling-update.js';
import { calculateStatus } from './status.js';

export const DAEMON_SETS = 'apps/daemonsets';
/** BurstReplicas: at most this many creates per sync, as upstream. */
export const DAEMON_BURST_REPLICAS = 250;

export class DaemonSetController extends Controller {
  /** Creates in flight (separate from deletes: one pass may issue both). */
  readonly createExpectations: ControllerExpectations;
  readonly deleteExpectations: ControllerExpectations;
  #ctx: ControllerContext;
  #dsInformer: Informer;
  #podInformer: Informer;
  #nodeInformer: Informer;
  #revInformer: Informer;
  #recorder: Recorder;

  constructor(ctx: ControllerContext) {
    super('daemonset-controller', ctx.clock, { workers: ctx.workers });
    this.#ctx = ctx;
    this.#recorder = ctx.recorder('daemonset-controller');
    this.createExpectations = new ControllerExpectations(ctx.clock);
    this.deleteExpectations = new ControllerExpectations(ctx.clock);
    this.#dsInformer = ctx.informers.informer(DAEMON_SETS);
    this.#podInformer = ctx.informers.informer(PODS, {
      [INDEX_CONTROLLER_UID]: byControllerUid,
      [INDEX_ORPHANS]: orphansByNamespace,
    });
    this.#nodeInformer = ctx.informers.informer(NODES);
    this.#revInformer = ctx.informers.informer(CONTROLLER_REVISIONS, {
      [INDEX_CONTROLLER_UID]: byControllerUid,
      [INDEX_ORPHANS]: orphansByNamespace,
    });
    this.#dsInformer.addEventHandler({
      onAdd: (ds) => this.enqueue(keyOf(ds)),
      onUpdate: (_old, ds) => this.enqueue(keyOf(ds)),
      onDelete: (ds) => {
        this.createExpectations.delete(keyOf(ds));
        this.deleteExpectations.delete(keyOf(ds));
        this.enqueue(keyOf(ds));
      },
    });
    this.#podInformer.addEventHandler({
      onAdd: (pod) => this.#addPod(pod),
      onUpdate: (old, pod) => this.#updatePod(old, pod),
      onDelete: (pod) => this.#deletePod(pod),
    });
    this.#nodeInformer.addEventHandler({
      onAdd: () => this.#enqueueAll(),
      onUpdate: (old, node) => {
        if (JSON.stringify([old.metadata.labels, old.spec]) !== JSON.stringify([node.metadata.labels, node.spec])) {
          this.#enqueueAll();
        }
      },
      onDelete: () => this.#enqueueAll(),
    });
    const onRevision = (rev: KubeObject) => {
      const ds = this.#resolveControllerRef(rev);
      if (ds) this.enqueue(keyOf(ds));
    };
    this.#revInformer.addEventHandler({ onAdd: onRevision, onUpdate: (_o, r) => onRevision(r), onDelete: onRevision });
  }

  // --- event handlers: map objects to DaemonSet keys, nothing else --------------------------

  #enqueueAll(): void {
    for (const ds of this.#dsInformer.list()) this.enqueue(keyOf(ds));
  }

  #resolveControllerRef(obj: KubeObject): KubeObject | undefined {
    const ref = controllerOf(obj);
    if (!ref || ref.kind !== 'DaemonSet') return undefined;
    const ds = this.#dsInformer.get(obj.metadata.namespace, ref.name);
    return ds?.metadata.uid === ref.uid ? ds : undefined;
  }

  #daemonSetsSelecting(pod: KubeObject): KubeObject[] {
    return this.#dsInformer.list(pod.metadata.namespace).filter((ds) => {
      const sel = selectorOf(ds);
      return !sel.empty && sel.matches(pod.metadata.labels);
    });
  }

  #addPod(pod: KubeObject): void {
    if (pod.metadata.deletionTimestamp) return this.#deletePod(pod);
    if (controllerOf(pod)) {
      const ds = this.#resolveControllerRef(pod);
      if (!ds) return;
      this.createExpectations.creationObserved(keyOf(ds));
      this.enqueue(keyOf(ds));
      return;
    }
    for (const ds of this.#daemonSetsSelecting(pod)) this.enqueue(keyOf(ds));
  }

  #updatePod(old: KubeObject, pod: KubeObject): void {
    if (pod.metadata.deletionTimestamp) {
      this.#deletePod(pod);
      return;
    }
    const oldDs = this.#resolveControllerRef(old);
    const ds = this.#resolveControllerRef(pod);
    if (oldDs && oldDs !== ds) this.enqueue(keyOf(oldDs));
    if (ds) {
      this.enqueue(keyOf(ds));
      // A pod that just turned ready becomes available minReadySeconds later: look again then.
      const minReady = (ds as DaemonSetObj).spec?.minReadySeconds ?? 0;
      if (!isPodReady(old) && isPodReady(pod) && minReady > 0) this.enqueueAfter(keyOf(ds), minReady * 1000 + 1000);
      return;
    }
    if (!controllerOf(pod)) for (const d of this.#daemonSetsSelecting(pod)) this.enqueue(keyOf(d));
  }

  #deletePod(pod: KubeObject): void {
    const ds = this.#resolveControllerRef(pod);
    if (!ds) return;
    this.deleteExpectations.deletionObserved(keyOf(ds), pod.metadata.uid!);
    this.enqueue(keyOf(ds));
  }

  // --- sync ---------------------------------------------------------------------------------

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const ds = this.#dsInformer.get(namespace, name) as DaemonSetObj | undefined;
    if (!ds) {
      this.createExpectations.delete(key);
      this.deleteExpectations.delete(key);
      return;
    }
    // A DaemonSet being deleted is left to the garbage collector, as upstream.
    if (ds.metadata.deletionTimestamp) return;
    const nodes = this.#nodeInformer.list();
    const pods = await this.#claim(ds, this.#podInformer, 'pods', '');
    const revisions = (await this.#claim(ds, this.#revInformer, 'controllerrevisions', 'apps')) as RevisionObj[];
    const { old, hash } = await constructHistory(this.#ctx.api, ds, revisions, (from, to) =>
      this.#relabelPods(pods, from, to),
    );
    const now = this.clock.now();
    let byNode = groupByNode(pods);
    if (this.#satisfied(key)) {
      const plan = planPlacement(ds, nodes, byNode, hash, now);
      await this.#syncNodes(key, ds, plan.podsToDelete, plan.nodesNeedingPods, hash);
      const strategy = ds.spec?.updateStrategy?.type ?? 'RollingUpdate';
      if (strategy === 'RollingUpdate' && this.#satisfied(key)) {
        const rolling = planRollingUpdate(ds, nodes, byNode, hash, now);
        await this.#syncNodes(key, ds, rolling.podsToDelete, rolling.nodesToSurge, hash);
      }
      const live = new Set<string>();
      for (const p of pods) {
        const h = p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL];
        if (h) live.add(h);
      }
      await cleanupHistory(this.#ctx.api, old, live, ds.spec?.revisionHistoryLimit ?? 10);
      byNode = groupByNode(this.#podInformer.byIndex(INDEX_CONTROLLER_UID, ds.metadata.uid!));
    }
    await this.#updateStatus(ds, calculateStatus(ds, nodes, byNode, hash, now));
    const minReady = ds.spec?.minReadySeconds ?? 0;
    const st = ds.status;
    if (minReady > 0 && (st?.numberReady ?? 0) !== (st?.numberAvailable ?? 0)) this.enqueueAfter(key, minReady * 1000);
  }

  #satisfied(key: string): boolean {
    return this.createExpectations.satisfied(key) && this.deleteExpectations.satisfied(key);
  }

  /** ClaimPods / ClaimControllerRevisions: what this DaemonSet controls or may adopt. */
  async #claim(ds: KubeObject, informer: Informer, resource: string, group: string): Promise<KubeObject[]> {
    const { namespace, name, uid } = ds.metadata;
    const candidates = new Map<string, KubeObject>();
    for (const o of informer.byIndex(INDEX_CONTROLLER_UID, uid!)) candidates.set(keyOf(o), o);
    for (const o of informer.byIndex(INDEX_ORPHANS, namespace ?? '')) candidates.set(keyOf(o), o);
    return claimObjects([...candidates.values()], {
      api: this.#ctx.api,
      owner: ds,
      selector: selectorOf(ds),
      refOf: (o) => ({ group, resource, namespace, name: o.metadata.name }),
      ownerStillValid: () => {
        const fresh = this.#ctx.api.store.get(`${DAEMON_SETS}/${namespace}/${name}`);
        return fresh?.metadata.uid === uid && !fresh?.metadata.deletionTimestamp;
      },
    });
  }

  /** syncNodes: create daemon pods (slow start) and delete pods, under expectations. */
  async #syncNodes(
    key: string,
    ds: DaemonSetObj,
    podsToDelete: readonly KubeObject[],
    nodesNeedingPods: readonly string[],
    hash: string,
  ): Promise<void> {
    const nodes = nodesNeedingPods.slice(0, DAEMON_BURST_REPLICAS);
    this.createExpectations.expectCreations(key, nodes.length);
    this.deleteExpectations.expectDeletions(
      key,
      podsToDelete.map((p) => p.metadata.uid!),
    );
    const template = daemonPodTemplate(ds, hash);
    let next = 0;
    const created = slowStartBatch(nodes.length, 1, () => this.#createPod(ds, template, nodes[next++]));
    const deleted = Promise.allSettled(podsToDelete.map((p) => this.#deletePodOf(key, ds, p)));
    const [{ successes, error }, results] = await Promise.all([created, deleted]);
    if (nodes.length - successes > 0) this.createExpectations.lowerCreations(key, nodes.length - successes);
    if (error) throw error;
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  async #createPod(ds: DaemonSetObj, template: PodTemplateSpec, node: string): Promise<void> {
    let created: KubeObject;
    try {
      created = await this.#ctx.api.create(
        { group: '', resource: 'pods', namespace: ds.metadata.namespace },
        newDaemonPod(ds, template, node),
      );
    } catch (err) {
      if (isStatusError(err) && err.code === 403 && /being terminated/.test(err.message)) return;
      void this.#recorder.event(ds, 'Warning', 'FailedCreate', `Error creating: ${(err as Error).message}`);
      throw err;
    }
    void this.#recorder.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
  }

  async #deletePodOf(key: string, ds: KubeObject, pod: KubeObject): Promise<void> {
    try {
      await this.#ctx.api.delete({
        group: '',
        resource: 'pods',
        namespace: pod.metadata.namespace,
        name: pod.metadata.name,
      });
    } catch (err) {
      // The informer will never report this deletion: stop waiting for it.
      this.deleteExpectations.deletionObserved(key, pod.metadata.uid!);
      if (isNotFound(err)) return;
      void this.#recorder.event(ds, 'Warning', 'FailedDelete', `Error deleting: ${(err as Error).message}`);
      throw err;
    }
    void this.#recorder.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
  }

  /** dedupCurHistories' pod side: move pods from a duplicate revision's hash to the kept one. */
  async #relabelPods(pods: readonly KubeObject[], from: string, to: string): Promise<void> {
    for (const pod of pods) {
      if (pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] !== from) continue;
      try {
        await this.#ctx.api.patch(
          { group: '', resource: 'pods', namespace: pod.metadata.namespace, name: pod.metadata.name },
          'merge',
          { metadata: { labels: { [CONTROLLER_REVISION_HASH_LABEL]: to } } },
        );
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }

  /** storeDaemonSetStatus: write only when something changed; one retry on a stale read. */
  async #updateStatus(ds: KubeObject, status: unknown): Promise<void> {
    await writeStatus(this.#ctx.api, 'apps', 'daemonsets', ds, status);
  }
}
