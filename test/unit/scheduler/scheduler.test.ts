import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src-main/engine/api/types.js';
import { events, get, harness, nodeRef, podsRef, type Harness } from '../controllers/helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

interface NodeOpts {
  cpu?: string;
  memory?: string;
  pods?: number;
  labels?: Record<string, string>;
  taints?: { key: string; value?: string; effect: string }[];
  unschedulable?: boolean;
  ready?: 'True' | 'False' | 'Unknown';
}

function node(name: string, o: NodeOpts = {}): KubeObject {
  const allocatable = { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: String(o.pods ?? 110) };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(o.labels ?? {}) } },
    spec: { taints: o.taints, unschedulable: o.unschedulable },
    status: {
      capacity: allocatable,
      allocatable,
      conditions: [{ type: 'Ready', status: o.ready ?? 'True', reason: 'KubeletReady', message: 'ready' }],
    },
  };
}

interface PodOpts {
  cpu?: string;
  memory?: string;
  nodeSelector?: Record<string, string>;
  affinity?: unknown;
  tolerations?: unknown[];
  hostPort?: number;
}

function pod(name: string, o: PodOpts = {}): KubeObject {
  const requests: Record<string, string> = {};
  if (o.cpu) requests.cpu = o.cpu;
  if (o.memory) requests.memory = o.memory;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'web' } },
    spec: {
      nodeSelector: o.nodeSelector,
      affinity: o.affinity,
      tolerations: o.tolerations,
      containers: [
        {
          name: 'main',
          image: 'nginx:1.25',
          resources: { requests },
          ports: o.hostPort ? [{ containerPort: 80, hostPort: o.hostPort }] : undefined,
        },
      ],
    },
  };
}

/** Register a node as its kubelet would: create it, then post its status through /status. */
async function addNode(hh: Harness, n: KubeObject): Promise<void> {
  const created = await hh.api.create(nodeRef(), { ...n, status: undefined });
  await hh.api.update(nodeRef(n.metadata.name, 'status'), { ...created, status: n.status });
}

const stored = (hh: Harness, name: string) => get(hh, `/pods/default/${name}`)!;
const nodeNameOf = (p: KubeObject) => (p.spec as { nodeName?: string }).nodeName;
const scheduledCond = (p: KubeObject) =>
  (
    (p.status as { conditions?: { type: string; status: string; reason?: string; message?: string }[] }).conditions ??
    []
  ).find((c) => c.type === 'PodScheduled');

async function withScheduler(): Promise<Harness> {
  return harness({ scheduler: true, replicaSets: false, deployments: false });
}

async function unschedulableMessage(hh: Harness, name: string, o: PodOpts = {}): Promise<string | undefined> {
  await hh.api.create(podsRef(), pod(name, o));
  await hh.settle();
  return scheduledCond(stored(hh, name))?.message;
}

describe('scheduler', () => {
  it('binds a pod: nodeName set, PodScheduled=True, and a Scheduled event', async () => {
    h = await withScheduler();
    await addNode(h, node('kubedesk'));
    await h.api.create(podsRef(), pod('web-x'));
    await h.settle();
    const p = stored(h, 'web-x');
    expect(nodeNameOf(p)).toBe('kubedesk');
    expect(scheduledCond(p)).toMatchObject({ status: 'True' });
    expect(events(h, 'Scheduled')).toEqual([
      expect.objectContaining({
        type: 'Normal',
        message: 'Successfully assigned default/web-x to kubedesk',
        name: 'web-x',
      }),
    ]);
    const why = h.ctrl.scheduler!.why('default', 'web-x')!;
    expect(why).toMatchObject({
      result: 'Scheduled',
      node: 'kubedesk',
      nodes: { total: 1, evaluated: 1, feasible: 1 },
    });
  });

  it('reports taints and insufficient cpu in upstream format, with PodScheduled=False and FailedScheduling', async () => {
    h = await withScheduler();
    await addNode(h, node('cp', { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] }));
    await addNode(h, node('w1', { cpu: '1' }));
    await addNode(h, node('w2', { cpu: '1' }));
    const msg =
      '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. ' +
      'preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.';
    expect(await unschedulableMessage(h, 'big', { cpu: '2' })).toBe(msg);
    const p = stored(h, 'big');
    expect(nodeNameOf(p)).toBeUndefined();
    expect(scheduledCond(p)).toMatchObject({ status: 'False', reason: 'Unschedulable' });
    expect(events(h, 'FailedScheduling')).toEqual([expect.objectContaining({ type: 'Warning', message: msg })]);
    const why = h.ctrl.scheduler!.why('default', 'big')!;
    expect(why.result).toBe('Unschedulable');
    expect(why.reasons).toEqual({
      'node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }': 1,
      'Insufficient cpu': 2,
    });
    expect(why.failures.map((f) => [f.node, f.plugin]).sort()).toEqual([
      ['cp', 'TaintToleration'],
      ['w1', 'NodeResourcesFit'],
      ['w2', 'NodeResourcesFit'],
    ]);
  });

  it('explains each filter in upstream words', async () => {
    h = await withScheduler();
    await addNode(h, node('n1', { labels: { disk: 'hdd', cores: '4' }, memory: '1Gi', pods: 1 }));
    const one = (reason: string, preemption = 'Preemption is not helpful for scheduling') =>
      `0/1 nodes are available: 1 ${reason}. preemption: 0/1 nodes are available: 1 ${preemption}.`;
    const affinity = (op: string, values?: string[]) => ({
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'disk', operator: op, values }] }],
        },
      },
    });
    const noAffinity = one("node(s) didn't match Pod's node affinity/selector");
    expect(await unschedulableMessage(h, 'sel', { nodeSelector: { disk: 'ssd' } })).toBe(noAffinity);
    expect(await unschedulableMessage(h, 'in', { affinity: affinity('In', ['ssd']) })).toBe(noAffinity);
    expect(await unschedulableMessage(h, 'notin', { affinity: affinity('NotIn', ['hdd']) })).toBe(noAffinity);
    expect(await unschedulableMessage(h, 'dne', { affinity: affinity('DoesNotExist') })).toBe(noAffinity);
    const gt = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['8'] }] }],
        },
      },
    };
    expect(await unschedulableMessage(h, 'gt', { affinity: gt })).toBe(noAffinity);
    expect(await unschedulableMessage(h, 'mem', { memory: '2Gi' })).toContain('1 Insufficient memory');
    // The node allows one pod: the first fits, the second is "Too many pods".
    await h.api.create(podsRef(), pod('first', { affinity: affinity('Exists') }));
    await h.settle();
    expect(nodeNameOf(stored(h, 'first'))).toBe('n1');
    expect(await unschedulableMessage(h, 'second')).toBe(
      one('Too many pods', 'No preemption victims found for incoming pod'),
    );
  });

  it('refuses host port conflicts, unschedulable (cordoned) nodes and nodes that are not Ready', async () => {
    h = await withScheduler();
    await addNode(h, node('n1'));
    await h.api.create(podsRef(), pod('a', { hostPort: 8080 }));
    await h.settle();
    expect(nodeNameOf(stored(h, 'a'))).toBe('n1');
    expect(await unschedulableMessage(h, 'b', { hostPort: 8080 })).toBe(
      "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.",
    );
    await h.api.patch(nodeRef('n1'), 'merge', { spec: { unschedulable: true } });
    expect(await unschedulableMessage(h, 'c')).toBe(
      '0/1 nodes are available: 1 node(s) were unschedulable. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
    );
    await addNode(h, node('n2', { ready: 'False' }));
    expect(await unschedulableMessage(h, 'd')).toBe(
      '0/2 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, 1 node(s) were unschedulable. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
    );
  });

  it('schedules a pod that tolerates a taint, and prefers nodes by preferred affinity', async () => {
    h = await withScheduler();
    await addNode(h, node('gpu', { taints: [{ key: 'gpu', value: 'true', effect: 'NoSchedule' }] }));
    await h.api.create(
      podsRef(),
      pod('t', { tolerations: [{ key: 'gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' }] }),
    );
    await h.settle();
    expect(nodeNameOf(stored(h, 't'))).toBe('gpu');
    await addNode(h, node('a', { labels: { zone: 'a' } }));
    await addNode(h, node('b', { labels: { zone: 'b' } }));
    const preferB = {
      nodeAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 50, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] } },
        ],
      },
    };
    await h.api.create(podsRef(), pod('p', { affinity: preferB }));
    await h.settle();
    expect(nodeNameOf(stored(h, 'p'))).toBe('b');
    const why = h.ctrl.scheduler!.why('default', 'p')!;
    expect(why.scores[0]).toMatchObject({ node: 'b', plugins: { NodeAffinity: 100 } });
  });

  it('spreads pods by least allocated resources, counting pods it has just placed', async () => {
    h = await withScheduler();
    await addNode(h, node('n1'));
    await addNode(h, node('n2'));
    for (let i = 0; i < 4; i++) await h.api.create(podsRef(), pod(`p${i}`, { cpu: '1', memory: '1Gi' }));
    await h.settle();
    const counts: Record<string, number> = {};
    for (let i = 0; i < 4; i++) {
      const n = nodeNameOf(stored(h, `p${i}`))!;
      counts[n] = (counts[n] ?? 0) + 1;
    }
    expect(counts).toEqual({ n1: 2, n2: 2 });
  });

  it('retries an unschedulable pod when a node appears (after its backoff)', async () => {
    h = await withScheduler();
    await h.api.create(podsRef(), pod('waiting'));
    await h.settle();
    expect(scheduledCond(stored(h, 'waiting'))).toMatchObject({
      status: 'False',
      reason: 'Unschedulable',
      message: 'no nodes available to schedule pods',
    });
    await addNode(h, node('late'));
    await h.settle();
    h.clock.advance(1000);
    await h.settle();
    expect(nodeNameOf(stored(h, 'waiting'))).toBe('late');
    expect(scheduledCond(stored(h, 'waiting'))).toMatchObject({ status: 'True' });
  });

  it('retries an unschedulable pod when a pod on the node goes away', async () => {
    h = await withScheduler();
    await addNode(h, node('n1', { cpu: '1' }));
    await h.api.create(podsRef(), pod('hog', { cpu: '1' }));
    await h.settle();
    expect(await unschedulableMessage(h, 'next', { cpu: '1' })).toContain('1 Insufficient cpu');
    await h.api.delete(podsRef('default', 'hog'), { gracePeriodSeconds: 0 });
    await h.settle();
    h.clock.advance(1000);
    await h.settle();
    expect(nodeNameOf(stored(h, 'next'))).toBe('n1');
  });

  it('schedules 1,000 pods onto 100 nodes in under 2 s', async () => {
    h = await withScheduler();
    for (let i = 0; i < 100; i++) await addNode(h, node(`n${i}`, { cpu: '32', memory: '64Gi' }));
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: 1000 }, (_, i) => h!.api.create(podsRef(), pod(`p${i}`, { cpu: '100m', memory: '128Mi' }))),
    );
    await h.settle();
    const ms = performance.now() - t0;
    expect(h.ctrl.scheduler!.scheduledCount).toBe(1000);
    const perNode = new Map<string, number>();
    for (const p of h.engine.store.list('/pods', 'default'))
      perNode.set(nodeNameOf(p)!, (perNode.get(nodeNameOf(p)!) ?? 0) + 1);
    expect(Math.max(...perNode.values())).toBeLessThanOrEqual(12);
    expect(ms).toBeLessThan(2000);
  });
});
