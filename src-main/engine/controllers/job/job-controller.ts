// The Job controller (pkg/controller/job/job_controller.go) with the TTL-after-finished
// controller (pkg/controller/ttlafterfinished) folded in: runs a Job's pods to completion,
// honouring parallelism, completions, Indexed mode, suspend, backoffLimit with the pod-failure
// backoff and activeDeadlineSeconds; then deletes the finished Job once its TTL has passed.
//
// Counting is the pre-finalizer ("legacy") kind: succeeded and failed are the owned pods in those
// phases, so a finished pod deleted by hand is no longer counted. Handlers map pods to their
// controlling Job through the controller reference and only enqueue `namespace/name`.
import type { KubeObject } from '../../api/types.js';
import { deepCopy } from '../../api/types.js';
import { isStatusError } from '../../api/errors.js';
import { Controller } from '../framework/controller.js';
import { ControllerExpectations } from '../framework/expectations.js';
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
  isNotFound,
  isPodActive,
  orphansByNamespace,
} from '../framework/util.js';
import { slowStartBatch } from '../replicaset/pod-control.js';
import { statusEqual } from '../replicaset/status.js';
import { jobPod } from './job-pods.js';
import { compactJobStatus, planJob, type JobPlan } from './job-sync.js';
import { JOBS, isJobFinished, jobFinishTime, jobSelector, jobSpec } from './job-util.js';

/** MaxPodCreateDeletePerSync: at most this many pod creates or deletes per sync. */
export const JOB_BURST = 500;

const jobRef = (namespace: string | undefined, name?: string, subresource?: string) => ({
  group: 'batch',
  resource: 'jobs',
  namespace,
  name,
  subresource,
});

export class JobController extends Controller {
  readonly expectations: ControllerExpectations;
  #ctx: ControllerContext;
  #jobInformer: Informer;
  #podInformer: Informer;
  #recorder: Recorder;

  constructor(ctx: ControllerContext) {
    super('job-controller', ctx.clock, { workers: ctx.workers });
    this.#ctx = ctx;
    this.#recorder = ctx.recorder('job-controller');
    this.expectations = new ControllerExpectations(ctx.clock);
    this.#jobInformer = ctx.informers.informer(JOBS, { [INDEX_CONTROLLER_UID]: byControllerUid });
    this.#podInformer = ctx.informers.informer(PODS, {
      [INDEX_CONTROLLER_UID]: byControllerUid,
      [INDEX_ORPHANS]: orphansByNamespace,
    });
    this.#jobInformer.addEventHandler({
      onAdd: (job) => this.enqueue(keyOf(job)),
      onUpdate: (_old, job) => this.enqueue(keyOf(job)),
      onDelete: (job) => {
        this.expectations.delete(keyOf(job));
        this.enqueue(keyOf(job));
      },
    });
    this.#podInformer.addEventHandler({
      onAdd: (pod) => {
        const job = this.#jobOf(pod);
        if (!job) return;
        if (!pod.metadata.deletionTimestamp) this.expectations.creationObserved(keyOf(job));
        else this.expectations.deletionObserved(keyOf(job), pod.metadata.uid!);
        this.enqueue(keyOf(job));
      },
      onUpdate: (old, pod) => {
        const job = this.#jobOf(pod);
        if (job) {
          if (pod.metadata.deletionTimestamp) this.expectations.deletionObserved(keyOf(job), pod.metadata.uid!);
          this.enqueue(keyOf(job));
        }
        const oldJob = this.#jobOf(old);
        if (oldJob && oldJob !== job) this.enqueue(keyOf(oldJob));
      },
      onDelete: (pod) => {
        const job = this.#jobOf(pod);
        if (!job) return;
        this.expectations.deletionObserved(keyOf(job), pod.metadata.uid!);
        this.enqueue(keyOf(job));
      },
    });
  }

  #jobOf(pod: KubeObject): KubeObject | undefined {
    const ref = controllerOf(pod);
    if (!ref || ref.kind !== 'Job') return undefined;
    const job = this.#jobInformer.get(pod.metadata.namespace, ref.name);
    return job?.metadata.uid === ref.uid ? job : undefined;
  }

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const job = this.#jobInformer.get(namespace, name);
    if (!job) {
      this.expectations.delete(key);
      return;
    }
    if (job.metadata.deletionTimestamp) return;
    const now = this.clock.now();
    const pods = await this.#claimPods(job);
    if (isJobFinished(job)) {
      // Pods still running when the Job finished (the delete may have failed): remove them.
      await this.#deletePods(job, pods.filter(isPodActive));
      await this.#expireAfterTtl(job, now);
      return;
    }

    const plan = planJob(job, pods, now, this.expectations.satisfied(key));
    const err = await this.#execute(key, job, plan);
    await this.#updateStatus(job, plan);
    for (const e of plan.events) void this.#recorder.event(job, e.type, e.reason, e.message);
    if (err) throw err;
    if (plan.requeueAfter !== undefined) this.enqueueAfter(key, plan.requeueAfter);
  }

  /** Owned pods, adopting matching orphans (ControllerRefManager), as upstream's getPodsForJob. */
  async #claimPods(job: KubeObject): Promise<KubeObject[]> {
    const namespace = job.metadata.namespace!;
    const candidates = new Map<string, KubeObject>();
    for (const p of this.#podInformer.byIndex(INDEX_CONTROLLER_UID, job.metadata.uid!)) candidates.set(keyOf(p), p);
    for (const p of this.#podInformer.byIndex(INDEX_ORPHANS, namespace)) {
      if (isPodActive(p)) candidates.set(keyOf(p), p);
    }
    return claimObjects([...candidates.values()], {
      api: this.#ctx.api,
      owner: job,
      selector: jobSelector(job),
      refOf: (p) => ({ group: '', resource: 'pods', namespace, name: p.metadata.name }),
      ownerStillValid: () => {
        const fresh = this.#ctx.api.store.get(`batch/jobs/${namespace}/${job.metadata.name}`);
        return fresh?.metadata.uid === job.metadata.uid && !fresh?.metadata.deletionTimestamp;
      },
    });
  }

  /** Carry out the plan's deletes and creates; returns the first error, after updating counts. */
  async #execute(key: string, job: KubeObject, plan: JobPlan): Promise<unknown> {
    let error: unknown;
    const doomed = plan.deletePods.slice(0, JOB_BURST);
    if (doomed.length > 0) {
      const failedDeletes = await this.#deletePods(job, doomed);
      plan.status.active = (plan.status.active ?? 0) + failedDeletes.length;
      if (failedDeletes.length > 0) error = failedDeletes[0];
    }
    const toCreate = plan.create.slice(0, JOB_BURST);
    if (toCreate.length > 0) {
      this.expectations.expectCreations(key, toCreate.length);
      let next = 0;
      const { successes, error: createErr } = await slowStartBatch(toCreate.length, 1, () =>
        this.#createPod(job, toCreate[next++]),
      );
      if (successes < toCreate.length) this.expectations.lowerCreations(key, toCreate.length - successes);
      plan.status.active = (plan.status.active ?? 0) + successes;
      error ??= createErr;
    }
    plan.status = compactJobStatus(plan.status);
    return error;
  }

  async #createPod(job: KubeObject, index: number | undefined): Promise<void> {
    let created: KubeObject;
    try {
      created = await this.#ctx.api.create(
        { group: '', resource: 'pods', namespace: job.metadata.namespace },
        jobPod(job, index),
      );
    } catch (err) {
      if (isStatusError(err) && err.code === 403 && /being terminated/.test(err.message)) return;
      void this.#recorder.event(job, 'Warning', 'FailedCreate', `Error creating: ${(err as Error).message}`);
      throw err;
    }
    void this.#recorder.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
  }

  /** Delete pods; returns the errors of deletes that failed (NotFound counts as done). */
  async #deletePods(job: KubeObject, pods: readonly KubeObject[]): Promise<unknown[]> {
    if (pods.length === 0) return [];
    const key = keyOf(job);
    this.expectations.expectDeletions(
      key,
      pods.map((p) => p.metadata.uid!),
    );
    const results = await Promise.allSettled(
      pods.map(async (pod) => {
        try {
          await this.#ctx.api.delete({
            group: '',
            resource: 'pods',
            namespace: pod.metadata.namespace,
            name: pod.metadata.name,
          });
        } catch (err) {
          this.expectations.deletionObserved(key, pod.metadata.uid!);
          if (isNotFound(err)) return;
          void this.#recorder.event(job, 'Warning', 'FailedDelete', `Error deleting: ${(err as Error).message}`);
          throw err;
        }
        void this.#recorder.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
      }),
    );
    return results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason);
  }

  /**
   * ttlafterfinished: once `ttlSecondsAfterFinished` has passed since the Job finished, delete it
   * with Foreground propagation (its pods go first), guarded by the Job's uid.
   */
  async #expireAfterTtl(job: KubeObject, now: number): Promise<void> {
    const ttl = jobSpec(job).ttlSecondsAfterFinished;
    if (ttl === undefined || ttl === null) return;
    const finished = jobFinishTime(job);
    if (Number.isNaN(finished)) return;
    const expireAt = finished + ttl * 1000;
    if (now < expireAt) {
      this.enqueueAfter(keyOf(job), expireAt - now);
      return;
    }
    try {
      await this.#ctx.api.delete(jobRef(job.metadata.namespace, job.metadata.name), {
        propagationPolicy: 'Foreground',
        preconditions: { uid: job.metadata.uid },
      });
    } catch (err) {
      if (isNotFound(err) || (isStatusError(err) && err.code === 409)) return;
      throw err;
    }
  }

  /** Write the planned status when it differs; one retry on a stale read. */
  async #updateStatus(job: KubeObject, plan: JobPlan): Promise<void> {
    let current = job;
    for (let attempt = 0; attempt < 2; attempt++) {
      if (statusEqual(current.status, plan.status)) return;
      const body = deepCopy(current);
      body.status = plan.status;
      try {
        await this.#ctx.api.update(jobRef(job.metadata.namespace, job.metadata.name, 'status'), body);
        return;
      } catch (err) {
        if (isNotFound(err)) return;
        if (!(isStatusError(err) && err.code === 409) || attempt === 1) throw err;
        const fresh = this.#ctx.api.store.get(`batch/jobs/${job.metadata.namespace}/${job.metadata.name}`);
        if (!fresh || fresh.metadata.uid !== job.metadata.uid) return;
        current = fresh;
      }
    }
  }
}
