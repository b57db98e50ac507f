// Pure helpers of the Job controller (pkg/controller/job/job_controller.go, indexed_job_utils.go,
// backoff_utils.go): the labels Kubernetes puts on a Job's pods, the implicit selector, pod
// finish times, the pod-failure backoff, and completion indexes.
import type { Job, JobCondition } from 'kubernetes-types/batch/v1';
import type { Pod } from 'kubernetes-types/core/v1';
import type { KubeObject } from '../../api/types.js';
import { selectorFromLabelSelector, selectorFromSet, type Selector } from '../../api/selectors/index.js';
import { podPhase, timeOf } from '../framework/util.js';

export const JOBS = 'batch/jobs';

/** Labels the Job strategy adds to the pod template (both the legacy and the prefixed keys). */
export const LABEL_CONTROLLER_UID = 'batch.kubernetes.io/controller-uid';
export const LABEL_LEGACY_CONTROLLER_UID = 'controller-uid';
export const LABEL_JOB_NAME = 'batch.kubernetes.io/job-name';
export const LABEL_LEGACY_JOB_NAME = 'job-name';
/** Annotation (and, since 1.28, label) carrying an Indexed Job pod's completion index. */
export const COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';
/** The environment variable an Indexed Job's containers read their index from. */
export const COMPLETION_INDEX_ENV = 'JOB_COMPLETION_INDEX';

/** Condition types and reasons, as kube-controller-manager writes them. */
export const JOB_COMPLETE = 'Complete';
export const JOB_FAILED = 'Failed';
export const JOB_SUSPENDED = 'Suspended';
/** Interim: the Job will fail once its remaining pods have terminated (1.31+). */
export const JOB_FAILURE_TARGET = 'FailureTarget';
/** Interim: the Job will complete once its remaining pods have terminated (1.31+). */
export const JOB_SUCCESS_CRITERIA_MET = 'SuccessCriteriaMet';
/** Complete: the required number of pods (or every index) succeeded (reason since 1.30). */
export const REASON_COMPLETIONS_REACHED = 'CompletionsReached';
/** Failed: more pods failed than spec.backoffLimit allows. */
export const REASON_BACKOFF_LIMIT_EXCEEDED = 'BackoffLimitExceeded';
/** Failed: the Job ran longer than spec.activeDeadlineSeconds. */
export const REASON_DEADLINE_EXCEEDED = 'DeadlineExceeded';
/** Suspended=True: spec.suspend was set. */
export const REASON_JOB_SUSPENDED = 'JobSuspended';
/** Suspended=False: spec.suspend was cleared. */
export const REASON_JOB_RESUMED = 'JobResumed';

/** DefaultJobPodFailureBackOff: the first delay after a failed pod. */
export const POD_FAILURE_BACKOFF_MS = 10_000;
/** The cap of the doubling delay (six minutes, as the Job documentation states). */
export const MAX_POD_FAILURE_BACKOFF_MS = 6 * 60_000;

export function jobSpec(job: KubeObject): NonNullable<Job['spec']> {
  return ((job as Job).spec ?? {}) as NonNullable<Job['spec']>;
}

export function jobConditions(job: KubeObject): JobCondition[] {
  return (job as Job).status?.conditions ?? [];
}

export function hasCondition(job: KubeObject, type: string): boolean {
  return jobConditions(job).some((c) => c.type === type && c.status === 'True');
}

/** IsJobFinished: a Complete or Failed condition is True. */
export function isJobFinished(job: KubeObject): boolean {
  return hasCondition(job, JOB_COMPLETE) || hasCondition(job, JOB_FAILED);
}

/** When the Job finished (the Complete/Failed condition's transition), or NaN. */
export function jobFinishTime(job: KubeObject): number {
  const c = jobConditions(job).find((x) => (x.type === JOB_COMPLETE || x.type === JOB_FAILED) && x.status === 'True');
  return timeOf(c?.lastTransitionTime);
}

/** The labels every pod of `job` carries (generated into the template by the Job strategy upstream). */
export function jobPodLabels(job: KubeObject): Record<string, string> {
  const uid = job.metadata.uid!;
  const name = job.metadata.name!;
  return {
    [LABEL_LEGACY_CONTROLLER_UID]: uid,
    [LABEL_CONTROLLER_UID]: uid,
    [LABEL_LEGACY_JOB_NAME]: name,
    [LABEL_JOB_NAME]: name,
  };
}

const selectorCache = new WeakMap<KubeObject, Selector>();

/**
 * The Job's selector: `spec.selector` when given, otherwise the one upstream's strategy would have
 * generated (`batch.kubernetes.io/controller-uid=<uid>`). The API server here leaves the field
 * unset and it is immutable afterwards, so the controller applies it implicitly.
 */
export function jobSelector(job: KubeObject): Selector {
  let s = selectorCache.get(job);
  if (!s) {
    const given = jobSpec(job).selector;
    s = given ? selectorFromLabelSelector(given) : selectorFromSet({ [LABEL_CONTROLLER_UID]: job.metadata.uid! });
    selectorCache.set(job, s);
  }
  return s;
}

/** getFinishedTime: the latest container finish, else the Ready transition, else NaN. */
export function podFinishTime(pod: KubeObject): number {
  const status = (pod as Pod).status;
  let latest = NaN;
  for (const cs of [...(status?.initContainerStatuses ?? []), ...(status?.containerStatuses ?? [])]) {
    const t = timeOf(cs.state?.terminated?.finishedAt);
    if (!Number.isNaN(t) && !(t <= latest)) latest = t;
  }
  if (!Number.isNaN(latest)) return latest;
  const ready = (status?.conditions ?? []).find((c) => c.type === 'Ready');
  return timeOf(ready?.lastTransitionTime);
}

/**
 * The pod-failure backoff (backoff_utils.go): failures counted since the last success, the
 * delay 10 s × 2^(failures−1) capped, measured from the last failure. Returns the ms still to
 * wait before the next pod may be created (0 when none).
 *
 * Worked example: pods fail at t=0 and t=12 s (no success in between): two failures, delay 20 s
 * from the last one, so the third pod is created at t=32 s.
 */
export function remainingBackoff(pods: readonly KubeObject[], now: number): number {
  let lastSuccess = -Infinity;
  for (const p of pods) {
    if (podPhase(p) === 'Succeeded') lastSuccess = Math.max(lastSuccess, finishOr(p, now));
  }
  let failures = 0;
  let lastFailure = -Infinity;
  for (const p of pods) {
    if (podPhase(p) !== 'Failed') continue;
    const t = finishOr(p, now);
    if (t < lastSuccess) continue;
    failures++;
    lastFailure = Math.max(lastFailure, t);
  }
  if (failures === 0) return 0;
  const delay = Math.min(MAX_POD_FAILURE_BACKOFF_MS, POD_FAILURE_BACKOFF_MS * 2 ** (failures - 1));
  return Math.max(0, lastFailure + delay - now);
}

function finishOr(pod: KubeObject, now: number): number {
  const t = podFinishTime(pod);
  return Number.isNaN(t) ? now : t;
}

/**
 * pastBackoffLimitOnFailure: with restartPolicy OnFailure the kubelet restarts containers in
 * place and pods never fail, so the restarts of running and pending pods count instead.
 */
export function pastBackoffLimitOnFailure(job: KubeObject, pods: readonly KubeObject[]): boolean {
  const spec = jobSpec(job);
  if (spec.template?.spec?.restartPolicy !== 'OnFailure') return false;
  let restarts = 0;
  for (const p of pods) {
    const phase = podPhase(p);
    if (phase !== 'Running' && phase !== 'Pending') continue;
    const st = (p as Pod).status;
    for (const cs of [...(st?.initContainerStatuses ?? []), ...(st?.containerStatuses ?? [])]) {
      restarts += cs.restartCount ?? 0;
    }
  }
  const limit = spec.backoffLimit ?? 6;
  return limit === 0 ? restarts > 0 : restarts >= limit;
}

/** getCompletionIndex: the pod's index annotation, or -1 when absent or malformed. */
export function completionIndex(pod: KubeObject): number {
  const v = pod.metadata.annotations?.[COMPLETION_INDEX] ?? pod.metadata.labels?.[COMPLETION_INDEX];
  if (v === undefined || !/^[0-9]+$/.test(v)) return -1;
  return Number(v);
}

/** The `status.completedIndexes` text: sorted intervals, `0-2,4`. */
export function formatIndexes(indexes: Iterable<number>): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(j > i ? `${sorted[i]}-${sorted[j]}` : `${sorted[i]}`);
    i = j + 1;
  }
  return parts.join(',');
}
