// The CronJob controller (pkg/controller/cronjob/cronjob_controllerv2.go): one sync per CronJob
// reconciles `status.active` with the Jobs it owns, starts the Job of the most recent unmet
// scheduled time (honouring suspend, startingDeadlineSeconds and concurrencyPolicy), prunes
// finished Jobs beyond the history limits, and requeues itself for the next scheduled time
// with the work queue's addAfter — the only timer it needs.
import type { CronJob, CronJobStatus, Job } from 'kubernetes-types/batch/v1';
import type { KubeObject } from '../../api/types.js';
import { deepCopy } from '../../api/types.js';
import { isStatusError } from '../../api/errors.js';
import { CronError, isValidTimeZone, parseCron } from '../../api/cron.js';
import { rfc3339 } from '../../clock.js';
import { Controller } from '../framework/controller.js';
import { keyOf, splitKey, type Informer } from '../framework/informer.js';
import { INDEX_CONTROLLER_UID, type ControllerContext, type Recorder } from '../framework/context.js';
import { byControllerUid, controllerOf, isNotFound, timeOf, writeStatus } from '../framework/util.js';
import { JOBS, JOB_COMPLETE, JOB_FAILED, hasCondition, isJobFinished } from '../job/job-util.js';
import {
  CRON_JOBS,
  MAX_MISSED_SCHEDULES,
  NEXT_SCHEDULE_DELTA_MS,
  cronJobSpec,
  jobFromCronJob,
  jobReference,
  jobsToPrune,
  mostRecentScheduleTime,
  nextTime,
  type Schedule,
} from './cronjob-util.js';

const jobsRef = (namespace: string | undefined, name?: string) => ({
  group: 'batch',
  resource: 'jobs',
  namespace,
  name,
});

/** RFC 1123 with a numeric zone, as Go's time.RFC1123Z (used in MissSchedule messages). */
function rfc1123z(ms: number): string {
  return new Date(ms).toUTCString().replace('GMT', '+0000');
}

export class CronJobController extends Controller {
  #ctx: ControllerContext;
  #cronJobInformer: Informer;
  #jobInformer: Informer;
  #recorder: Recorder;

  constructor(ctx: ControllerContext) {
    super('cronjob-controller', ctx.clock, { workers: ctx.workers });
    this.#ctx = ctx;
    this.#recorder = ctx.recorder('cronjob-controller');
    this.#cronJobInformer = ctx.informers.informer(CRON_JOBS);
    this.#jobInformer = ctx.informers.informer(JOBS, { [INDEX_CONTROLLER_UID]: byControllerUid });
    this.#cronJobInformer.addEventHandler({
      onAdd: (cj) => this.enqueue(keyOf(cj)),
      onUpdate: (_old, cj) => this.enqueue(keyOf(cj)),
      onDelete: (cj) => this.enqueue(keyOf(cj)),
    });
    const enqueueOwner = (job: KubeObject) => {
      const ref = controllerOf(job);
      if (ref?.kind !== 'CronJob') return;
      const cj = this.#cronJobInformer.get(job.metadata.namespace, ref.name);
      if (cj?.metadata.uid === ref.uid) this.enqueue(keyOf(cj));
    };
    this.#jobInformer.addEventHandler({
      onAdd: enqueueOwner,
      onUpdate: (old, job) => {
        enqueueOwner(job);
        if (controllerOf(old)?.uid !== controllerOf(job)?.uid) enqueueOwner(old);
      },
      onDelete: enqueueOwner,
    });
  }

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const cj = this.#cronJobInformer.get(namespace, name);
    if (!cj) return;
    const jobs = this.#jobInformer
      .byIndex(INDEX_CONTROLLER_UID, cj.metadata.uid!)
      .filter((j) => controllerOf(j)?.kind === 'CronJob');
    const status = deepCopy(((cj as CronJob).status ?? {}) as CronJobStatus);
    const now = this.clock.now();

    this.#reconcileActive(cj, status, jobs);
    let requeueAfter: number | undefined;
    let error: unknown;
    if (!cj.metadata.deletionTimestamp) {
      try {
        requeueAfter = await this.#schedule(cj, status, now);
      } catch (err) {
        error = err;
      }
    }
    await this.#updateStatus(cj, status);
    await this.#cleanupFinishedJobs(cj, jobs);
    if (error) throw error;
    if (requeueAfter !== undefined) this.enqueueAfter(key, requeueAfter);
  }

  /** Bring `status.active` and `lastSuccessfulTime` in line with the Jobs that exist. */
  #reconcileActive(cj: KubeObject, status: CronJobStatus, jobs: readonly KubeObject[]): void {
    const active = () => status.active ?? [];
    for (const job of jobs) {
      const listed = active().some((r) => r.uid === job.metadata.uid);
      const finished = isJobFinished(job);
      if (!listed && !finished) {
        // Created by someone else, or by us just before a crash that lost the status write.
        void this.#recorder.event(
          cj,
          'Warning',
          'UnexpectedJob',
          `Saw a job that the controller did not create or forgot: ${job.metadata.name}`,
        );
      } else if (listed && finished) {
        const condition = hasCondition(job, JOB_COMPLETE) ? JOB_COMPLETE : JOB_FAILED;
        status.active = active().filter((r) => r.uid !== job.metadata.uid);
        void this.#recorder.event(
          cj,
          'Normal',
          'SawCompletedJob',
          `Saw completed job: ${job.metadata.name}, condition: ${condition}`,
        );
      }
      if (hasCondition(job, JOB_COMPLETE)) {
        const done = timeOf((job as Job).status?.completionTime);
        if (!Number.isNaN(done) && !(done <= timeOf(status.lastSuccessfulTime))) {
          status.lastSuccessfulTime = rfc3339(done);
        }
      }
    }
    // A Job deleted behind our back must not keep a Forbid CronJob blocked for ever.
    for (const ref of active()) {
      if (jobs.some((j) => j.metadata.uid === ref.uid)) continue;
      const stored = this.#ctx.api.store.get(`batch/jobs/${cj.metadata.namespace}/${ref.name}`);
      if (stored?.metadata.uid === ref.uid) continue;
      status.active = active().filter((r) => r.uid !== ref.uid);
      void this.#recorder.event(cj, 'Normal', 'MissingJob', `Active job went missing: ${ref.name}`);
    }
    if (status.active?.length === 0) delete status.active;
  }

  /** Start the due Job if any; returns the delay until the next scheduled time. */
  async #schedule(cj: KubeObject, status: CronJobStatus, now: number): Promise<number | undefined> {
    const spec = cronJobSpec(cj);
    const tz = spec.timeZone ?? undefined;
    if (tz !== undefined && !isValidTimeZone(tz)) {
      void this.#recorder.event(cj, 'Warning', 'UnknownTimeZone', `invalid timeZone: "${tz}": unknown time zone ${tz}`);
      return undefined;
    }
    if (spec.suspend) return undefined;
    const schedule = parseCron(spec.schedule ?? '');
    if (schedule instanceof CronError) {
      void this.#recorder.event(
        cj,
        'Warning',
        'UnparseableSchedule',
        `unparseable schedule: "${spec.schedule}" : ${schedule.message}`,
      );
      return undefined;
    }
    const view = { ...cj, status } as KubeObject;
    const { time: scheduled, missed } = mostRecentScheduleTime(view, now, schedule, true);
    if (missed > MAX_MISSED_SCHEDULES) {
      void this.#recorder.event(
        cj,
        'Warning',
        'TooManyMissedTimes',
        `too many missed start times: ${missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`,
      );
    }
    const requeue = this.#untilNext(schedule, now, tz);
    if (scheduled === null) return requeue;

    const sds = spec.startingDeadlineSeconds;
    if (sds !== undefined && sds !== null && scheduled + sds * 1000 < now) {
      void this.#recorder.event(
        cj,
        'Warning',
        'MissSchedule',
        `Missed scheduled time to start a job: ${rfc1123z(scheduled)}`,
      );
      return requeue;
    }
    const policy = spec.concurrencyPolicy ?? 'Allow';
    if (policy === 'Forbid' && (status.active ?? []).length > 0) {
      // The skipped time stays unmet (lastScheduleTime does not move): if the running Job ends
      // within startingDeadlineSeconds, the next sync starts it late, as upstream does.
      void this.#recorder.event(
        cj,
        'Normal',
        'JobAlreadyActive',
        'Not starting job because prior execution is running and concurrency policy is Forbid',
      );
      return requeue;
    }
    if (policy === 'Replace') {
      for (const ref of status.active ?? []) {
        try {
          await this.#ctx.api.delete(jobsRef(ref.namespace, ref.name), {
            propagationPolicy: 'Background',
            preconditions: { uid: ref.uid },
          });
        } catch (err) {
          if (!isNotFound(err) && !(isStatusError(err) && err.code === 409)) {
            void this.#recorder.event(cj, 'Warning', 'FailedDelete', `Deleted job: ${(err as Error).message}`);
            throw err;
          }
        }
        void this.#recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${ref.name}`);
        status.active = (status.active ?? []).filter((r) => r.uid !== ref.uid);
      }
      if (status.active?.length === 0) delete status.active;
    }

    const created = await this.#createJob(cj, scheduled);
    if (!created) return requeue;
    if (!isJobFinished(created) && !(status.active ?? []).some((r) => r.uid === created.metadata.uid)) {
      status.active = [...(status.active ?? []), jobReference(created)];
    }
    status.lastScheduleTime = rfc3339(scheduled);
    return requeue;
  }

  /** Create the Job of `scheduled`; a Job of that name we already own counts as created. */
  async #createJob(cj: KubeObject, scheduled: number): Promise<KubeObject | undefined> {
    const body = jobFromCronJob(cj, scheduled);
    try {
      const job = await this.#ctx.api.create(jobsRef(cj.metadata.namespace), body);
      void this.#recorder.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${job.metadata.name}`);
      return job;
    } catch (err) {
      if (isStatusError(err) && err.code === 409) {
        const existing = this.#ctx.api.store.get(`batch/jobs/${cj.metadata.namespace}/${body.metadata.name}`);
        if (existing && controllerOf(existing)?.uid === cj.metadata.uid) return existing;
      }
      if (isStatusError(err) && err.code === 403 && /being terminated/.test(err.message)) return undefined;
      void this.#recorder.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${(err as Error).message}`);
      throw err;
    }
  }

  #untilNext(schedule: Schedule, now: number, tz: string | undefined): number | undefined {
    const next = nextTime(schedule, now, tz);
    return next === null ? undefined : next - now + NEXT_SCHEDULE_DELTA_MS;
  }

  /** cleanupFinishedJobs: keep the newest successfulJobsHistoryLimit / failedJobsHistoryLimit. */
  async #cleanupFinishedJobs(cj: KubeObject, jobs: readonly KubeObject[]): Promise<void> {
    const spec = cronJobSpec(cj);
    const live = jobs.filter((j) => !j.metadata.deletionTimestamp);
    const doomed = [
      ...jobsToPrune(
        live.filter((j) => hasCondition(j, JOB_COMPLETE)),
        spec.successfulJobsHistoryLimit,
      ),
      ...jobsToPrune(
        live.filter((j) => hasCondition(j, JOB_FAILED)),
        spec.failedJobsHistoryLimit,
      ),
    ];
    for (const job of doomed) {
      try {
        await this.#ctx.api.delete(jobsRef(job.metadata.namespace, job.metadata.name), {
          propagationPolicy: 'Background',
          preconditions: { uid: job.metadata.uid },
        });
      } catch (err) {
        if (isNotFound(err) || (isStatusError(err) && err.code === 409)) continue;
        throw err;
      }
      void this.#recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata.name}`);
    }
  }

  /** Write the status when it changed; one retry on a stale read. */
  async #updateStatus(cj: KubeObject, status: CronJobStatus): Promise<void> {
    await writeStatus(this.#ctx.api, 'batch', 'cronjobs', cj, status);
  }
}
