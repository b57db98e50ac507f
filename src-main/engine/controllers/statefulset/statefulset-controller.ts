// The StatefulSet controller (pkg/controller/statefulset/stateful_set.go and the revision and
// status parts of stateful_set_control.go): wiring, event handlers and the sync entry point.
//
// Handlers map pods and revisions to their controlling StatefulSet (orphan pods to the sets that
// select them) and enqueue `namespace/name`. `sync` re-reads the caches, settles which revision
// is current and which is the update, runs one pass of the update algorithm and writes status.
// Pod names are deterministic, so a stale cache costs an AlreadyExists, never a duplicate pod:
// upstream needs no expectations here, and neither do we.
import type { StatefulSetStatus } from 'kubernetes-types/apps/v1';
import type { KubeObject } from '../../api/types.js';
import { Controller } from '../framework/controller.js';
import { keyOf, splitKey, type Informer } from '../framework/informer.js';
import {
  INDEX_CONTROLLER_UID,
  INDEX_ORPHANS,
  PODS,
  type ControllerContext,
  type Recorder,
} from '../framework/context.js';
import {
  byControllerUid,
  claimObjects,
  controllerOf,
  isPodReady,
  orphansByNamespace,
  writeStatus,
} from '../framework/util.js';
import { selectorOf } from '../replicaset/replicaset-controller.js';
import {
  CONTROLLER_REVISIONS,
  createControllerRevision,
  equalRevision,
  findEqualRevisions,
  hashRevisionData,
  newControllerRevision,
  nextRevision,
  sortRevisions,
  templatePatch,
  truncateHistory,
  updateRevisionNumber,
  type RevisionObj,
} from '../history/controller-revision.js';
import { RealStatefulPodControl } from './stateful-pod-control.js';
import { completeRollingUpdate, updateStatefulSet, type Revisions } from './stateful-set-control.js';
import { isMemberOf, podRevision, templateAt, type PodObj, type StatefulSetObj } from './stateful-set-utils.js';

export const STATEFUL_SETS = 'apps/statefulsets';
export const PERSISTENT_VOLUME_CLAIMS = '/persistentvolumeclaims';

export class StatefulSetController extends Controller {
  #ctx: ControllerContext;
  #setInformer: Informer;
  #podInformer: Informer;
  #revInformer: Informer;
  #recorder: Recorder;
  #podControl: RealStatefulPodControl;

  constructor(ctx: ControllerContext) {
    super('statefulset-controller', ctx.clock, { workers: ctx.workers });
    this.#ctx = ctx;
    this.#recorder = ctx.recorder('statefulset-controller');
    this.#setInformer = ctx.informers.informer(STATEFUL_SETS);
    this.#podInformer = ctx.informers.informer(PODS, {
      [INDEX_CONTROLLER_UID]: byControllerUid,
      [INDEX_ORPHANS]: orphansByNamespace,
    });
    this.#revInformer = ctx.informers.informer(CONTROLLER_REVISIONS, {
      [INDEX_CONTROLLER_UID]: byControllerUid,
      [INDEX_ORPHANS]: orphansByNamespace,
    });
    const claims = ctx.informers.informer(PERSISTENT_VOLUME_CLAIMS);
    this.#podControl = new RealStatefulPodControl(ctx.api, this.#recorder, claims);
    this.#setInformer.addEventHandler({
      onAdd: (s) => this.enqueue(keyOf(s)),
      onUpdate: (_old, s) => this.enqueue(keyOf(s)),
      onDelete: (s) => this.enqueue(keyOf(s)),
    });
    this.#podInformer.addEventHandler({
      onAdd: (pod) => this.#podChanged(pod),
      onUpdate: (old, pod) => this.#updatePod(old, pod),
      onDelete: (pod) => this.#podChanged(pod),
    });
    const onRevision = (rev: KubeObject) => {
      const set = this.#resolveControllerRef(rev);
      if (set) this.enqueue(keyOf(set));
    };
    this.#revInformer.addEventHandler({ onAdd: onRevision, onUpdate: (_o, r) => onRevision(r), onDelete: onRevision });
  }

  // --- event handlers: map objects to StatefulSet keys, nothing else ------------------------

  #resolveControllerRef(obj: KubeObject): KubeObject | undefined {
    const ref = controllerOf(obj);
    if (!ref || ref.kind !== 'StatefulSet') return undefined;
    const set = this.#setInformer.get(obj.metadata.namespace, ref.name);
    return set?.metadata.uid === ref.uid ? set : undefined;
  }

  #podChanged(pod: KubeObject): void {
    if (controllerOf(pod)) {
      const set = this.#resolveControllerRef(pod);
      if (set) this.enqueue(keyOf(set));
      return;
    }
    for (const set of this.#setInformer.list(pod.metadata.namespace)) {
      const sel = selectorOf(set);
      if (!sel.empty && sel.matches(pod.metadata.labels)) this.enqueue(keyOf(set));
    }
  }

  #updatePod(old: KubeObject, pod: KubeObject): void {
    const oldSet = this.#resolveControllerRef(old);
    if (oldSet && controllerOf(old)?.uid !== controllerOf(pod)?.uid) this.enqueue(keyOf(oldSet));
    this.#podChanged(pod);
    // A pod that just turned ready becomes available minReadySeconds later: look again then.
    const set = this.#resolveControllerRef(pod) as StatefulSetObj | undefined;
    const minReady = set?.spec?.minReadySeconds ?? 0;
    if (set && minReady > 0 && !isPodReady(old) && isPodReady(pod))
      this.enqueueAfter(keyOf(set), minReady * 1000 + 1000);
  }

  // --- sync ---------------------------------------------------------------------------------

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const set = this.#setInformer.get(namespace, name) as StatefulSetObj | undefined;
    if (!set) return;
    const pods = (await this.#claim(set, this.#podInformer, 'pods', '', (p) => isMemberOf(set, p))) as PodObj[];
    const revisions = sortRevisions(
      (await this.#claim(set, this.#revInformer, 'controllerrevisions', 'apps', () => true)) as RevisionObj[],
    );
    const rev = await this.#revisions(set, revisions);
    const now = this.clock.now();
    const { status, error } = await updateStatefulSet(set, rev, pods, this.#podControl, now);
    completeRollingUpdate(set, status);
    await this.#updateStatus(set, status);
    const live = (r: RevisionObj) =>
      r.metadata.name === rev.current.metadata.name ||
      r.metadata.name === rev.update.metadata.name ||
      pods.some((p) => podRevision(p) === r.metadata.name);
    await truncateHistory(
      this.#ctx.api,
      revisions.filter((r) => r.metadata.name !== rev.update.metadata.name).concat(rev.update),
      live,
      set.spec?.revisionHistoryLimit ?? 10,
    );
    if (error) throw error;
    const minReady = set.spec?.minReadySeconds ?? 0;
    if (minReady > 0 && status.readyReplicas !== status.availableReplicas) this.enqueueAfter(key, minReady * 1000);
  }

  /** ClaimPods / ClaimControllerRevisions: what this StatefulSet controls or may adopt. */
  async #claim(
    set: KubeObject,
    informer: Informer,
    resource: string,
    group: string,
    filter: (o: KubeObject) => boolean,
  ): Promise<KubeObject[]> {
    const { namespace, name, uid } = set.metadata;
    const candidates = new Map<string, KubeObject>();
    for (const o of informer.byIndex(INDEX_CONTROLLER_UID, uid!)) candidates.set(keyOf(o), o);
    for (const o of informer.byIndex(INDEX_ORPHANS, namespace ?? '')) if (filter(o)) candidates.set(keyOf(o), o);
    return claimObjects([...candidates.values()], {
      api: this.#ctx.api,
      owner: set,
      selector: selectorOf(set),
      refOf: (o) => ({ group, resource, namespace, name: o.metadata.name }),
      ownerStillValid: () => {
        const fresh = this.#ctx.api.store.get(`${STATEFUL_SETS}/${namespace}/${name}`);
        return fresh?.metadata.uid === uid && !fresh?.metadata.deletionTimestamp;
      },
    });
  }

  /**
   * getStatefulSetRevisions: the update revision is the set's template — the newest revision when
   * that is unchanged, an older equal revision renumbered as newest (a rollback), or a new one.
   * The current revision is the one status.currentRevision names (the update revision at first).
   */
  async #revisions(set: StatefulSetObj, revisions: RevisionObj[]): Promise<Revisions> {
    const collision = { count: set.status?.collisionCount ?? 0 };
    const data = templatePatch(set.spec?.template);
    const labels = set.spec?.template?.metadata?.labels;
    const wanted = newControllerRevision(
      set,
      data,
      labels,
      nextRevision(revisions),
      hashRevisionData(data, collision.count),
      // newRevision copies the set's annotations, so `rollout history` shows its change-cause.
      set.metadata.annotations,
    );
    const equal = findEqualRevisions(revisions, wanted);
    let update: RevisionObj;
    if (equal.length > 0 && equalRevision(revisions[revisions.length - 1], equal[equal.length - 1])) {
      update = revisions[revisions.length - 1];
    } else if (equal.length > 0) {
      update = await updateRevisionNumber(this.#ctx.api, equal[equal.length - 1], wanted.revision ?? 0);
    } else {
      update = await createControllerRevision(this.#ctx.api, set, wanted, collision, labels);
    }
    const current = revisions.find((r) => r.metadata.name === set.status?.currentRevision) ?? update;
    return {
      current,
      update,
      currentTemplate: templateAt(set, current),
      updateTemplate: set.spec!.template,
      collisionCount: collision.count,
    };
  }

  /** updateStatefulSetStatus: write only when something changed; one retry on a stale read. */
  async #updateStatus(set: StatefulSetObj, status: StatefulSetStatus): Promise<void> {
    await writeStatus(this.#ctx.api, 'apps', 'statefulsets', set as KubeObject, compactStatus(status));
  }
}

/** The status as kube-controller-manager writes it: `omitempty` zeros dropped. */
export function compactStatus(s: StatefulSetStatus): StatefulSetStatus {
  const out: Record<string, unknown> = { replicas: s.replicas ?? 0 };
  if (s.readyReplicas) out.readyReplicas = s.readyReplicas;
  if (s.currentReplicas) out.currentReplicas = s.currentReplicas;
  if (s.updatedReplicas) out.updatedReplicas = s.updatedReplicas;
  out.availableReplicas = s.availableReplicas ?? 0;
  if (s.currentRevision) out.currentRevision = s.currentRevision;
  if (s.updateRevision) out.updateRevision = s.updateRevision;
  out.collisionCount = s.collisionCount ?? 0;
  if (s.observedGeneration) out.observedGeneration = s.observedGeneration;
  if (s.conditions?.length) out.conditions = s.conditions;
  return out as unknown as StatefulSetStatus;
}
