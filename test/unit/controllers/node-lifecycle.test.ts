import { afterEach, describe, expect, it } from 'vitest';
import type { Node, Taint, Toleration } from 'kubernetes-types/core/v1';
import { rfc3339, rfc3339Micro } from '../../../src-main/engine/clock.js';
import type { KubeObject } from '../../../src-main/engine/api/types.js';
import { deepCopy } from '../../../src-main/engine/api/types.js';
import { EventRecorder } from '../../../src-main/engine/controllers/events.js';
import { NodeLifecycleController } from '../../../src-main/engine/controllers/node-lifecycle/node-lifecycle-controller.js';
import { events, get, harness, nodeRef, podsRef, type Harness } from './helpers.js';

const leaseRef = (name?: string) => ({
  group: 'coordination.k8s.io',
  resource: 'leases',
  namespace: 'kube-node-lease',
  name,
});

/** The tolerations the DefaultTolerationSeconds admission plugin gives every pod. */
const DEFAULT_TOLERATIONS: Toleration[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
];

/**
 * The test builds its own controller over the harness' informers; once startControllers can
 * start the HPA and node lifecycle controllers itself, they must stay off here (the object is
 * widened so this compiles before and after those options exist).
 */
const OWN_CONTROLLERS_ONLY: object = { hpa: false, nodeLifecycle: false };

interface Setup {
  h: Harness;
  ctl: NodeLifecycleController;
  settle(): Promise<void>;
  advance(ms: number): Promise<void>;
  /** Advance in 5 s steps, the named nodes' kubelets beating at each. */
  advanceBeating(ms: number, beating: string[]): Promise<void>;
  node(name: string): Node & KubeObject;
  /** What a kubelet's heartbeat does: renew the lease and post Ready=True. */
  heartbeat(name: string): Promise<void>;
}

let current: Setup | null = null;

async function setup(): Promise<Setup> {
  const h = await harness({ replicaSets: false, deployments: false, ...OWN_CONTROLLERS_ONLY });
  const ctl = new NodeLifecycleController({
    api: h.api,
    clock: h.clock,
    informers: h.ctrl.informers,
    recorder: (c) => new EventRecorder(h.api, c),
  });
  const settle = async () => {
    for (let i = 0; i < 3; i++) {
      await h.settle();
      await ctl.whenIdle();
      await h.engine.store.flush();
    }
  };
  const s: Setup = {
    h,
    ctl,
    settle,
    async advance(ms) {
      for (let t = 0; t < ms; t += 5_000) {
        h.clock.advance(Math.min(5_000, ms - t));
        await settle();
      }
    },
    async advanceBeating(ms, beating) {
      for (let t = 0; t < ms; t += 5_000) {
        h.clock.advance(Math.min(5_000, ms - t));
        for (const n of beating) await s.heartbeat(n);
        await settle();
      }
    },
    node: (name) => get(h, `/nodes//${name}`) as Node & KubeObject,
    async heartbeat(name) {
      const lease = await h.api.get(leaseRef(name));
      await h.api.update(leaseRef(name), {
        ...lease,
        spec: { ...(lease.spec as object), renewTime: rfc3339Micro(h.clock.now()) },
      });
      const node = deepCopy(await h.api.get(nodeRef(name)));
      node.status = { ...(node.status as object), conditions: readyConditions(h.clock.now()) };
      await h.api.update(nodeRef(name, 'status'), node);
      await settle();
    },
  };
  current = s;
  return s;
}

function readyConditions(now: number) {
  const t = rfc3339(now);
  return [
    {
      type: 'Ready',
      status: 'True',
      reason: 'KubeletReady',
      message: 'kubelet is posting ready status',
      lastHeartbeatTime: t,
      lastTransitionTime: t,
    },
    {
      type: 'MemoryPressure',
      status: 'False',
      reason: 'KubeletHasSufficientMemory',
      lastHeartbeatTime: t,
      lastTransitionTime: t,
    },
  ];
}

/** A Node that posted Ready=True and renewed its lease just now. */
async function addNode(s: Setup, name: string): Promise<void> {
  const node = await s.h.api.create(nodeRef(), { apiVersion: 'v1', kind: 'Node', metadata: { name }, spec: {} });
  await s.h.api.update(nodeRef(name, 'status'), { ...node, status: { conditions: readyConditions(s.h.clock.now()) } });
  await s.h.api.create(leaseRef(), {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, namespace: 'kube-node-lease' },
    spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: rfc3339Micro(s.h.clock.now()) },
  });
}

async function addPod(s: Setup, name: string, nodeName: string, tolerations?: Toleration[]): Promise<void> {
  await s.h.api.create(podsRef(), {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { nodeName, tolerations, containers: [{ name: 'main', image: 'nginx:1.25' }] },
  });
}

function ready(s: Setup, name: string) {
  return s.node(name).status?.conditions?.find((c) => c.type === 'Ready');
}

function taints(s: Setup, name: string): Pick<Taint, 'key' | 'effect'>[] {
  return (s.node(name).spec?.taints ?? []).map(({ key, effect }) => ({ key, effect }));
}

function evicted(s: Setup, pod: string): boolean {
  const p = get(s.h, `/pods/default/${pod}`);
  return !p || !!p.metadata.deletionTimestamp;
}

async function start(s: Setup): Promise<void> {
  s.h.ctrl.informers.start();
  s.ctl.start();
  await s.settle();
}

afterEach(async () => {
  current?.ctl.stop();
  await current?.h.stop();
  current = null;
});

describe('node lifecycle controller', () => {
  it('marks a node whose lease goes stale Ready=Unknown and taints it unreachable', async () => {
    const s = await setup();
    await addNode(s, 'n1');
    await addNode(s, 'n2');
    await start(s);
    await s.advanceBeating(40_000, ['n2']);
    expect(ready(s, 'n1')?.status).toBe('True');
    expect(taints(s, 'n1')).toEqual([]);

    await s.advanceBeating(5_000, ['n2']);
    expect(ready(s, 'n1')).toMatchObject({
      status: 'Unknown',
      reason: 'NodeStatusUnknown',
      message: 'Kubelet stopped posting node status.',
    });
    expect(s.node('n1').status?.conditions?.find((c) => c.type === 'MemoryPressure')?.status).toBe('Unknown');
    expect(taints(s, 'n1')).toEqual([
      { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' },
    ]);
    expect(s.node('n1').spec?.taints?.find((t) => t.effect === 'NoExecute')?.timeAdded).toBe(rfc3339(s.h.clock.now()));
  });

  it('keeps a node whose lease is renewed Ready and untainted', async () => {
    const s = await setup();
    await addNode(s, 'n1');
    await start(s);
    for (let i = 0; i < 8; i++) {
      await s.advance(10_000);
      await s.heartbeat('n1');
    }
    expect(ready(s, 'n1')?.status).toBe('True');
    expect(taints(s, 'n1')).toEqual([]);
  });

  it('evicts a pod that tolerates unreachable for 0 s at once and a default-tolerating pod after 300 s, not before', async () => {
    const s = await setup();
    await addNode(s, 'n1');
    await addNode(s, 'n2');
    // Admission (DefaultTolerationSeconds) gives every pod the 300 s tolerations unless it states its own.
    await addPod(s, 'tolerant', 'n1');
    await addPod(s, 'bare', 'n1', [
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 0 },
    ]);
    await addPod(s, 'elsewhere', 'n2');
    await start(s);
    // n2 keeps beating; n1 goes silent.
    await s.advanceBeating(45_000, ['n2']);
    expect(ready(s, 'n1')?.status).toBe('Unknown');
    const taintedAt = Date.parse(s.node('n1').spec!.taints!.find((t) => t.effect === 'NoExecute')!.timeAdded!);
    expect(evicted(s, 'bare')).toBe(true);
    expect(evicted(s, 'tolerant')).toBe(false);
    expect(evicted(s, 'elsewhere')).toBe(false);
    expect(events(s.h, 'TaintManagerEviction').map((e) => e.message)).toEqual([
      'Marking for deletion Pod default/bare',
    ]);
    await s.advanceBeating(taintedAt + 295_000 - s.h.clock.now(), ['n2']);
    s.h.clock.advance(4_000);
    await s.heartbeat('n2');
    expect(evicted(s, 'tolerant')).toBe(false);
    s.h.clock.advance(1_000);
    await s.heartbeat('n2');
    expect(evicted(s, 'tolerant')).toBe(true);
    expect(evicted(s, 'elsewhere')).toBe(false);
    expect(events(s.h, 'TaintManagerEviction').map((e) => e.name)).toEqual(['bare', 'tolerant']);
  });

  it('neither taints NoExecute nor evicts when every node is unreachable (full disruption)', async () => {
    const s = await setup();
    await addNode(s, 'n1');
    await addPod(s, 'bare', 'n1');
    await start(s);
    await s.advance(400_000);
    expect(ready(s, 'n1')?.status).toBe('Unknown');
    expect(taints(s, 'n1')).toEqual([{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }]);
    expect(evicted(s, 'bare')).toBe(false);
  });

  it('marks the pods of an unreachable node not Ready', async () => {
    const s = await setup();
    await addNode(s, 'n1');
    await addNode(s, 'n2');
    await addPod(s, 'web', 'n1', DEFAULT_TOLERATIONS);
    const pod = deepCopy(await s.h.api.get(podsRef('default', 'web')));
    const t = rfc3339(s.h.clock.now());
    pod.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: t }] };
    await s.h.api.update(podsRef('default', 'web', 'status'), pod);
    await start(s);
    await s.advanceBeating(45_000, ['n2']);
    const ready = (get(s.h, '/pods/default/web')!.status as { conditions: { type: string; status: string }[] })
      .conditions;
    expect(ready.find((c) => c.type === 'Ready')?.status).toBe('False');
  });

  it('removes the taints when the node is Ready again, and spares pods whose toleration had not run out', async () => {
    const s = await setup();
    await addNode(s, 'n1');
    await addNode(s, 'n2');
    await addPod(s, 'tolerant', 'n1', DEFAULT_TOLERATIONS);
    await start(s);
    await s.advanceBeating(45_000, ['n2']);
    expect(taints(s, 'n1').map((t) => t.key)).toEqual([
      'node.kubernetes.io/unreachable',
      'node.kubernetes.io/unreachable',
    ]);
    await s.heartbeat('n1');
    expect(ready(s, 'n1')?.status).toBe('True');
    expect(taints(s, 'n1')).toEqual([]);
    await s.advanceBeating(300_000, ['n1', 'n2']);
    expect(evicted(s, 'tolerant')).toBe(false);
  });

  it('taints a Ready=False node not-ready and a cordoned node unschedulable, leaving other taints alone', async () => {
    const s = await setup();
    await addNode(s, 'n1');
    await addNode(s, 'n2');
    await s.h.api.patch(nodeRef('n1'), 'merge', {
      spec: { unschedulable: true, taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] },
    });
    await start(s);
    expect(taints(s, 'n1')).toEqual([
      { key: 'dedicated', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' },
    ]);
    const node = deepCopy(await s.h.api.get(nodeRef('n1')));
    node.status = {
      conditions: [{ ...readyConditions(s.h.clock.now())[0], status: 'False', reason: 'KubeletNotReady' }],
    };
    await s.h.api.update(nodeRef('n1', 'status'), node);
    await s.settle();
    expect(taints(s, 'n1')).toEqual([
      { key: 'dedicated', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' },
    ]);
  });
});
