import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src-main/engine/api/types.js';
import { deepCopy } from '../../../src-main/engine/api/types.js';
import { rfc3339 } from '../../../src-main/engine/clock.js';
import { EventRecorder } from '../../../src-main/engine/controllers/events.js';
import type { StartControllersOptions } from '../../../src-main/engine/controllers/index.js';
import { JobController } from '../../../src-main/engine/controllers/job/job-controller.js';
import { formatIndexes, remainingBackoff } from '../../../src-main/engine/controllers/job/job-util.js';
import { bind, events, get, harness, markReady, pods, podsRef, reapTerminating, type Harness } from './helpers.js';

let h: Harness | undefined;
let jc: JobController | undefined;
afterEach(async () => {
  jc?.stop();
  jc = undefined;
  await h?.stop();
  h = undefined;
});

const jobsRef = (name?: string, subresource?: string) => ({
  group: 'batch',
  resource: 'jobs',
  namespace: 'default',
  name,
  subresource,
});

/** A harness with the Job controller running beside the built-in ones. */
async function jobHarness(): Promise<Harness> {
  // The test runs its own instance (and, for CronJobs, no Job controller), whether or not
  // startControllers runs these controllers yet.
  const hh = await harness({ jobs: false } as unknown as StartControllersOptions);
  jc = new JobController({
    api: hh.api,
    clock: hh.clock,
    informers: hh.ctrl.informers,
    recorder: (c) => new EventRecorder(hh.api, c),
  });
  // The shared informers already started: start the job informer (new) explicitly.
  hh.ctrl.informers.start();
  const settle = hh.settle;
  hh.settle = async () => {
    for (let i = 0; i < 5; i++) {
      await settle();
      await jc!.whenIdle();
      await hh.engine.gc.whenIdle();
      await hh.engine.store.flush();
    }
  };
  return hh;
}

function job(
  name: string,
  o: {
    completions?: number;
    parallelism?: number;
    backoffLimit?: number;
    activeDeadlineSeconds?: number;
    ttlSecondsAfterFinished?: number;
    completionMode?: 'Indexed' | 'NonIndexed';
    suspend?: boolean;
  } = {},
): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name },
    spec: {
      ...o,
      template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox:1.36' }] } },
    },
  };
}

const jobStatus = (hh: Harness, name: string) =>
  (get(hh, `batch/jobs/default/${name}`)?.status ?? {}) as Record<string, unknown> & {
    conditions?: { type: string; status: string; reason: string; message: string }[];
  };

const condition = (hh: Harness, name: string, type: string) =>
  jobStatus(hh, name).conditions?.find((c) => c.type === type);

const live = (hh: Harness) => pods(hh).filter((p) => !p.metadata.deletionTimestamp && !finished(p));
const finished = (p: KubeObject) => ['Succeeded', 'Failed'].includes((p.status as { phase?: string })?.phase ?? '');

/** The kubelet's report of a finished pod: phase and the container's exit time. */
async function finish(hh: Harness, pod: KubeObject, phase: 'Succeeded' | 'Failed'): Promise<void> {
  const latest = get(hh, `/pods/default/${pod.metadata.name}`)!;
  const body = deepCopy(latest);
  const at = rfc3339(hh.clock.now());
  body.status = {
    ...(latest.status as object),
    phase,
    containerStatuses: [
      {
        name: 'main',
        image: 'busybox:1.36',
        imageID: '',
        ready: false,
        restartCount: 0,
        state: { terminated: { exitCode: phase === 'Succeeded' ? 0 : 1, finishedAt: at, startedAt: at } },
      },
    ],
  };
  await hh.api.update(podsRef('default', pod.metadata.name, 'status'), body);
}

describe('Job controller', () => {
  it('runs completions 3 with parallelism 2 to Complete, two pods at a time, with Kubernetes labels and events', async () => {
    h = await jobHarness();
    await h.api.create(jobsRef(), job('pi', { completions: 3, parallelism: 2 }));
    await h.settle();
    const uid = get(h, 'batch/jobs/default/pi')!.metadata.uid!;
    let running = live(h);
    expect(running).toHaveLength(2);
    expect(running[0].metadata.labels).toMatchObject({
      'controller-uid': uid,
      'batch.kubernetes.io/controller-uid': uid,
      'job-name': 'pi',
      'batch.kubernetes.io/job-name': 'pi',
    });
    expect(running[0].metadata.name).toMatch(/^pi-[a-z0-9]{5}$/);
    expect(jobStatus(h, 'pi')).toMatchObject({ active: 2, ready: 0, startTime: rfc3339(h.clock.now()) });

    await markReady(h, running[0]);
    await h.settle();
    expect(jobStatus(h, 'pi').ready).toBe(1);

    await finish(h, running[0], 'Succeeded');
    await h.settle();
    running = live(h);
    // Two completions remain: one running, one new.
    expect(running).toHaveLength(2);
    expect(jobStatus(h, 'pi')).toMatchObject({ active: 2, succeeded: 1 });

    await finish(h, running[0], 'Succeeded');
    await h.settle();
    // Only one completion remains: the running pod covers it, nothing new starts.
    expect(live(h)).toHaveLength(1);
    h.clock.advance(5000);
    await finish(h, live(h)[0], 'Succeeded');
    await h.settle();

    const st = jobStatus(h, 'pi');
    expect(st).toMatchObject({ succeeded: 3, ready: 0, completionTime: rfc3339(h.clock.now()) });
    expect(st.active).toBeUndefined();
    expect(st.conditions).toEqual([
      expect.objectContaining({ type: 'SuccessCriteriaMet', status: 'True', reason: 'CompletionsReached' }),
      expect.objectContaining({ type: 'Complete', status: 'True', reason: 'CompletionsReached' }),
    ]);
    expect(events(h, 'SuccessfulCreate')).toHaveLength(3);
    expect(events(h, 'SuccessfulCreate')[0].message).toMatch(/^Created pod: pi-/);
    expect(events(h, 'Completed')).toEqual([expect.objectContaining({ message: 'Job completed', name: 'pi' })]);
    expect(pods(h)).toHaveLength(3);
  });

  it('fails with BackoffLimitExceeded once more pods failed than backoffLimit, waiting 10 s then 20 s between retries', async () => {
    h = await jobHarness();
    await h.api.create(jobsRef(), job('flaky', { backoffLimit: 2 }));
    await h.settle();
    await finish(h, live(h)[0], 'Failed');
    await h.settle();
    // The first failure holds the next pod back for 10 s.
    expect(live(h)).toHaveLength(0);
    expect(jobStatus(h, 'flaky')).toMatchObject({ failed: 1 });
    h.clock.advance(9_000);
    await h.settle();
    expect(live(h)).toHaveLength(0);
    h.clock.advance(1_000);
    await h.settle();
    expect(live(h)).toHaveLength(1);

    await finish(h, live(h)[0], 'Failed');
    await h.settle();
    h.clock.advance(19_000);
    await h.settle();
    expect(live(h)).toHaveLength(0);
    h.clock.advance(1_000);
    await h.settle();
    expect(live(h)).toHaveLength(1);

    await finish(h, live(h)[0], 'Failed');
    await h.settle();
    const st = jobStatus(h, 'flaky');
    expect(st.failed).toBe(3);
    expect(st.completionTime).toBeUndefined();
    expect(st.conditions).toEqual([
      expect.objectContaining({ type: 'FailureTarget', status: 'True', reason: 'BackoffLimitExceeded' }),
      expect.objectContaining({
        type: 'Failed',
        status: 'True',
        reason: 'BackoffLimitExceeded',
        message: 'Job has reached the specified backoff limit',
      }),
    ]);
    expect(events(h, 'BackoffLimitExceeded')).toEqual([expect.objectContaining({ type: 'Warning' })]);
    h.clock.advance(10 * 60_000);
    await h.settle();
    expect(live(h)).toHaveLength(0);
  });

  it('fails with DeadlineExceeded after activeDeadlineSeconds and deletes its active pods', async () => {
    h = await jobHarness();
    await h.api.create(jobsRef(), job('slow', { parallelism: 2, completions: 4, activeDeadlineSeconds: 30 }));
    await h.settle();
    expect(live(h)).toHaveLength(2);
    h.clock.advance(29_000);
    await h.settle();
    expect(jobStatus(h, 'slow').conditions).toBeUndefined();
    h.clock.advance(1_000);
    await h.settle();
    expect(live(h)).toHaveLength(0);
    const st = jobStatus(h, 'slow');
    expect(st.active).toBeUndefined();
    expect(st.conditions).toEqual([
      expect.objectContaining({ type: 'FailureTarget', status: 'True', reason: 'DeadlineExceeded' }),
      expect.objectContaining({
        type: 'Failed',
        reason: 'DeadlineExceeded',
        message: 'Job was active longer than specified deadline',
      }),
    ]);
    expect(events(h, 'DeadlineExceeded')).toEqual([expect.objectContaining({ type: 'Warning', name: 'slow' })]);
    expect(events(h, 'SuccessfulDelete')).toHaveLength(2);
  });

  it('holds FailureTarget until its deleted pods have terminated, then adds Failed', async () => {
    h = await jobHarness();
    await h.api.create(jobsRef(), job('graceful', { activeDeadlineSeconds: 10 }));
    await h.settle();
    await bind(h, live(h)[0]);
    h.clock.advance(10_000);
    await h.settle();
    // The pod is terminating (bound: the kubelet must stop it first).
    expect(jobStatus(h, 'graceful')).toMatchObject({ terminating: 1 });
    expect(condition(h, 'graceful', 'FailureTarget')).toMatchObject({ status: 'True', reason: 'DeadlineExceeded' });
    expect(condition(h, 'graceful', 'Failed')).toBeUndefined();
    expect(events(h, 'DeadlineExceeded')).toHaveLength(0);
    await reapTerminating(h);
    await h.settle();
    expect(condition(h, 'graceful', 'Failed')).toMatchObject({ status: 'True', reason: 'DeadlineExceeded' });
    expect(jobStatus(h, 'graceful')).toMatchObject({ terminating: 0 });
    expect(events(h, 'DeadlineExceeded')).toHaveLength(1);
  });

  it('rebuilds from the store after a restart without creating extra pods', async () => {
    h = await jobHarness();
    await h.api.create(jobsRef(), job('steady', { completions: 5, parallelism: 3 }));
    await h.settle();
    jc!.stop();
    jc = new JobController({
      api: h.api,
      clock: h.clock,
      informers: h.ctrl.informers,
      recorder: (c) => new EventRecorder(h!.api, c),
    });
    await h.settle();
    expect(live(h)).toHaveLength(3);
  });

  it('gives Indexed pods their completion index, hostname and env, and completes when every index succeeded', async () => {
    h = await jobHarness();
    await h.api.create(jobsRef(), job('idx', { completions: 3, parallelism: 2, completionMode: 'Indexed' }));
    await h.settle();
    const idxOf = (p: KubeObject) => p.metadata.annotations?.['batch.kubernetes.io/job-completion-index'];
    let running = live(h).sort((a, b) => idxOf(a)!.localeCompare(idxOf(b)!));
    expect(running.map(idxOf)).toEqual(['0', '1']);
    const p1 = running[1];
    expect(p1.metadata.name).toMatch(/^idx-1-[a-z0-9]{5}$/);
    expect(p1.metadata.labels?.['batch.kubernetes.io/job-completion-index']).toBe('1');
    const spec = p1.spec as { hostname: string; containers: { env: { name: string }[] }[] };
    expect(spec.hostname).toBe('idx-1');
    expect(spec.containers[0].env.map((e) => e.name)).toContain('JOB_COMPLETION_INDEX');

    await finish(h, p1, 'Succeeded');
    await h.settle();
    running = live(h).sort((a, b) => idxOf(a)!.localeCompare(idxOf(b)!));
    expect(running.map(idxOf)).toEqual(['0', '2']);
    expect(jobStatus(h, 'idx')).toMatchObject({ completedIndexes: '1', succeeded: 1 });
    for (const p of running) await finish(h, p, 'Succeeded');
    await h.settle();
    expect(jobStatus(h, 'idx')).toMatchObject({ completedIndexes: '0-2', succeeded: 3 });
    expect(condition(h, 'idx', 'Complete')).toMatchObject({ status: 'True' });
  });

  it('deletes active pods and sets Suspended while suspended, and starts again with a fresh startTime on resume', async () => {
    h = await jobHarness();
    await h.api.create(jobsRef(), job('sleepy', { parallelism: 2, completions: 2 }));
    await h.settle();
    expect(live(h)).toHaveLength(2);
    await h.api.patch(jobsRef('sleepy'), 'merge', { spec: { suspend: true } });
    await h.settle();
    expect(live(h)).toHaveLength(0);
    expect(jobStatus(h, 'sleepy').conditions).toEqual([
      expect.objectContaining({ type: 'Suspended', status: 'True', reason: 'JobSuspended', message: 'Job suspended' }),
    ]);
    expect(events(h, 'Suspended')).toHaveLength(1);

    h.clock.advance(60_000);
    await h.api.patch(jobsRef('sleepy'), 'merge', { spec: { suspend: false } });
    await h.settle();
    expect(live(h)).toHaveLength(2);
    const st = jobStatus(h, 'sleepy');
    expect(st.startTime).toBe(rfc3339(h.clock.now()));
    expect(st.conditions).toEqual([
      expect.objectContaining({ type: 'Suspended', status: 'False', reason: 'JobResumed' }),
    ]);
  });

  it('creates no pods for a Job created suspended and leaves startTime unset', async () => {
    h = await jobHarness();
    await h.api.create(jobsRef(), job('later', { suspend: true }));
    await h.settle();
    expect(pods(h)).toHaveLength(0);
    expect(jobStatus(h, 'later').startTime).toBeUndefined();
    expect(jobStatus(h, 'later').conditions?.[0]).toMatchObject({ type: 'Suspended', status: 'True' });
  });

  it('counts container restarts toward backoffLimit when restartPolicy is OnFailure', async () => {
    h = await jobHarness();
    const j = job('restarts', { backoffLimit: 2 });
    (j.spec as { template: { spec: { restartPolicy: string } } }).template.spec.restartPolicy = 'OnFailure';
    await h.api.create(jobsRef(), j);
    await h.settle();
    const pod = live(h)[0];
    const body = deepCopy(get(h, `/pods/default/${pod.metadata.name}`)!);
    body.status = {
      phase: 'Running',
      containerStatuses: [
        { name: 'main', image: 'busybox:1.36', imageID: '', ready: true, restartCount: 2, state: { running: {} } },
      ],
    };
    await h.api.update(podsRef('default', pod.metadata.name, 'status'), body);
    await h.settle();
    expect(condition(h, 'restarts', 'Failed')).toMatchObject({
      reason: 'BackoffLimitExceeded',
    });
    expect(live(h)).toHaveLength(0);
  });

  it('completes a work-queue Job (no completions) once one pod succeeded and the rest have finished', async () => {
    h = await jobHarness();
    await h.api.create(jobsRef(), {
      ...job('queue', { parallelism: 2 }),
      spec: { ...job('queue').spec!, parallelism: 2 },
    } as KubeObject);
    await h.settle();
    const [a, b] = live(h);
    await finish(h, a, 'Succeeded');
    await h.settle();
    // No replacement starts once any pod has succeeded.
    expect(live(h).map((p) => p.metadata.name)).toEqual([b.metadata.name]);
    expect(jobStatus(h, 'queue').conditions).toBeUndefined();
    await finish(h, b, 'Succeeded');
    await h.settle();
    expect(jobStatus(h, 'queue')).toMatchObject({ succeeded: 2 });
    expect(condition(h, 'queue', 'Complete')).toMatchObject({ status: 'True' });
  });

  it('deletes a finished Job and its pods ttlSecondsAfterFinished after it finished', async () => {
    h = await jobHarness();
    await h.api.create(jobsRef(), job('once', { ttlSecondsAfterFinished: 100 }));
    await h.settle();
    await finish(h, live(h)[0], 'Succeeded');
    await h.settle();
    expect(condition(h, 'once', 'Complete')).toMatchObject({ status: 'True' });
    h.clock.advance(99_000);
    await h.settle();
    expect(get(h, 'batch/jobs/default/once')).toBeDefined();
    h.clock.advance(1_000);
    await h.settle();
    expect(get(h, 'batch/jobs/default/once')).toBeUndefined();
    expect(pods(h)).toHaveLength(0);
  });
});

describe('Job helpers', () => {
  it('formats completed indexes as sorted intervals', () => {
    expect(formatIndexes([4, 0, 2, 1])).toBe('0-2,4');
    expect(formatIndexes([])).toBe('');
    expect(formatIndexes([3])).toBe('3');
  });

  it('caps the pod-failure backoff at six minutes', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const failedPod = (i: number): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `p${i}` },
      status: {
        phase: 'Failed',
        containerStatuses: [{ name: 'main', state: { terminated: { exitCode: 1, finishedAt: rfc3339(now) } } }],
      },
    });
    expect(remainingBackoff([failedPod(0)], now)).toBe(10_000);
    expect(remainingBackoff([0, 1, 2].map(failedPod), now)).toBe(40_000);
    expect(remainingBackoff([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(failedPod), now)).toBe(360_000);
  });
});
