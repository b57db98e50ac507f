// The decision part of syncJob (pkg/controller/job/job_controller.go), kept pure: given a Job,
// the pods it owns and the time, what to delete, what to create, which status and events result.
// The controller carries the plan out; running it again on the resulting state plans nothing new.
import type { JobCondition, JobStatus } from 'kubernetes-types/batch/v1';
import type { KubeObject } from '../../api/types.js';
import { rfc3339 } from '../../clock.js';
import { isPodActive, isPodReady, podPhase, timeOf } from '../framework/util.js';
import {
  JOB_COMPLETE,
  JOB_FAILED,
  JOB_FAILURE_TARGET,
  JOB_SUCCESS_CRITERIA_MET,
  JOB_SUSPENDED,
  REASON_BACKOFF_LIMIT_EXCEEDED,
  REASON_COMPLETIONS_REACHED,
  REASON_DEADLINE_EXCEEDED,
  REASON_JOB_RESUMED,
  REASON_JOB_SUSPENDED,
  completionIndex,
  formatIndexes,
  hasCondition,
  jobConditions,
  jobSpec,
  pastBackoffLimitOnFailure,
  remainingBackoff,
} from './job-util.js';

export interface JobEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export interface JobPlan {
  status: JobStatus;
  /** Active pods to delete (finished, suspended, over parallelism, duplicate indexes). */
  deletePods: KubeObject[];
  /** Pods to create: one entry each, the completion index for Indexed Jobs. */
  create: (number | undefined)[];
  events: JobEvent[];
  /** Sync again after this many ms (deadline or backoff), if set. */
  requeueAfter?: number;
}

/**
 * Plan one pass. `canManage` is false while the controller's expectations are unmet: the status
 * and terminal conditions are still computed, but no pods are created or deleted for scaling.
 */
export function planJob(job: KubeObject, pods: readonly KubeObject[], now: number, canManage: boolean): JobPlan {
  const spec = jobSpec(job);
  const old = (job.status ?? {}) as JobStatus;
  const status: JobStatus = { ...old, conditions: [...(old.conditions ?? [])] };
  const events: JobEvent[] = [];
  const active = pods.filter(isPodActive);
  const indexed = spec.completionMode === 'Indexed';
  const completions = spec.completions ?? undefined;
  const parallelism = spec.parallelism ?? 1;
  const suspended = spec.suspend === true;

  const succeededPods = pods.filter((p) => podPhase(p) === 'Succeeded');
  const failed = pods.filter((p) => podPhase(p) === 'Failed').length;
  const succeededIndexes = new Set<number>();
  if (indexed) {
    for (const p of succeededPods) {
      const i = completionIndex(p);
      if (i >= 0 && i < (completions ?? 0)) succeededIndexes.add(i);
    }
  }
  const succeeded = indexed ? succeededIndexes.size : succeededPods.length;

  // Suspension stops the clock of activeDeadlineSeconds: startTime is set when the Job first
  // runs and reset when it resumes.
  if (!suspended && hasCondition(job, JOB_SUSPENDED)) {
    setCondition(status, JOB_SUSPENDED, 'False', REASON_JOB_RESUMED, 'Job resumed', now);
    status.startTime = rfc3339(now);
    events.push({ type: 'Normal', reason: 'Resumed', message: 'Job resumed' });
  } else if (!suspended && !status.startTime) {
    status.startTime = rfc3339(now);
  }

  // Once decided, a verdict is kept in its interim condition (FailureTarget, SuccessCriteriaMet)
  // while the remaining pods terminate; the terminal condition follows when none is left, as
  // the 1.31+ controller does.
  const target = jobConditions(job).find((c) => c.type === JOB_FAILURE_TARGET && c.status === 'True');
  const successMet = hasCondition(job, JOB_SUCCESS_CRITERIA_MET);
  let failure: { reason: string; message: string } | undefined = target
    ? { reason: target.reason ?? '', message: target.message ?? '' }
    : undefined;
  const backoffLimit = spec.backoffLimit ?? 6;
  if (failure || successMet) {
    // decided already
  } else if (failed > backoffLimit || pastBackoffLimitOnFailure(job, active)) {
    failure = { reason: REASON_BACKOFF_LIMIT_EXCEEDED, message: 'Job has reached the specified backoff limit' };
  } else if (!suspended && spec.activeDeadlineSeconds && status.startTime) {
    const deadline = timeOf(status.startTime) + spec.activeDeadlineSeconds * 1000;
    if (now >= deadline) {
      failure = { reason: REASON_DEADLINE_EXCEEDED, message: 'Job was active longer than specified deadline' };
    }
  }

  const complete =
    !failure &&
    (successMet ||
      (indexed
        ? succeeded >= (completions ?? 0)
        : completions === undefined
          ? succeeded > 0 && active.length === 0
          : succeeded >= completions));

  let deletePods: KubeObject[] = [];
  const create: (number | undefined)[] = [];
  let requeueAfter: number | undefined;
  const terminating = pods.filter((p) => p.metadata.deletionTimestamp && isUnfinished(p)).length;
  // The terminal condition waits until no pod of the Job is running or terminating.
  const drained = active.length === 0 && terminating === 0;

  if (failure) {
    deletePods = active;
    setCondition(status, JOB_FAILURE_TARGET, 'True', failure.reason, failure.message, now);
    if (drained) {
      setCondition(status, JOB_FAILED, 'True', failure.reason, failure.message, now);
      events.push({ type: 'Warning', ...failure });
    }
  } else if (complete) {
    deletePods = active;
    const message = 'Reached expected number of succeeded pods';
    setCondition(status, JOB_SUCCESS_CRITERIA_MET, 'True', REASON_COMPLETIONS_REACHED, message, now);
    if (drained) {
      setCondition(status, JOB_COMPLETE, 'True', REASON_COMPLETIONS_REACHED, message, now);
      status.completionTime = rfc3339(now);
      events.push({ type: 'Normal', reason: 'Completed', message: 'Job completed' });
    }
  } else if (suspended) {
    deletePods = active;
    if (!hasCondition(job, JOB_SUSPENDED)) {
      setCondition(status, JOB_SUSPENDED, 'True', REASON_JOB_SUSPENDED, 'Job suspended', now);
      events.push({ type: 'Normal', reason: 'Suspended', message: 'Job suspended' });
    }
  } else {
    if (spec.activeDeadlineSeconds && status.startTime) {
      requeueAfter = Math.max(1, timeOf(status.startTime) + spec.activeDeadlineSeconds * 1000 - now);
    }
    if (canManage) {
      const wait = remainingBackoff(pods, now);
      const scale = indexed
        ? manageIndexed(active, succeededIndexes, completions ?? 0, parallelism)
        : manageNonIndexed(active, succeeded, completions, parallelism);
      deletePods = scale.delete;
      if (scale.create.length > 0 && wait > 0) requeueAfter = Math.min(requeueAfter ?? Infinity, wait);
      else create.push(...scale.create);
    }
  }

  const deleting = new Set(deletePods);
  const remaining = active.filter((p) => !deleting.has(p));
  status.active = remaining.length;
  status.ready = remaining.filter(isPodReady).length;
  status.succeeded = succeeded;
  status.failed = failed;
  status.terminating = terminating;
  if (indexed) status.completedIndexes = formatIndexes(succeededIndexes);
  return { status: compactJobStatus(status), deletePods, create, events, requeueAfter };
}

function isUnfinished(pod: KubeObject): boolean {
  const phase = podPhase(pod);
  return phase !== 'Succeeded' && phase !== 'Failed';
}

/** NonIndexed: keep min(parallelism, completions − succeeded) pods running. */
function manageNonIndexed(
  active: readonly KubeObject[],
  succeeded: number,
  completions: number | undefined,
  parallelism: number,
): { delete: KubeObject[]; create: undefined[] } {
  // A work-queue Job (no completions) starts no new pods once one has succeeded.
  const want =
    completions === undefined
      ? succeeded > 0
        ? Math.min(active.length, parallelism)
        : parallelism
      : Math.min(parallelism, completions - succeeded);
  if (active.length > want) return { delete: newestFirst(active).slice(0, active.length - want), create: [] };
  return { delete: [], create: new Array<undefined>(want - active.length).fill(undefined) };
}

/**
 * Indexed: one pod per index not yet succeeded, lowest indexes first, at most `parallelism`
 * running; pods of an already-succeeded or duplicated index are removed.
 */
function manageIndexed(
  active: readonly KubeObject[],
  succeeded: ReadonlySet<number>,
  completions: number,
  parallelism: number,
): { delete: KubeObject[]; create: number[] } {
  const doomed: KubeObject[] = [];
  const running = new Set<number>();
  for (const p of active) {
    const i = completionIndex(p);
    if (i < 0 || i >= completions || succeeded.has(i) || running.has(i)) doomed.push(p);
    else running.add(i);
  }
  const keep = active.filter((p) => !doomed.includes(p));
  if (keep.length > parallelism) {
    const extra = newestFirst(keep).slice(0, keep.length - parallelism);
    return { delete: [...doomed, ...extra], create: [] };
  }
  const create: number[] = [];
  for (let i = 0; i < completions && keep.length + create.length < parallelism; i++) {
    if (!succeeded.has(i) && !running.has(i)) create.push(i);
  }
  return { delete: doomed, create };
}

function newestFirst(pods: readonly KubeObject[]): KubeObject[] {
  return [...pods].sort(
    (a, b) => (timeOf(b.metadata.creationTimestamp) || 0) - (timeOf(a.metadata.creationTimestamp) || 0),
  );
}

/**
 * ensureJobConditionStatus: a new status starts a new transition; the same status only refreshes
 * reason and message, keeping lastTransitionTime.
 */
export function setCondition(
  status: JobStatus,
  type: string,
  value: 'True' | 'False',
  reason: string,
  message: string,
  now: number,
): void {
  const conditions = status.conditions ?? [];
  const ts = rfc3339(now);
  const i = conditions.findIndex((c) => c.type === type);
  const existing = conditions[i];
  if (existing && existing.status === value) {
    if (existing.reason !== reason || existing.message !== message) {
      conditions[i] = { ...existing, reason, message, lastProbeTime: ts };
    }
  } else {
    const cond: JobCondition = { type, status: value, lastProbeTime: ts, lastTransitionTime: ts, reason, message };
    if (existing) conditions[i] = cond;
    else conditions.push(cond);
  }
  status.conditions = conditions;
}

/** Drop empty `omitempty` fields; `ready`, `terminating` and `uncountedTerminatedPods` are always written. */
export function compactJobStatus(s: JobStatus): JobStatus {
  const out: Record<string, unknown> = {};
  if (s.conditions && s.conditions.length > 0) out.conditions = s.conditions;
  if (s.startTime) out.startTime = s.startTime;
  if (s.completionTime) out.completionTime = s.completionTime;
  if (s.active) out.active = s.active;
  if (s.succeeded) out.succeeded = s.succeeded;
  if (s.failed) out.failed = s.failed;
  if (s.completedIndexes) out.completedIndexes = s.completedIndexes;
  out.uncountedTerminatedPods = {};
  out.ready = s.ready ?? 0;
  out.terminating = s.terminating ?? 0;
  return out as JobStatus;
}
