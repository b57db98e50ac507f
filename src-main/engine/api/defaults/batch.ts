// batch/v1 defaulting, following pkg/apis/batch/v1/defaults.go.
import type { CronJob, Job, JobSpec } from 'kubernetes-types/batch/v1';
import type { ObjectMeta } from 'kubernetes-types/meta/v1';
import { defaultTemplate } from './apps.js';

/** SetDefaults_Job (pkg/apis/batch/v1/defaults.go), for a Job or a CronJob's jobTemplate. */
export function defaultJobSpec(spec: JobSpec, meta: ObjectMeta | undefined): void {
  // A non-parallel job may leave both unset; then both are 1. Completions stays unset when only
  // parallelism is given (a work-queue job).
  if (spec.completions === undefined && spec.parallelism === undefined) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  if (spec.parallelism === undefined) spec.parallelism = 1;
  if (spec.backoffLimit === undefined) spec.backoffLimit = spec.backoffLimitPerIndex !== undefined ? 2147483647 : 6;
  // The Job's own labels default to its template's labels (unlike apps/v1 workloads).
  const labels = spec.template?.metadata?.labels;
  if (meta && labels && Object.keys(meta.labels ?? {}).length === 0) meta.labels = { ...labels };
  if (!spec.completionMode) spec.completionMode = 'NonIndexed';
  if (spec.suspend === undefined) spec.suspend = false;
  if (spec.podFailurePolicy) {
    for (const rule of spec.podFailurePolicy.rules ?? []) {
      for (const c of rule.onPodConditions ?? []) if (!c.status) c.status = 'True';
    }
  }
  if (!spec.podReplacementPolicy) {
    spec.podReplacementPolicy = spec.podFailurePolicy ? 'Failed' : 'TerminatingOrFailed';
  }
  // The template's restartPolicy must be given (OnFailure or Never); see defaultPodSpec.
  defaultTemplate(spec.template, false);
}

export function defaultJob(job: Job): void {
  defaultJobSpec((job.spec ??= {} as JobSpec), (job.metadata ??= {}));
}

/** SetDefaults_CronJob (pkg/apis/batch/v1/defaults.go). */
export function defaultCronJob(cj: CronJob): void {
  const spec = (cj.spec ??= {} as CronJob['spec'] & object);
  if (!spec.concurrencyPolicy) spec.concurrencyPolicy = 'Allow';
  if (spec.suspend === undefined) spec.suspend = false;
  if (spec.successfulJobsHistoryLimit === undefined) spec.successfulJobsHistoryLimit = 3;
  if (spec.failedJobsHistoryLimit === undefined) spec.failedJobsHistoryLimit = 1;
  const jt = spec.jobTemplate;
  if (jt) defaultJobSpec((jt.spec ??= {} as JobSpec), jt.metadata);
}
