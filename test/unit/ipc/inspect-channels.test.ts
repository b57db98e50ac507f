// The inspection channels on the bridge: validation (an exec command is an argv, input needs data
// or a size), run now, drain, scheduling and probe history through an InspectSource, and the exec
// subscription with a fake session — output in order, input and resize through, clean stops.
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BridgeHandler } from '../../../src-main/bridge/handler.js';
import type { InspectSource } from '../../../src-main/bridge/inspect.js';
import { Engine } from '../../../src-main/engine/index.js';
import type { ExecSession } from '../../../src-main/engine/runtime/types.js';
import {
  APPLY,
  DRAIN,
  EXEC_INPUT,
  PROBES,
  RUN_CRONJOB,
  SCHEDULING,
  SUBSCRIBE,
  UNSUBSCRIBE,
  type ExecRequest,
  type Reply,
  type SubscriptionMessage,
} from '../../../src-main/ipc/contract.js';
import { until } from './helpers.js';

interface FakeExec {
  session: ExecSession;
  stdin: string[];
  sizes: [number, number][];
  closed: boolean;
  exit(code: number): void;
  stdout: PassThrough;
}

function fakeExec(): FakeExec {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  let resolveExit!: (code: number) => void;
  const fake: FakeExec = {
    stdin: [],
    sizes: [],
    closed: false,
    stdout,
    exit: (code) => {
      stdout.end();
      resolveExit(code);
    },
    session: {
      stdin,
      stdout,
      stderr: null,
      resize: async (cols, rows) => void fake.sizes.push([cols, rows]),
      exitCode: new Promise((r) => (resolveExit = r)),
      close: () => (fake.closed = true),
    },
  };
  stdin.on('data', (c: Buffer) => fake.stdin.push(c.toString()));
  return fake;
}

let engine: Engine;
let bridge: BridgeHandler;
let messages: SubscriptionMessage[];
let session: ReturnType<BridgeHandler['openSession']>;
let execs: { request: ExecRequest; fake: FakeExec }[];
const ask = (channel: string, args: unknown) => bridge.request(channel, args, session) as Promise<Reply<unknown>>;

beforeEach(async () => {
  engine = await Engine.start();
  execs = [];
  const inspect: InspectSource = {
    probeHistory: (ns, pod) => [
      {
        time: '2026-11-22T10:00:00.000000Z',
        probe: 'readiness',
        container: 'app',
        containerId: 'c1',
        result: 'failure',
        latencyMs: 2,
        httpStatus: 503,
        output: `${ns}/${pod}`,
      },
    ],
    async exec(request) {
      const fake = fakeExec();
      execs.push({ request, fake });
      return fake.session;
    },
    why: (_ns, pod) =>
      pod === 'stuck'
        ? {
            pod: 'default/stuck',
            uid: 'u',
            time: '2026-11-22T10:00:00Z',
            attempt: 2,
            result: 'Unschedulable',
            message: "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector.",
            nodes: { total: 1, evaluated: 1, feasible: 0 },
            reasons: { "node(s) didn't match Pod's node affinity/selector": 1 },
            failures: [
              { node: 'n1', plugin: 'NodeAffinity', reasons: ["node(s) didn't match Pod's node affinity/selector"] },
            ],
            scores: [],
          }
        : undefined,
  };
  bridge = new BridgeHandler({ engine, version: 't', inspect });
  messages = [];
  session = bridge.openSession((m) => messages.push(m));
  await ask(APPLY, {
    yaml: `apiVersion: v1
kind: Pod
metadata: { name: stuck }
spec:
  nodeSelector: { disk: none }
  containers: [{ name: app, image: busybox }]
---
apiVersion: v1
kind: Node
metadata: { name: n1 }
---
apiVersion: v1
kind: Pod
metadata: { name: on-n1 }
spec:
  nodeName: n1
  containers: [{ name: app, image: busybox }]
---
apiVersion: batch/v1
kind: CronJob
metadata: { name: nightly }
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{ name: job, image: busybox }]
`,
  });
});

afterEach(async () => {
  session.dispose();
  await engine.stop();
});

describe('inspection channels', () => {
  it('validates: an exec command is a non-empty argv, input carries data or a size, no unknown fields', async () => {
    const bad = [
      [
        SUBSCRIBE,
        { id: 'e', topic: 'exec', args: { namespace: 'default', pod: 'on-n1', command: 'sh -c id', tty: true } },
      ],
      [SUBSCRIBE, { id: 'e', topic: 'exec', args: { namespace: 'default', pod: 'on-n1', command: [], tty: true } }],
      [EXEC_INPUT, { id: 'e' }],
      [EXEC_INPUT, { id: 'e', resize: { cols: 0, rows: 10 } }],
      [PROBES, { namespace: 'default', pod: 'on-n1', extra: 1 }],
      [DRAIN, { node: 'N1!' }],
    ] as const;
    for (const [channel, args] of bad) {
      const reply = await ask(channel, args);
      expect(reply.ok, `${channel} ${JSON.stringify(args)}`).toBe(false);
    }
    expect(execs).toHaveLength(0);
  });

  it('answers probe history and the scheduling decision; 404 for a pod that does not exist', async () => {
    expect(await ask(PROBES, { namespace: 'default', pod: 'on-n1' })).toMatchObject({
      ok: true,
      result: [{ result: 'failure', httpStatus: 503, output: 'default/on-n1' }],
    });
    expect(await ask(SCHEDULING, { namespace: 'default', pod: 'stuck' })).toMatchObject({
      ok: true,
      result: { result: 'Unschedulable', failures: [{ node: 'n1', plugin: 'NodeAffinity' }] },
    });
    expect(await ask(SCHEDULING, { namespace: 'default', pod: 'on-n1' })).toEqual({ ok: true, result: null });
    expect(await ask(PROBES, { namespace: 'default', pod: 'nope' })).toMatchObject({ ok: false, error: { code: 404 } });
    // Only what came after `since`; a malformed time is refused.
    expect(await ask(PROBES, { namespace: 'default', pod: 'on-n1', since: '2026-11-22T10:00:00.000000Z' })).toEqual({
      ok: true,
      result: [],
    });
    expect(await ask(PROBES, { namespace: 'default', pod: 'on-n1', since: '2026-11-22T09:59:59Z' })).toMatchObject({
      ok: true,
      result: [{ result: 'failure' }],
    });
    expect(await ask(PROBES, { namespace: 'default', pod: 'on-n1', since: 'yesterday' })).toMatchObject({
      ok: false,
      error: { code: 400 },
    });
  });

  it('runs a CronJob now: a Job with the manual annotation owned by the CronJob', async () => {
    const reply = (await ask(RUN_CRONJOB, { namespace: 'default', name: 'nightly' })) as Reply<{
      metadata: { name: string; annotations: Record<string, string>; ownerReferences: { kind: string }[] };
    }>;
    expect(reply.ok).toBe(true);
    if (!reply.ok) return;
    expect(reply.result.metadata.name).toMatch(/^nightly-manual-/);
    expect(reply.result.metadata.annotations['cronjob.kubernetes.io/instantiate']).toBe('manual');
    expect(reply.result.metadata.ownerReferences[0].kind).toBe('CronJob');
    // A second click right after is a second run, not a name conflict.
    await new Promise((r) => setTimeout(r, 2));
    const again = await ask(RUN_CRONJOB, { namespace: 'default', name: 'nightly' });
    expect(again.ok).toBe(true);
    const jobs = await engine.api.list({ group: 'batch', resource: 'jobs', namespace: 'default' });
    expect(jobs.items).toHaveLength(2);
    expect(await ask(RUN_CRONJOB, { namespace: 'default', name: 'missing' })).toMatchObject({
      ok: false,
      error: { code: 404 },
    });
  });

  it('drains a node: cordoned, its pods evicted, others untouched', async () => {
    const reply = await ask(DRAIN, { node: 'n1' });
    expect(reply).toEqual({ ok: true, result: { evicted: ['default/on-n1'], skipped: [] } });
    const node = await engine.api.get({ group: '', resource: 'nodes', name: 'n1' });
    expect((node.spec as { unschedulable?: boolean }).unschedulable).toBe(true);
    const pods = await engine.api.list({ group: '', resource: 'pods', namespace: 'default' });
    const onN1 = pods.items.find((p) => p.metadata.name === 'on-n1');
    expect(!onN1 || Boolean(onN1.metadata.deletionTimestamp)).toBe(true);
    expect(pods.items.some((p) => p.metadata.name === 'stuck')).toBe(true);
    expect(await ask(DRAIN, { node: 'ghost' })).toMatchObject({ ok: false, error: { code: 404 } });
  });

  it('exec: output arrives as text, input and resize go through, exit ends the subscription', async () => {
    const args = { namespace: 'default', pod: 'on-n1', command: ['/bin/sh'], tty: true, cols: 80, rows: 24 };
    expect(await ask(SUBSCRIBE, { id: 'x1', topic: 'exec', args })).toEqual({ ok: true, result: { id: 'x1' } });
    const { fake, request } = execs[0];
    expect(request).toEqual(args);
    expect(await ask(EXEC_INPUT, { id: 'x1', data: 'echo hi\r' })).toEqual({ ok: true, result: { accepted: true } });
    expect(await ask(EXEC_INPUT, { id: 'x1', resize: { cols: 100, rows: 30 } })).toEqual({
      ok: true,
      result: { accepted: true },
    });
    await until(() => fake.stdin.join('') === 'echo hi\r' && fake.sizes.length === 1);
    expect(fake.sizes).toEqual([[100, 30]]);
    // A multi-byte character split across two chunks arrives whole.
    const euro = Buffer.from('hi €\r\n');
    fake.stdout.write(euro.subarray(0, 5));
    fake.stdout.write(euro.subarray(5));
    await until(() => messages.some((m) => 'message' in m));
    fake.exit(0);
    await until(() => messages.some((m) => 'end' in m));
    const text = messages.flatMap((m) => ('message' in m && 'data' in m.message ? [m.message.data] : [])).join('');
    expect(text).toBe('hi €\r\n');
    expect(messages.filter((m) => m.id === 'x1').at(-2)).toEqual({ id: 'x1', message: { exit: 0 } });
    expect(fake.closed).toBe(true);
    expect(session.size).toBe(0);
    expect(await ask(EXEC_INPUT, { id: 'x1', data: 'x' })).toEqual({ ok: true, result: { accepted: false } });
  });

  it('exec: unsubscribing or closing the connection ends the session', async () => {
    const args = { namespace: 'default', pod: 'on-n1', command: ['/bin/sh'], tty: true };
    await ask(SUBSCRIBE, { id: 'a', topic: 'exec', args });
    await ask(SUBSCRIBE, { id: 'b', topic: 'exec', args });
    expect(await ask(UNSUBSCRIBE, { id: 'a' })).toEqual({ ok: true, result: { stopped: true } });
    expect(execs[0].fake.closed).toBe(true);
    expect(execs[1].fake.closed).toBe(false);
    session.dispose();
    expect(execs[1].fake.closed).toBe(true);
  });

  it('without node agents, exec and probe history answer 503 with the reason', async () => {
    const bare = new BridgeHandler({ engine, version: 't' });
    const s = bare.openSession(() => undefined);
    const exec = await bare.request(
      SUBSCRIBE,
      { id: 'z', topic: 'exec', args: { namespace: 'default', pod: 'on-n1', command: ['sh'], tty: false } },
      s,
    );
    expect(exec).toMatchObject({ ok: false, error: { code: 503 } });
    expect(await bare.request(PROBES, { namespace: 'default', pod: 'on-n1' }, s)).toMatchObject({
      ok: false,
      error: { code: 503 },
    });
    s.dispose();
  });
});
