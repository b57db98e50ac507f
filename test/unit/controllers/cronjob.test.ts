import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src-main/engine/api/types.js';
import { deepCopy } from '../../../src-main/engine/api/types.js';
import { parseCron, type CronSchedule } from '../../../src-main/engine/api/cron.js';
import { rfc3339 } from '../../../src-main/engine/clock.js';
import { EventRecorder } from '../../../src-main/engine/controllers/events.js';
import type { StartControllersOptions } from '../../../src-main/engine/controllers/index.js';
import { CronJobController } from '../../../src-main/engine/controllers/cronjob/cronjob-controller.js';
import {
  formatInZone,
  mostRecentScheduleTime,
  runNow,
} from '../../../src-main/engine/controllers/cronjob/cronjob-util.js';
import { events, get, harness, type Harness } from './helpers.js';

let h: Harness | undefined;
let cc: CronJobController | undefined;
afterEach(async () => {
  cc?.stop();
  cc = undefined;
  await h?.stop();
  h = undefined;
});

const MIN = 60_000;
/** FakeClock's epoch, 2026-01-01T00:00:00Z, in minutes: Job names are `<cronjob>-<minutes>`. */
const T0_MIN = Date.parse('2026-01-01T00:00:00Z') / MIN;

const cronJobsRef = (name?: string, subresource?: string) => ({
  group: 'batch',
  resource: 'cronjobs',
  namespace: 'default',
  name,
  subresource,
});
const jobsRef = (name?: string, subresource?: string) => ({
  group: 'batch',
  resource: 'jobs',
  namespace: 'default',
  name,
  subresource,
});

/** A harness with the CronJob controller running (no Job controller: tests finish Jobs by hand). */
async function cronHarness(): Promise<Harness> {
  // The test runs its own instance (and, for CronJobs, no Job controller), whether or not
  // startControllers runs these controllers yet.
  const hh = await harness({ jobs: false, cronJobs: false } as unknown as StartControllersOptions);
  cc = new CronJobController({
    api: hh.api,
    clock: hh.clock,
    informers: hh.ctrl.informers,
    recorder: (c) => new EventRecorder(hh.api, c),
  });
  hh.ctrl.informers.start();
  const settle = hh.settle;
  hh.settle = async () => {
    for (let i = 0; i < 5; i++) {
      await settle();
      await cc!.whenIdle();
      await hh.engine.gc.whenIdle();
      await hh.engine.store.flush();
    }
  };
  return hh;
}

function cronJob(
  name: string,
  schedule: string,
  o: {
    concurrencyPolicy?: 'Allow' | 'Forbid' | 'Replace';
    startingDeadlineSeconds?: number;
    suspend?: boolean;
    timeZone?: string;
    successfulJobsHistoryLimit?: number;
    failedJobsHistoryLimit?: number;
  } = {},
): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name },
    spec: {
      schedule,
      ...o,
      jobTemplate: {
        metadata: { labels: { app: name }, annotations: { team: 'ops' } },
        spec: {
          template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'main', image: 'busybox:1.36' }] } },
        },
      },
    },
  };
}

const jobs = (hh: Harness) =>
  hh.engine.store
    .list('batch/jobs', 'default')
    .filter((j) => !j.metadata.deletionTimestamp)
    .map((j) => j.metadata.name!)
    .sort();

const cjStatus = (hh: Harness, name: string) =>
  (get(hh, `batch/cronjobs/default/${name}`)?.status ?? {}) as {
    active?: { name: string; kind: string; uid: string }[];
    lastScheduleTime?: string;
    lastSuccessfulTime?: string;
  };

/** Finish a Job as the Job controller would: a Complete or Failed condition. */
async function finishJob(hh: Harness, name: string, how: 'Complete' | 'Failed'): Promise<void> {
  const job = get(hh, `batch/jobs/default/${name}`)!;
  const body = deepCopy(job);
  const now = rfc3339(hh.clock.now());
  body.status = {
    startTime: job.metadata.creationTimestamp,
    ...(how === 'Complete' ? { completionTime: now, succeeded: 1 } : { failed: 1 }),
    conditions: [
      { type: how, status: 'True', lastProbeTime: now, lastTransitionTime: now, reason: 'Test', message: 'test' },
    ],
  };
  await hh.api.update(jobsRef(name, 'status'), body);
}

/**
 * Create a CronJob and move one second on: the controller requeues 100 ms after each scheduled
 * time (nextScheduleDelta), so whole-minute steps from here land just after each tick.
 */
async function createCronJob(hh: Harness, cj: KubeObject): Promise<void> {
  await hh.api.create(cronJobsRef(), cj);
  await hh.settle();
  hh.clock.advance(1000);
  await hh.settle();
}

/** Advance the fake clock in one-minute steps, letting the controller react at each tick. */
async function advanceMinutes(hh: Harness, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    hh.clock.advance(MIN);
    await hh.settle();
  }
}

describe('CronJob controller', () => {
  it('creates a Job named <cronjob>-<minutes since epoch> at each schedule tick, owned and annotated', async () => {
    h = await cronHarness();
    await createCronJob(h, cronJob('tick', '*/5 * * * *', { timeZone: 'UTC' }));
    await h.settle();
    expect(jobs(h)).toEqual([]);
    await advanceMinutes(h, 4);
    expect(jobs(h)).toEqual([]);
    await advanceMinutes(h, 1);
    expect(jobs(h)).toEqual([`tick-${T0_MIN + 5}`]);

    const job = get(h, `batch/jobs/default/tick-${T0_MIN + 5}`)!;
    const cj = get(h, 'batch/cronjobs/default/tick')!;
    expect(job.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'CronJob', name: 'tick', uid: cj.metadata.uid, controller: true }),
    ]);
    expect(job.metadata.annotations).toEqual({
      team: 'ops',
      'batch.kubernetes.io/cronjob-scheduled-timestamp': '2026-01-01T00:05:00Z',
    });
    expect(job.metadata.labels).toEqual({ app: 'tick' });
    expect(cjStatus(h, 'tick')).toMatchObject({
      lastScheduleTime: '2026-01-01T00:05:00Z',
      active: [expect.objectContaining({ kind: 'Job', name: `tick-${T0_MIN + 5}`, uid: job.metadata.uid })],
    });
    expect(events(h, 'SuccessfulCreate').map((e) => e.message)).toEqual([`Created job tick-${T0_MIN + 5}`]);

    await advanceMinutes(h, 5);
    expect(jobs(h)).toEqual([`tick-${T0_MIN + 10}`, `tick-${T0_MIN + 5}`].sort());
    expect(cjStatus(h, 'tick').active).toHaveLength(2);
  });

  it('records SawCompletedJob and lastSuccessfulTime when an active Job completes', async () => {
    h = await cronHarness();
    await createCronJob(h, cronJob('done', '* * * * *'));
    await advanceMinutes(h, 1);
    const name = `done-${T0_MIN + 1}`;
    h.clock.advance(20_000);
    await finishJob(h, name, 'Complete');
    await h.settle();
    expect(cjStatus(h, 'done').active).toBeUndefined();
    expect(cjStatus(h, 'done').lastSuccessfulTime).toBe('2026-01-01T00:01:21Z');
    expect(events(h, 'SawCompletedJob').map((e) => e.message)).toEqual([
      `Saw completed job: ${name}, condition: Complete`,
    ]);
  });

  it('skips a tick with JobAlreadyActive under Forbid while the previous Job runs, and starts it once that Job ends', async () => {
    h = await cronHarness();
    await createCronJob(h, cronJob('forbid', '* * * * *', { concurrencyPolicy: 'Forbid' }));
    await advanceMinutes(h, 1);
    expect(jobs(h)).toEqual([`forbid-${T0_MIN + 1}`]);
    await advanceMinutes(h, 1);
    // 00:02: the 00:01 Job still runs, so nothing new starts.
    expect(jobs(h)).toEqual([`forbid-${T0_MIN + 1}`]);
    expect(events(h, 'JobAlreadyActive')).toEqual([
      expect.objectContaining({
        type: 'Normal',
        message: 'Not starting job because prior execution is running and concurrency policy is Forbid',
      }),
    ]);
    expect(cjStatus(h, 'forbid').lastScheduleTime).toBe('2026-01-01T00:01:00Z');

    // The running Job ends at 00:02:30: the unmet 00:02 run starts late, as upstream does.
    h.clock.advance(30_000);
    await finishJob(h, `forbid-${T0_MIN + 1}`, 'Complete');
    await h.settle();
    expect(jobs(h)).toEqual([`forbid-${T0_MIN + 1}`, `forbid-${T0_MIN + 2}`]);
    expect(cjStatus(h, 'forbid').active?.map((r) => r.name)).toEqual([`forbid-${T0_MIN + 2}`]);
  });

  it('deletes the running Job and starts the new one under Replace', async () => {
    h = await cronHarness();
    await createCronJob(h, cronJob('swap', '* * * * *', { concurrencyPolicy: 'Replace' }));
    await advanceMinutes(h, 1);
    await advanceMinutes(h, 1);
    expect(jobs(h)).toEqual([`swap-${T0_MIN + 2}`]);
    expect(cjStatus(h, 'swap').active?.map((r) => r.name)).toEqual([`swap-${T0_MIN + 2}`]);
    expect(events(h, 'SuccessfulDelete').map((e) => e.message)).toEqual([`Deleted job swap-${T0_MIN + 1}`]);
  });

  it('keeps only the newest successfulJobsHistoryLimit and failedJobsHistoryLimit finished Jobs', async () => {
    h = await cronHarness();
    await createCronJob(h, cronJob('hist', '* * * * *', { successfulJobsHistoryLimit: 2, failedJobsHistoryLimit: 1 }));
    for (let i = 1; i <= 4; i++) {
      await advanceMinutes(h, 1);
      await finishJob(h, `hist-${T0_MIN + i}`, 'Complete');
      await h.settle();
    }
    expect(jobs(h)).toEqual([`hist-${T0_MIN + 3}`, `hist-${T0_MIN + 4}`]);
    for (let i = 5; i <= 6; i++) {
      await advanceMinutes(h, 1);
      await finishJob(h, `hist-${T0_MIN + i}`, 'Failed');
      await h.settle();
    }
    expect(jobs(h)).toEqual([`hist-${T0_MIN + 3}`, `hist-${T0_MIN + 4}`, `hist-${T0_MIN + 6}`]);
  });

  it('skips a run missed by more than startingDeadlineSeconds but starts it without a deadline', async () => {
    h = await cronHarness();
    await createCronJob(h, cronJob('strict', '*/5 * * * *', { suspend: true, startingDeadlineSeconds: 60 }));
    await createCronJob(h, cronJob('lenient', '*/5 * * * *', { suspend: true }));
    await h.settle();
    // The 00:05 run is missed while suspended; at 00:07 both are resumed.
    h.clock.advance(7 * MIN);
    await h.settle();
    await h.api.patch(cronJobsRef('strict'), 'merge', { spec: { suspend: false } });
    await h.api.patch(cronJobsRef('lenient'), 'merge', { spec: { suspend: false } });
    await h.settle();
    expect(jobs(h)).toEqual([`lenient-${T0_MIN + 5}`]);
    expect(cjStatus(h, 'strict').lastScheduleTime).toBeUndefined();
    // The next run, in time, starts normally.
    await advanceMinutes(h, 3);
    expect(jobs(h)).toEqual([`lenient-${T0_MIN + 10}`, `lenient-${T0_MIN + 5}`, `strict-${T0_MIN + 10}`].sort());
  });

  it('creates nothing while suspended', async () => {
    h = await cronHarness();
    await createCronJob(h, cronJob('paused', '* * * * *'));
    await advanceMinutes(h, 1);
    expect(jobs(h)).toHaveLength(1);
    await h.api.patch(cronJobsRef('paused'), 'merge', { spec: { suspend: true } });
    await h.settle();
    await advanceMinutes(h, 5);
    expect(jobs(h)).toHaveLength(1);
  });

  it('evaluates the schedule on the wall clock of spec.timeZone', async () => {
    h = await cronHarness();
    // 09:00 in Tokyo (UTC+9) is 00:00 UTC; 01:00 in Tokyo is 16:00 UTC the day before.
    await createCronJob(h, cronJob('tokyo', '0 1 * * *', { timeZone: 'Asia/Tokyo' }));
    await h.settle();
    h.clock.advance(15 * 60 * MIN + 59 * MIN);
    await h.settle();
    expect(jobs(h)).toEqual([]);
    await advanceMinutes(h, 1);
    const name = `tokyo-${T0_MIN + 16 * 60}`;
    expect(jobs(h)).toEqual([name]);
    expect(get(h, `batch/jobs/default/${name}`)!.metadata.annotations).toMatchObject({
      'batch.kubernetes.io/cronjob-scheduled-timestamp': '2026-01-02T01:00:00+09:00',
    });
  });

  it('adopts its own Job after a crash lost the status write, instead of failing on AlreadyExists', async () => {
    h = await cronHarness();
    await createCronJob(h, cronJob('crash', '* * * * *', { suspend: true }));
    const cj = get(h, 'batch/cronjobs/default/crash')!;
    // The Job of 00:01 exists, but the CronJob's status never recorded it.
    const { jobFromCronJob } = await import('../../../src-main/engine/controllers/cronjob/cronjob-util.js');
    await h.api.create(jobsRef(), jobFromCronJob(cj, Date.parse('2026-01-01T00:01:00Z')));
    h.clock.advance(MIN);
    await h.api.patch(cronJobsRef('crash'), 'merge', { spec: { suspend: false } });
    await h.settle();
    expect(jobs(h)).toEqual([`crash-${T0_MIN + 1}`]);
    expect(cjStatus(h, 'crash')).toMatchObject({
      lastScheduleTime: '2026-01-01T00:01:00Z',
      active: [expect.objectContaining({ name: `crash-${T0_MIN + 1}` })],
    });
  });

  it('drops an active Job that was deleted behind its back, so Forbid is not blocked for ever', async () => {
    h = await cronHarness();
    await createCronJob(h, cronJob('gone', '* * * * *', { concurrencyPolicy: 'Forbid' }));
    await advanceMinutes(h, 1);
    await h.api.delete(jobsRef(`gone-${T0_MIN + 1}`), { propagationPolicy: 'Background' });
    await h.settle();
    expect(cjStatus(h, 'gone').active).toBeUndefined();
    expect(events(h, 'MissingJob')).toEqual([
      expect.objectContaining({ type: 'Normal', message: `Active job went missing: gone-${T0_MIN + 1}` }),
    ]);
    await advanceMinutes(h, 1);
    expect(jobs(h)).toEqual([`gone-${T0_MIN + 2}`]);
  });

  it('warns TooManyMissedTimes when more than 100 start times were missed', async () => {
    h = await cronHarness();
    await createCronJob(h, cronJob('late', '* * * * *', { suspend: true }));
    await h.settle();
    h.clock.advance(200 * MIN);
    await h.api.patch(cronJobsRef('late'), 'merge', { spec: { suspend: false } });
    await h.settle();
    expect(events(h, 'TooManyMissedTimes')[0].message).toBe(
      'too many missed start times: 200. Set or decrease .spec.startingDeadlineSeconds or check clock skew',
    );
    // Only the most recent missed run is started.
    expect(jobs(h)).toEqual([`late-${T0_MIN + 200}`]);
  });
});

describe('CronJob helpers', () => {
  it('runNow builds the Job kubectl create job --from=cronjob builds, with the manual annotation', async () => {
    h = await cronHarness();
    await createCronJob(h, cronJob('nightly', '@daily'));
    const cj = get(h, 'batch/cronjobs/default/nightly')!;
    const job = runNow(cj, h.clock.now(), 'nightly-by-hand');
    expect(job.metadata).toEqual({
      name: 'nightly-by-hand',
      namespace: 'default',
      labels: { app: 'nightly' },
      annotations: { team: 'ops', 'cronjob.kubernetes.io/instantiate': 'manual' },
      ownerReferences: [
        { apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly', uid: cj.metadata.uid, controller: true },
      ],
    });
    const created = await h.api.create(jobsRef(), job);
    expect(created.spec).toMatchObject({ template: { spec: { restartPolicy: 'OnFailure' } } });
    expect(runNow(cj, h.clock.now()).metadata.name).toMatch(/^nightly-manual-[a-z0-9]+$/);
    expect(
      runNow({ ...cj, metadata: { ...cj.metadata, name: 'x'.repeat(52) } }, h.clock.now()).metadata.name!.length,
    ).toBeLessThanOrEqual(63);
  });

  it('finds the most recent unmet time and counts missed ones, honouring the starting deadline', () => {
    const sched = parseCron('*/5 * * * *') as CronSchedule;
    const at = (hhmm: string) => Date.parse(`2026-01-01T${hhmm}:00Z`);
    const cj = (last: string): KubeObject => ({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'x', creationTimestamp: '2026-01-01T00:00:00Z' },
      spec: { schedule: '*/5 * * * *', timeZone: 'UTC', startingDeadlineSeconds: 60 },
      status: { lastScheduleTime: `2026-01-01T${last}:00Z` },
    });
    expect(mostRecentScheduleTime(cj('00:05'), at('00:31'), sched, false)).toEqual({ time: at('00:30'), missed: 5 });
    expect(mostRecentScheduleTime(cj('00:05'), at('00:32'), sched, true)).toEqual({ time: null, missed: 0 });
    expect(mostRecentScheduleTime(cj('00:05'), at('00:09'), sched, false)).toEqual({ time: null, missed: 0 });
  });

  it('formats scheduled timestamps in the CronJob zone, or UTC without one', () => {
    const t = Date.parse('2026-07-01T12:00:00Z');
    expect(formatInZone(t)).toBe('2026-07-01T12:00:00Z');
    expect(formatInZone(t, 'America/New_York')).toBe('2026-07-01T08:00:00-04:00');
    expect(formatInZone(t, 'Asia/Kolkata')).toBe('2026-07-01T17:30:00+05:30');
  });
});
