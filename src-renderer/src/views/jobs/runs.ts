// Jobs as runs: outcome, duration and completions progress of a Job, and a CronJob's history of
// runs (the Jobs it owns), newest first. Pure, unit-tested.
import type { KubeObject } from '../../../../src-main/ipc/contract';
import { formatDuration } from '../probes/timeline';

interface JobSpec {
  completions?: number | null;
  parallelism?: number | null;
  suspend?: boolean;
  backoffLimit?: number;
}
interface JobStatus {
  active?: number;
  succeeded?: number;
  failed?: number;
  startTime?: string;
  completionTime?: string;
  conditions?: { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string }[];
}

export type Outcome = 'Complete' | 'Failed' | 'Running' | 'Suspended' | 'Pending';

export interface JobRun {
  name: string;
  namespace: string;
  outcome: Outcome;
  /** Why it failed (BackoffLimitExceeded, DeadlineExceeded…) when it did. */
  reason?: string;
  started?: number;
  finished?: number;
  durationMs?: number;
  /** `3/5` */
  completions: string;
  /** 0…1 */
  progress: number;
  manual: boolean;
  object: KubeObject;
}

const spec = (job: KubeObject) => (job.spec ?? {}) as JobSpec;
const status = (job: KubeObject) => (job.status ?? {}) as JobStatus;
const condition = (job: KubeObject, type: string) =>
  status(job).conditions?.find((c) => c.type === type && c.status === 'True');

export function jobOutcome(job: KubeObject): { outcome: Outcome; reason?: string } {
  const failed = condition(job, 'Failed');
  if (failed) return { outcome: 'Failed', reason: failed.reason };
  if (condition(job, 'Complete')) return { outcome: 'Complete' };
  if (spec(job).suspend) return { outcome: 'Suspended' };
  if (status(job).startTime || status(job).active) return { outcome: 'Running' };
  return { outcome: 'Pending' };
}

/** Completions done / wanted (a Job without `completions` wants one success per pod, at least one). */
export function jobProgress(job: KubeObject): { done: number; wanted: number; text: string; ratio: number } {
  const wanted = spec(job).completions ?? 1;
  const done = status(job).succeeded ?? 0;
  const ratio = wanted > 0 ? Math.min(1, done / wanted) : 1;
  return { done, wanted, text: `${done}/${wanted}`, ratio };
}

export function jobRun(job: KubeObject, now: number): JobRun {
  const s = status(job);
  const { outcome, reason } = jobOutcome(job);
  const started = s.startTime ? Date.parse(s.startTime) : undefined;
  const failedAt = condition(job, 'Failed')?.lastTransitionTime;
  const finishedText = s.completionTime ?? (outcome === 'Failed' ? failedAt : undefined);
  const finished = finishedText ? Date.parse(finishedText) : undefined;
  const p = jobProgress(job);
  return {
    name: job.metadata.name ?? '',
    namespace: job.metadata.namespace ?? '',
    outcome,
    ...(reason ? { reason } : {}),
    ...(started !== undefined ? { started } : {}),
    ...(finished !== undefined ? { finished } : {}),
    ...(started !== undefined ? { durationMs: (finished ?? now) - started } : {}),
    completions: p.text,
    progress: p.ratio,
    manual: job.metadata.annotations?.['cronjob.kubernetes.io/instantiate'] === 'manual',
    object: job,
  };
}

/** The runs of the CronJob with `uid` among `jobs`, newest first. */
export function cronJobRuns(jobs: readonly KubeObject[], uid: string | undefined, now: number): JobRun[] {
  if (!uid) return [];
  return jobs
    .filter((j) => j.metadata.ownerReferences?.some((o) => o.kind === 'CronJob' && o.uid === uid))
    .map((j) => jobRun(j, now))
    .sort(
      (a, b) =>
        (b.started ?? Date.parse(b.object.metadata.creationTimestamp ?? '')) -
          (a.started ?? Date.parse(a.object.metadata.creationTimestamp ?? '')) || b.name.localeCompare(a.name),
    );
}

/** `1 m 5 s`, or `—` when it has not started. */
export function durationText(run: Pick<JobRun, 'durationMs'>): string {
  return run.durationMs === undefined ? '—' : formatDuration(run.durationMs);
}
