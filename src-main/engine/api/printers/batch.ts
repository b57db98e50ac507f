// Columns for batch/v1 kinds, after printJob and printCronJob in
// pkg/printers/internalversion/printers.go (v1.30, which added the Job STATUS column).
import type { CronJob, Job } from 'kubernetes-types/batch/v1';
import type { PrinterColumn } from '../printers.js';
import {
  ageColumn,
  column,
  formatSelector,
  humanDuration,
  nameColumn,
  parseTime,
  printBoolPtr,
  templateColumns,
  translateTimestampSince,
} from './format.js';

const JOB_SELECTOR_DESCRIPTION = 'A label query over pods that should match the pod count.';

function hasJobCondition(job: Job, type: string): boolean {
  const condition = (job.status?.conditions ?? []).find((c) => c.type === type);
  return condition?.status === 'True';
}

/** STATUS: the first of Complete, Failed, Terminating, Suspended, FailureTarget, else Running. */
export function jobStatus(job: Job): string {
  if (hasJobCondition(job, 'Complete')) return 'Complete';
  if (hasJobCondition(job, 'Failed')) return 'Failed';
  if (job.metadata?.deletionTimestamp) return 'Terminating';
  if (hasJobCondition(job, 'Suspended')) return 'Suspended';
  if (hasJobCondition(job, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

/** COMPLETIONS: `succeeded/completions`, or `n/1 of P` for a work queue with parallelism P > 1. */
export function jobCompletions(job: Job): string {
  const succeeded = job.status?.succeeded ?? 0;
  const completions = job.spec?.completions;
  if (completions !== undefined && completions !== null) return `${succeeded}/${completions}`;
  const parallelism = job.spec?.parallelism ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

/** DURATION: from start to completion, or to now while running; blank before the job starts. */
export function jobDuration(job: Job, now: number): string {
  const start = parseTime(job.status?.startTime);
  if (start === undefined) return '';
  const end = parseTime(job.status?.completionTime);
  return humanDuration((end ?? now) - start);
}

export function jobColumns(): PrinterColumn[] {
  return [
    nameColumn(),
    column<Job>('STATUS', 'string', 'Status of the job.', jobStatus),
    column<Job>('COMPLETIONS', 'string', 'The number of pods which reached phase Succeeded.', jobCompletions),
    column<Job>('DURATION', 'string', 'Time required to complete the job.', jobDuration),
    ageColumn(),
    ...templateColumns<Job>((j) => j.spec?.template?.spec?.containers),
    column<Job>('SELECTOR', 'string', JOB_SELECTOR_DESCRIPTION, (j) => formatSelector(j.spec?.selector), 1),
  ];
}

export function cronJobColumns(): PrinterColumn[] {
  return [
    nameColumn(),
    column<CronJob>(
      'SCHEDULE',
      'string',
      'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.',
      (cj) => cj.spec?.schedule ?? '',
    ),
    column<CronJob>(
      'TIMEZONE',
      'string',
      'The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones.',
      (cj) => cj.spec?.timeZone ?? '<none>',
    ),
    column<CronJob>(
      'SUSPEND',
      'boolean',
      'This flag tells the controller to suspend subsequent executions, it does not apply to already started executions. Defaults to false.',
      (cj) => printBoolPtr(cj.spec?.suspend),
    ),
    column<CronJob>(
      'ACTIVE',
      'integer',
      'A list of pointers to currently running jobs.',
      (cj) => (cj.status?.active ?? []).length,
    ),
    column<CronJob>(
      'LAST SCHEDULE',
      'string',
      'Information when was the last time the job was successfully scheduled.',
      (cj, now) =>
        cj.status?.lastScheduleTime ? translateTimestampSince(parseTime(cj.status.lastScheduleTime), now) : '<none>',
    ),
    ageColumn(),
    ...templateColumns<CronJob>((cj) => cj.spec?.jobTemplate?.spec?.template?.spec?.containers),
    column<CronJob>(
      'SELECTOR',
      'string',
      JOB_SELECTOR_DESCRIPTION,
      (cj) => formatSelector(cj.spec?.jobTemplate?.spec?.selector),
      1,
    ),
  ];
}
