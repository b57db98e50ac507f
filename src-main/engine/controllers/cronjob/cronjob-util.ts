// Pure helpers of the CronJob controller (pkg/controller/cronjob/utils.go): which scheduled time
// is due, how a Job is built from the template and named, and the Job that "run now" creates
// (kubectl create job --from=cronjob/<name>).
import type { CronJob, Job } from 'kubernetes-types/batch/v1';
import type { ObjectReference } from 'kubernetes-types/core/v1';
import type { KubeObject } from '../../api/types.js';
import { deepCopy } from '../../api/types.js';
import type { CronSchedule, EverySchedule } from '../../api/cron.js';
import { newControllerRef, timeOf } from '../framework/util.js';

export const CRON_JOBS = 'batch/cronjobs';
/** The nominal time a scheduled Job was created for, in the CronJob's zone (RFC 3339). */
export const SCHEDULED_TIMESTAMP = 'batch.kubernetes.io/cronjob-scheduled-timestamp';
/** Marks a Job created by hand from a CronJob's template, as kubectl does. */
export const INSTANTIATE = 'cronjob.kubernetes.io/instantiate';
/** Beyond this many missed start times the controller warns (TooManyMissedTimes). */
export const MAX_MISSED_SCHEDULES = 100;
/** nextScheduleDelta: requeue a little after the scheduled time so it is surely due. */
export const NEXT_SCHEDULE_DELTA_MS = 100;

export type Schedule = CronSchedule | EverySchedule;

export function cronJobSpec(cj: KubeObject): NonNullable<CronJob['spec']> {
  return ((cj as CronJob).spec ?? {}) as NonNullable<CronJob['spec']>;
}

/**
 * The next time of `schedule` strictly after `afterMs`, on the wall clock of the CronJob's zone —
 * or, when unset, of this host's zone, as kube-controller-manager uses its own local time.
 */
export function nextTime(schedule: Schedule, afterMs: number, timeZone?: string): number | null {
  return 'delayMs' in schedule ? schedule.next(afterMs) : schedule.next(afterMs, timeZone);
}

export interface MostRecent {
  /** The latest unmet scheduled time at or before `now`, or null. */
  time: number | null;
  /** How many scheduled times were missed since the last run (an approximation, as upstream). */
  missed: number;
}

/**
 * mostRecentScheduleTime: the latest scheduled time in (earliest, now], where earliest is the
 * last schedule time (or the creation time) moved up to `now − startingDeadlineSeconds` when that
 * deadline is set — so runs missed by more than the deadline are never started.
 *
 * Worked example: `*\/5 * * * *`, last run 00:05, now 00:31: the unmet times are 00:10 … 00:30,
 * five missed, and 00:30 is the one to run. With startingDeadlineSeconds 60 at 00:32 nothing is
 * due: the earliest becomes 00:31 and the next time, 00:35, is still ahead.
 */
export function mostRecentScheduleTime(
  cj: KubeObject,
  now: number,
  schedule: Schedule,
  includeStartingDeadline: boolean,
): MostRecent {
  const spec = cronJobSpec(cj);
  const last = timeOf((cj as CronJob).status?.lastScheduleTime);
  let earliest = Number.isNaN(last) ? timeOf(cj.metadata.creationTimestamp) : last;
  if (Number.isNaN(earliest)) earliest = now;
  const sds = spec.startingDeadlineSeconds;
  if (includeStartingDeadline && sds !== undefined && sds !== null) earliest = Math.max(earliest, now - sds * 1000);
  const tz = spec.timeZone ?? undefined;
  const t1 = nextTime(schedule, earliest, tz);
  if (t1 === null || t1 > now) return { time: null, missed: 0 };
  const t2 = nextTime(schedule, t1, tz);
  if (t2 === null || t2 > now) return { time: t1, missed: 1 };
  const interval = Math.max(1000, t2 - t1);
  const missed = Math.floor((now - t1) / interval) + 1;
  // Jump close to `now` by the first interval, then let the schedule walk the rest; irregular
  // schedules (`30 6-16/4 * * 1-5`) may overshoot the jump, so fall back to walking from t1.
  for (const start of [t1 + (missed - 2) * interval, t1]) {
    let recent: number | null = null;
    let steps = 0;
    for (
      let t = nextTime(schedule, start, tz);
      t !== null && t <= now && steps < 100_000;
      t = nextTime(schedule, t, tz)
    ) {
      recent = t;
      steps++;
    }
    if (recent !== null && recent >= t1) return { time: recent, missed };
  }
  return { time: t1, missed };
}

/** getJobName: `<cronjob>-<scheduled time in minutes since the epoch>`, the same for retries. */
export function scheduledJobName(cj: KubeObject, scheduledTime: number): string {
  return `${cj.metadata.name}-${Math.floor(scheduledTime / 60_000)}`;
}

/** RFC 3339 of `ms` on the wall clock of `timeZone` (UTC when unset, as time.LoadLocation("")). */
export function formatInZone(ms: number, timeZone?: string): string {
  if (!timeZone) return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const parts: Record<string, string> = {};
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  for (const p of fmt.formatToParts(new Date(ms))) parts[p.type] = p.value;
  const wall = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
  const offsetMin = Math.round((wall - Math.floor(ms / 1000) * 1000) / 60_000);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  const offset = abs === 0 ? 'Z' : `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${offset}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** getJobFromTemplate2: the Job for one scheduled time, owned by the CronJob. */
export function jobFromCronJob(cj: KubeObject, scheduledTime: number): KubeObject {
  const spec = cronJobSpec(cj);
  const template = spec.jobTemplate ?? {};
  const annotations = { ...(template.metadata?.annotations ?? {}) };
  annotations[SCHEDULED_TIMESTAMP] = formatInZone(scheduledTime, spec.timeZone ?? undefined);
  const job: Job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: scheduledJobName(cj, scheduledTime),
      namespace: cj.metadata.namespace,
      labels: { ...(template.metadata?.labels ?? {}) },
      annotations,
      ownerReferences: [newControllerRef(cj)],
    },
    spec: deepCopy(template.spec ?? ({} as NonNullable<Job['spec']>)),
  };
  return job as unknown as KubeObject;
}

/**
 * "Run now": the Job `kubectl create job <name> --from=cronjob/<cronjob>` builds — the job
 * template with the `cronjob.kubernetes.io/instantiate: manual` annotation and a controller
 * reference to the CronJob (kubectl sets no blockOwnerDeletion). Without `name`, one is derived
 * from `now` and kept within the 63-character Job name limit.
 */
export function runNow(cronJob: KubeObject, now: number, name?: string): KubeObject {
  const spec = cronJobSpec(cronJob);
  const template = spec.jobTemplate ?? {};
  const suffix = `-manual-${Math.floor(now / 1000).toString(36)}`;
  const jobName = name ?? `${(cronJob.metadata.name ?? '').slice(0, 63 - suffix.length)}${suffix}`;
  const job: Job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobName,
      namespace: cronJob.metadata.namespace,
      annotations: { ...(template.metadata?.annotations ?? {}), [INSTANTIATE]: 'manual' },
      labels: { ...(template.metadata?.labels ?? {}) },
      ownerReferences: [
        {
          apiVersion: 'batch/v1',
          kind: 'CronJob',
          name: cronJob.metadata.name!,
          uid: cronJob.metadata.uid!,
          controller: true,
        },
      ],
    },
    spec: deepCopy(template.spec ?? ({} as NonNullable<Job['spec']>)),
  };
  return job as unknown as KubeObject;
}

/** The `status.active` entry for a Job (ObjectReference, as upstream's GetReference). */
export function jobReference(job: KubeObject): ObjectReference {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    name: job.metadata.name,
    namespace: job.metadata.namespace,
    uid: job.metadata.uid,
    resourceVersion: job.metadata.resourceVersion,
  };
}

/** Finished Jobs beyond `limit`, oldest first by start time then name (byJobStartTime). */
export function jobsToPrune(finished: readonly KubeObject[], limit: number | undefined | null): KubeObject[] {
  if (limit === undefined || limit === null || finished.length <= limit) return [];
  const start = (j: KubeObject) => {
    const t = timeOf((j as Job).status?.startTime);
    return Number.isNaN(t) ? timeOf(j.metadata.creationTimestamp) : t;
  };
  const sorted = [...finished].sort(
    (a, b) => start(a) - start(b) || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''),
  );
  return sorted.slice(0, sorted.length - limit);
}
