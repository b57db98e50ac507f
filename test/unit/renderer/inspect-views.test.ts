// The inspection views' data shaping: probe timeline series and summary line, CrashLoopBackOff
// countdown and waiting advice, Job runs, node capacity vs requests, the playground's Node, and the
// terminal's custom command parsing.
import type { ContainerStatus } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import type { KubeObject, ProbeAttempt } from '../../../src-main/ipc/contract.js';
import { cronJobRuns, jobOutcome, jobProgress, jobRun } from '../../../src-renderer/src/views/jobs/runs.js';
import {
  drainPlan,
  nodeSummary,
  nodeUsage,
  parseQuantity,
  podRequests,
} from '../../../src-renderer/src/views/nodes/capacity.js';
import { simulatedNode } from '../../../src-renderer/src/views/nodes/playground.js';
import {
  backoffOf,
  countdownText,
  parseGoDuration,
  waitingAdvice,
} from '../../../src-renderer/src/views/pending/waiting.js';
import {
  buildTimeline,
  formatDuration,
  mergeAttempts,
  outcomeOf,
  readyTransitions,
  restartMarkers,
  summarize,
} from '../../../src-renderer/src/views/probes/timeline.js';
import { parseCommand } from '../../../src-renderer/src/views/terminal/command.js';
import { execHandle } from '../../../src-renderer/src/lib/exec-handle.js';

const T0 = Date.parse('2026-11-22T10:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

function attempt(s: number, result: ProbeAttempt['result'], extra: Partial<ProbeAttempt> = {}): ProbeAttempt {
  return {
    time: at(s),
    probe: 'readiness',
    container: 'app',
    containerId: 'c1',
    result,
    latencyMs: 3,
    output: '',
    ...(result === 'success' ? { httpStatus: 200 } : result === 'failure' ? { httpStatus: 503 } : {}),
    ...extra,
  };
}

describe('probe timeline', () => {
  it('formats durations the way the summary line reads', () => {
    expect(formatDuration(800)).toBe('800 ms');
    expect(formatDuration(45_000)).toBe('45 s');
    expect(formatDuration(130_000)).toBe('2 m 10 s');
    expect(formatDuration(120_000)).toBe('2 m');
    expect(formatDuration(3_780_000)).toBe('1 h 3 m');
  });

  it('names what came back: HTTP status, exit code, timeout or message', () => {
    expect(outcomeOf(attempt(0, 'failure'))).toBe('HTTP 503');
    expect(outcomeOf({ result: 'failure', exitCode: 1, latencyMs: 2 })).toBe('exit code 1');
    expect(outcomeOf({ result: 'timeout', latencyMs: 1000.4 })).toBe('timeout after 1000 ms');
    expect(outcomeOf({ result: 'failure', message: 'dial tcp: connection refused', latencyMs: 1 })).toBe(
      'dial tcp: connection refused',
    );
  });

  it('summarises a failing streak from its first failure: "readiness failing for 2 m 10 s — last: HTTP 503"', () => {
    const attempts = [attempt(0, 'success'), attempt(10, 'failure'), attempt(20, 'failure'), attempt(130, 'failure')];
    const [line] = summarize(attempts, T0 + 140_000);
    expect(line.state).toBe('failing');
    expect(line.text).toBe('readiness failing for 2 m 10 s — last: HTTP 503');
  });

  it('puts failing probes first and says how a passing one last answered', () => {
    const attempts = [
      attempt(0, 'success', { probe: 'liveness', latencyMs: 4.2 }),
      attempt(5, 'failure', { probe: 'readiness', exitCode: 1, httpStatus: undefined }),
    ];
    const lines = summarize(attempts, T0 + 65_000);
    expect(lines.map((l) => l.probe)).toEqual(['readiness', 'liveness']);
    expect(lines[0].text).toBe('readiness failing for 1 m — last: exit code 1');
    expect(lines[1].text).toBe('liveness passing for 1 m 5 s — last: HTTP 200 in 4 ms');
  });

  it('replays Ready flips with the probe thresholds (3 failures to drop, 1 success to return)', () => {
    const attempts = [
      attempt(0, 'success'),
      attempt(10, 'failure'),
      attempt(20, 'failure'),
      attempt(30, 'failure'),
      attempt(40, 'failure'),
      attempt(50, 'success'),
    ];
    expect(readyTransitions(attempts).map((m) => [m.kind, (m.t - T0) / 1000])).toEqual([
      ['ready', 0],
      ['not-ready', 30],
      ['ready', 50],
    ]);
    // Two successes in a row are needed to become Ready: it never was, so nothing flips.
    expect(readyTransitions(attempts, { failureThreshold: 1, successThreshold: 2 })).toEqual([]);
  });

  it('marks a restart where the container id changes, and a new container starts not Ready', () => {
    const attempts = [attempt(0, 'success'), attempt(10, 'success', { containerId: 'c2' })];
    expect(restartMarkers(attempts).map((m) => [m.label, (m.t - T0) / 1000])).toEqual([['Restart 1', 10]]);
    expect(readyTransitions(attempts).map((m) => (m.t - T0) / 1000)).toEqual([0, 10]);
  });

  it('builds one lane per probe type seen, clipped to the window, with markers', () => {
    const attempts = [
      attempt(0, 'success', { probe: 'startup' }),
      attempt(100, 'success'),
      attempt(200, 'failure'),
      attempt(210, 'failure'),
      attempt(220, 'failure'),
    ];
    const all = buildTimeline(attempts, T0 + 230_000);
    expect(all.lanes.map((l) => l.probe)).toEqual(['startup', 'readiness']);
    expect(all.start).toBe(T0);
    // A young history is drawn over at least 30 s, not squeezed into a 5-minute axis.
    expect(buildTimeline([attempt(0, 'success')], T0 + 5_000, { windowMs: 300_000 }).start).toBe(T0 + 5_000 - 30_000);
    expect(all.markers.map((m) => m.kind)).toEqual(['ready', 'not-ready']);
    const windowed = buildTimeline(attempts, T0 + 230_000, { windowMs: 60_000 });
    expect(windowed.lanes.map((l) => [l.probe, l.points.length])).toEqual([['readiness', 3]]);
    expect(windowed.lanes[0].points.every((p) => p.result === 'failure' && p.outcome === 'HTTP 503')).toBe(true);
    expect(windowed.markers.map((m) => m.kind)).toEqual(['not-ready']);
  });
});

describe('probe history increments', () => {
  it('appends new attempts and keeps the newest 500 per container, as the agent does', () => {
    const a = Array.from({ length: 499 }, (_, i) => attempt(i, 'success'));
    const other = [attempt(0, 'failure', { container: 'side' })];
    const merged = mergeAttempts([...a, ...other], [attempt(600, 'failure'), attempt(601, 'failure')]);
    const app = merged.filter((x) => x.container === 'app');
    expect(app).toHaveLength(500);
    expect(app[0].time).toBe(at(1));
    expect(app.at(-1)!.time).toBe(at(601));
    expect(merged.filter((x) => x.container === 'side')).toHaveLength(1);
    const small = [attempt(0, 'success')];
    expect(mergeAttempts(small, [])).not.toBe(small);
  });
});

describe('waiting containers', () => {
  const status = (waiting: { reason: string; message?: string }, extra: Partial<ContainerStatus> = {}) =>
    ({
      name: 'app',
      image: 'img:1',
      imageID: '',
      ready: false,
      restartCount: 3,
      state: { waiting },
      ...extra,
    }) as ContainerStatus;

  it('reads Go durations and the back-off of a CrashLoopBackOff message', () => {
    expect(parseGoDuration('10s')).toBe(10_000);
    expect(parseGoDuration('2m40s')).toBe(160_000);
    expect(parseGoDuration('5m0s')).toBe(300_000);
    expect(parseGoDuration('1h')).toBe(3_600_000);
    expect(parseGoDuration('soon')).toBeNull();
    expect(backoffOf('back-off 40s restarting failed container=app pod=web_default(uid)')).toBe(40_000);
    expect(backoffOf('something else')).toBeNull();
  });

  it('counts down to the next restart: finishedAt + back-off', () => {
    const a = waitingAdvice(
      { name: 'app', image: 'img:1' },
      status(
        { reason: 'CrashLoopBackOff', message: 'back-off 20s restarting failed container=app pod=p_ns(u)' },
        { lastState: { terminated: { exitCode: 2, reason: 'Error', finishedAt: at(0) } } },
      ),
    )!;
    expect(a.previousLogs).toBe(true);
    expect(a.nextRetryAt).toBe(T0 + 20_000);
    expect(a.advice).toContain('exit code 2');
    expect(countdownText(a.nextRetryAt!, T0 + 7_500)).toBe('next restart in 13 s');
    expect(countdownText(a.nextRetryAt!, T0 + 20_000)).toBe('restarting now…');
  });

  it('says the pull policy is Never and the image is absent', () => {
    const a = waitingAdvice(
      { name: 'app', image: 'mine:dev', imagePullPolicy: 'Never' },
      status({
        reason: 'ErrImageNeverPull',
        message: 'Container image "mine:dev" is not present with pull policy of Never',
      }),
    )!;
    expect(a.tone).toBe('bad');
    expect(a.advice).toMatch(/pull policy is Never and the image mine:dev is absent/);
    expect(a.previousLogs).toBe(false);
  });

  it('has nothing to say about a running container', () => {
    expect(waitingAdvice(undefined, { ...status({ reason: 'x' }), state: { running: {} } })).toBeNull();
  });
});

const job = (name: string, status: Record<string, unknown>, extra: Partial<KubeObject['metadata']> = {}, spec = {}) =>
  ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'ns', creationTimestamp: at(0), ...extra },
    spec: { completions: 3, ...spec },
    status,
  }) as KubeObject;

describe('jobs as runs', () => {
  it('tells outcome, progress and duration', () => {
    const done = job('a', {
      succeeded: 3,
      startTime: at(0),
      completionTime: at(65),
      conditions: [{ type: 'Complete', status: 'True' }],
    });
    expect(jobOutcome(done).outcome).toBe('Complete');
    expect(jobProgress(done)).toMatchObject({ text: '3/3', ratio: 1 });
    expect(jobRun(done, T0 + 999_000).durationMs).toBe(65_000);
    const failed = job('b', {
      failed: 7,
      startTime: at(0),
      conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', lastTransitionTime: at(30) }],
    });
    expect(jobRun(failed, T0 + 100_000)).toMatchObject({
      outcome: 'Failed',
      reason: 'BackoffLimitExceeded',
      durationMs: 30_000,
    });
    const running = job('c', { active: 1, succeeded: 1, startTime: at(0) });
    expect(jobRun(running, T0 + 12_000)).toMatchObject({ outcome: 'Running', completions: '1/3', durationMs: 12_000 });
    expect(jobOutcome(job('d', {}, {}, { suspend: true })).outcome).toBe('Suspended');
  });

  it("lists a CronJob's runs newest first, only its own, marking manual ones", () => {
    const owner = (uid: string) => ({
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'cj', uid }],
    });
    const runs = cronJobRuns(
      [
        job('cj-1', { startTime: at(0) }, owner('u1')),
        job(
          'cj-2',
          { startTime: at(60) },
          { ...owner('u1'), annotations: { 'cronjob.kubernetes.io/instantiate': 'manual' } },
        ),
        job('other', { startTime: at(90) }, owner('u2')),
      ],
      'u1',
      T0 + 120_000,
    );
    expect(runs.map((r) => [r.name, r.manual])).toEqual([
      ['cj-2', true],
      ['cj-1', false],
    ]);
  });
});

describe('nodes', () => {
  const pod = (name: string, node: string, requests: Record<string, string>, extra: Record<string, unknown> = {}) =>
    ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'ns' },
      spec: { nodeName: node, containers: [{ name: 'c', resources: { requests } }] },
      status: { phase: 'Running' },
      ...extra,
    }) as KubeObject;

  it('parses quantities', () => {
    expect(parseQuantity('500m')).toBe(0.5);
    expect(parseQuantity('2')).toBe(2);
    expect(parseQuantity('1Gi')).toBe(1024 ** 3);
    expect(parseQuantity('1.5Mi')).toBe(1.5 * 1024 ** 2);
    expect(parseQuantity('1e3')).toBe(1000);
    expect(parseQuantity('lots')).toBeNaN();
  });

  it('sums requests per pod as describe node does: init containers by max, limits stand in for requests', () => {
    const p = {
      metadata: { name: 'p' },
      spec: {
        containers: [
          { name: 'a', resources: { requests: { cpu: '100m' } } },
          { name: 'b', resources: { limits: { cpu: '200m', memory: '64Mi' } } },
        ],
        initContainers: [{ name: 'i', resources: { requests: { cpu: '1' } } }],
      },
    } as unknown as KubeObject;
    expect(podRequests(p)).toEqual({ cpu: 1, memory: 64 * 1024 ** 2 });
  });

  it('bars requested vs allocatable, ignoring finished pods and other nodes', () => {
    const node = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'n1', labels: { 'kubedesk.io/simulated': 'true' } },
      spec: { unschedulable: true, taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] },
      status: {
        allocatable: { cpu: '4', memory: '8Gi', pods: '110' },
        conditions: [{ type: 'Ready', status: 'True' }],
      },
    } as KubeObject;
    const pods = [
      pod('a', 'n1', { cpu: '1', memory: '1Gi' }),
      pod('b', 'n1', { cpu: '500m' }),
      pod('done', 'n1', { cpu: '2' }, { status: { phase: 'Succeeded' } }),
      pod('elsewhere', 'n2', { cpu: '3' }),
    ];
    const [cpu, memory, count] = nodeUsage(node, pods);
    expect(cpu).toMatchObject({ requested: 1.5, allocatable: 4, text: '1.5 of 4' });
    expect(memory.text).toBe('1Gi of 8Gi');
    expect(count).toMatchObject({ requested: 2, text: '2 of 110' });
    expect(nodeSummary(node)).toMatchObject({ ready: 'True', unschedulable: true, simulated: true });
  });

  it('plans a drain like --ignore-daemonsets', () => {
    const ds = pod('ds', 'n1', {});
    ds.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'd', uid: 'u', controller: true }];
    expect(drainPlan('n1', [pod('a', 'n1', {}), ds, pod('b', 'n2', {})])).toEqual({ evict: ['ns/a'], keep: ['ns/ds'] });
  });

  it('builds a simulated Node from the playground form and rejects bad input', () => {
    const ok = simulatedNode({
      name: 'sim-3',
      cpu: '2',
      memory: '4Gi',
      pods: 50,
      labels: 'zone=b',
      taint: 'gpu=yes:NoSchedule',
    });
    expect(ok).toMatchObject({
      node: {
        kind: 'Node',
        metadata: {
          name: 'sim-3',
          labels: { zone: 'b', 'kubedesk.io/simulated': 'true' },
          annotations: { 'kubedesk.io/simulated-cpu': '2', 'kubedesk.io/simulated-memory': '4Gi' },
        },
        spec: { taints: [{ key: 'gpu', value: 'yes', effect: 'NoSchedule' }] },
      },
    });
    const base = { name: 'sim-3', cpu: '2', memory: '4Gi', pods: 50, labels: '', taint: '' };
    expect(simulatedNode({ ...base, name: 'Bad_Name' })).toHaveProperty('error');
    expect(simulatedNode({ ...base, cpu: 'many' })).toHaveProperty('error');
    expect(simulatedNode({ ...base, taint: 'x:Sometimes' })).toHaveProperty('error');
    expect(simulatedNode({ ...base, labels: 'novalue=a=b' })).toHaveProperty('error');
  });
});

describe('terminal custom command', () => {
  it('splits words and quotes into argv without a shell', () => {
    expect(parseCommand('/bin/ash -l')).toEqual(['/bin/ash', '-l']);
    expect(parseCommand(`sh -c 'echo "a b"; ls'`)).toEqual(['sh', '-c', 'echo "a b"; ls']);
    expect(parseCommand('a\\ b ""')).toEqual(['a b', '']);
    expect(parseCommand('  ')).toMatch(/type a command/);
    expect(parseCommand("sh -c 'oops")).toBe("unclosed ' quote");
  });
});

describe('exec handle', () => {
  it('sends input in order, a big paste in frames under the contract limit, nothing after close', async () => {
    const calls: { channel: string; request: { data?: string } }[] = [];
    const transport = {
      kind: 'websocket' as const,
      async call(channel: string, request: unknown) {
        calls.push({ channel, request: request as { data?: string } });
        await new Promise((r) => setTimeout(r, Math.random() * 3));
        return { accepted: true } as never;
      },
      subscribe: async () => undefined,
      unsubscribe: async () => undefined,
    };
    const handle = execHandle(transport, 'x1');
    const paste = 'x'.repeat(40_000);
    const results = await Promise.all([handle.send('a'), handle.send(paste), handle.send('b')]);
    expect(results).toEqual([true, true, true]);
    const frames = calls.filter((c) => c.channel === 'kubedesk:exec-input').map((c) => c.request.data ?? '');
    expect(frames.every((f) => f.length <= 16 * 1024)).toBe(true);
    expect(frames.join('')).toBe(`a${paste}b`);
    handle.close();
    expect(await handle.send('late')).toBe(false);
  });
});
