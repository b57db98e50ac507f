// batch/v1 validation, following pkg/apis/batch/validation/validation.go.
import type { CronJob, Job, JobSpec } from 'kubernetes-types/batch/v1';
import { CronError, isValidTimeZone, parseCron } from '../cron.js';
import { cause, type Cause } from '../errors.js';
import { validateSelectorAndTemplate } from './apps.js';
import { immutable, nonNegative, positive } from './helpers.js';
import { validateLabelSelector } from './meta.js';
import { validatePodTemplateSpec } from './pod.js';

const JOB_RESTART_POLICIES = ['OnFailure', 'Never'];

/** ValidateJobSpec, for a Job's spec or a CronJob's jobTemplate.spec. */
export function validateJobSpec(spec: JobSpec | undefined, field: string): Cause[] {
  if (!spec) return [cause.required(field, '')];
  const errs: Cause[] = [
    ...nonNegative(spec.parallelism, `${field}.parallelism`),
    ...nonNegative(spec.completions, `${field}.completions`),
    ...positive(spec.activeDeadlineSeconds, `${field}.activeDeadlineSeconds`),
    ...nonNegative(spec.backoffLimit, `${field}.backoffLimit`),
    ...nonNegative(spec.ttlSecondsAfterFinished, `${field}.ttlSecondsAfterFinished`),
  ];
  if (spec.completionMode !== undefined) {
    if (spec.completionMode !== 'NonIndexed' && spec.completionMode !== 'Indexed') {
      errs.push(cause.notSupported(`${field}.completionMode`, spec.completionMode, ['NonIndexed', 'Indexed']));
    }
    if (spec.completionMode === 'Indexed' && spec.completions === undefined) {
      errs.push(cause.required(`${field}.completions`, 'when completion mode is Indexed'));
    }
  }
  // The apiserver generates the selector unless manualSelector is set; a given one must match.
  if (spec.manualSelector === true || spec.selector) {
    errs.push(...validateSelectorAndTemplate(spec.selector, spec.template, 'job', field));
  } else {
    errs.push(...validateLabelSelector(spec.selector, `${field}.selector`));
  }
  errs.push(...validatePodTemplateSpec(spec.template, `${field}.template`));
  const policy = spec.template?.spec?.restartPolicy;
  const policyPath = `${field}.template.spec.restartPolicy`;
  if (spec.template?.spec) {
    if (!policy) {
      // validatePodSpec reported Required already; say which values are wanted.
      const i = errs.findIndex((e) => e.field === policyPath && e.type === 'FieldValueRequired');
      errs.splice(i, i < 0 ? 0 : 1, cause.required(policyPath, 'valid values: "OnFailure", "Never"'));
    } else if (!JOB_RESTART_POLICIES.includes(policy)) {
      errs.push(cause.notSupported(policyPath, policy, JOB_RESTART_POLICIES));
    }
  }
  return errs;
}

export function validateJob(job: Job): Cause[] {
  return validateJobSpec(job.spec, 'spec');
}

/** ValidateJobSpecUpdate: the template, completions and selector are fixed once created. */
export function validateJobUpdate(job: Job, old: Job): Cause[] {
  const errs = validateJob(job);
  const spec = job.spec ?? ({} as JobSpec);
  const prev = old.spec ?? ({} as JobSpec);
  errs.push(...immutable(spec.completions, prev.completions, 'spec.completions'));
  errs.push(...immutable(spec.selector, prev.selector, 'spec.selector'));
  errs.push(...immutable(spec.completionMode, prev.completionMode, 'spec.completionMode'));
  if (!immutableOk(spec.template, prev.template)) {
    errs.push(cause.invalid('spec.template', spec.template, 'field is immutable'));
  }
  return errs;
}

function immutableOk(a: unknown, b: unknown): boolean {
  return immutable(a, b, '').length === 0;
}

const CONCURRENCY_POLICIES = ['Allow', 'Forbid', 'Replace'];

/** A CronJob's jobs are named `<cronjob>-<11 chars>`, and Job names are ≤ 63 characters. */
export const CRONJOB_NAME_MAX_LENGTH = 52;

export function validateCronJob(cj: CronJob, old?: CronJob): Cause[] {
  const errs: Cause[] = [];
  const name = cj.metadata?.name ?? '';
  if (name.length > CRONJOB_NAME_MAX_LENGTH) {
    errs.push(cause.invalid('metadata.name', name, `must be no more than ${CRONJOB_NAME_MAX_LENGTH} characters`));
  }
  const spec = cj.spec;
  if (!spec) return [...errs, cause.required('spec', '')];
  if (!spec.schedule) errs.push(cause.required('spec.schedule', ''));
  else errs.push(...validateSchedule(spec.schedule, 'spec.schedule'));
  errs.push(...nonNegative(spec.startingDeadlineSeconds, 'spec.startingDeadlineSeconds'));
  if (!old || old.spec?.timeZone !== spec.timeZone) errs.push(...validateTimeZone(spec.timeZone, 'spec.timeZone'));
  if (!spec.concurrencyPolicy) errs.push(cause.required('spec.concurrencyPolicy', ''));
  else if (!CONCURRENCY_POLICIES.includes(spec.concurrencyPolicy)) {
    errs.push(cause.notSupported('spec.concurrencyPolicy', spec.concurrencyPolicy, CONCURRENCY_POLICIES));
  }
  errs.push(...nonNegative(spec.successfulJobsHistoryLimit, 'spec.successfulJobsHistoryLimit'));
  errs.push(...nonNegative(spec.failedJobsHistoryLimit, 'spec.failedJobsHistoryLimit'));
  errs.push(...validateJobSpec(spec.jobTemplate?.spec, 'spec.jobTemplate.spec'));
  return errs;
}

/** validateScheduleFormat: robfig's parse error, and no TZ= prefix (timeZone replaces it). */
function validateSchedule(schedule: string, field: string): Cause[] {
  const errs: Cause[] = [];
  const parsed = parseCron(schedule);
  if (parsed instanceof CronError) errs.push(cause.invalid(field, schedule, parsed.message));
  if (schedule.includes('TZ')) {
    errs.push(cause.invalid(field, schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
  }
  return errs;
}

/** validateTimeZone: an explicit IANA zone the runtime knows. */
function validateTimeZone(zone: string | undefined, field: string): Cause[] {
  if (zone === undefined) return [];
  if (zone === '') return [cause.invalid(field, zone, 'timeZone must be nil or non-empty string')];
  for (const part of zone.split('/')) {
    if (part === '.' || part === '..' || part.startsWith('-') || !/^[A-Za-z.\-_0-9+]{1,14}$/.test(part)) {
      return [cause.invalid(field, zone, `unknown time zone ${zone}`)];
    }
  }
  if (zone.toLowerCase() === 'local') {
    return [
      cause.invalid(
        field,
        zone,
        'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones',
      ),
    ];
  }
  return isValidTimeZone(zone) ? [] : [cause.invalid(field, zone, `unknown time zone ${zone}`)];
}
