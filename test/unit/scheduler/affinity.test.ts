import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src-main/engine/api/types.js';
import { get, harness, nodeRef, podsRef, type Harness } from '../controllers/helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const ZONE = 'topology.kubernetes.io/zone';
const HOSTNAME = 'kubernetes.io/hostname';

function node(name: string, zone?: string, o: { cpu?: string; memory?: string; unschedulable?: boolean } = {}) {
  const allocatable = { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { [HOSTNAME]: name, ...(zone ? { [ZONE]: zone } : {}) } },
    spec: { unschedulable: o.unschedulable },
    status: {
      capacity: allocatable,
      allocatable,
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'ready' }],
    },
  } satisfies KubeObject;
}

interface PodOpts {
  labels?: Record<string, string>;
  nodeName?: string;
  affinity?: unknown;
  topologySpreadConstraints?: unknown[];
}

function pod(name: string, o: PodOpts = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: o.labels ?? { app: 'web' } },
    spec: {
      nodeName: o.nodeName,
      affinity: o.affinity,
      topologySpreadConstraints: o.topologySpreadConstraints,
      containers: [{ name: 'main', image: 'nginx:1.25' }],
    },
  };
}

const term = (app: string, topologyKey: string) => ({ labelSelector: { matchLabels: { app } }, topologyKey });
const antiAffinity = (app: string, topologyKey: string) => ({
  podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term(app, topologyKey)] },
});
const affinity = (app: string, topologyKey: string) => ({
  podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term(app, topologyKey)] },
});
const spread = (whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway', app = 'web') => [
  { maxSkew: 1, topologyKey: ZONE, whenUnsatisfiable, labelSelector: { matchLabels: { app } } },
];

async function addNode(hh: Harness, n: KubeObject): Promise<void> {
  const created = await hh.api.create(nodeRef(), { ...n, status: undefined });
  await hh.api.update(nodeRef(n.metadata.name, 'status'), { ...created, status: n.status });
}

async function addNodes(hh: Harness, ...ns: KubeObject[]): Promise<void> {
  for (const n of ns) await addNode(hh, n);
}

async function create(hh: Harness, p: KubeObject): Promise<KubeObject> {
  await hh.api.create(podsRef(), p);
  await hh.settle();
  return stored(hh, p.metadata.name!);
}

const stored = (hh: Harness, name: string) => get(hh, `/pods/default/${name}`)!;
const nodeNameOf = (p: KubeObject) => (p.spec as { nodeName?: string }).nodeName;
const zoneOf = (n: string | undefined) => n?.split('-')[0];
const scheduledMessage = (p: KubeObject) =>
  ((p.status as { conditions?: { type: string; message?: string }[] }).conditions ?? []).find(
    (c) => c.type === 'PodScheduled',
  )?.message;

const withScheduler = () => harness({ scheduler: true, replicaSets: false, deployments: false });

describe('scheduler: InterPodAffinity', () => {
  it('required anti-affinity on hostname puts 3 replicas on 3 nodes and leaves a 4th Pending', async () => {
    h = await withScheduler();
    await addNodes(h, node('n1'), node('n2'), node('n3'));
    const placed: string[] = [];
    for (let i = 0; i < 3; i++) {
      placed.push(nodeNameOf(await create(h, pod(`web-${i}`, { affinity: antiAffinity('web', HOSTNAME) })))!);
    }
    expect(placed.sort()).toEqual(['n1', 'n2', 'n3']);
    const fourth = await create(h, pod('web-3', { affinity: antiAffinity('web', HOSTNAME) }));
    expect(nodeNameOf(fourth)).toBeUndefined();
    expect(scheduledMessage(fourth)).toBe(
      "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. " +
        'preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
    );
    expect(h.ctrl.scheduler!.why('default', 'web-3')!.failures[0]).toMatchObject({ plugin: 'InterPodAffinity' });
  });

  it('required affinity to a zone places the pod in the zone of the matching pod', async () => {
    h = await withScheduler();
    await addNodes(h, node('a-1', 'a'), node('a-2', 'a'), node('b-1', 'b'), node('b-2', 'b'));
    await create(h, pod('db', { labels: { app: 'db' }, nodeName: 'b-2' }));
    for (let i = 0; i < 4; i++) {
      const p = await create(h, pod(`web-${i}`, { affinity: affinity('db', ZONE) }));
      expect(zoneOf(nodeNameOf(p))).toBe('b');
    }
  });

  it('required affinity with no matching pod is Unschedulable, unless the pod matches its own terms', async () => {
    h = await withScheduler();
    await addNodes(h, node('a-1', 'a'), node('b-1', 'b'));
    const lonely = await create(h, pod('lonely', { affinity: affinity('db', ZONE) }));
    expect(scheduledMessage(lonely)).toBe(
      "0/2 nodes are available: 2 node(s) didn't match pod affinity rules. " +
        'preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
    );
    const first = await create(h, pod('first', { affinity: affinity('web', ZONE) }));
    expect(nodeNameOf(first)).toBeDefined();
    const second = await create(h, pod('second', { affinity: affinity('web', ZONE) }));
    expect(zoneOf(nodeNameOf(second))).toBe(zoneOf(nodeNameOf(first)));
  });

  it("an existing pod's anti-affinity rejects the node for pods it selects", async () => {
    h = await withScheduler();
    await addNodes(h, node('n1'), node('n2', undefined, { unschedulable: true }));
    await create(
      h,
      pod('guard', { labels: { app: 'guard' }, nodeName: 'n1', affinity: antiAffinity('web', HOSTNAME) }),
    );
    const web = await create(h, pod('web'));
    expect(nodeNameOf(web)).toBeUndefined();
    expect(scheduledMessage(web)).toBe(
      "0/2 nodes are available: 1 node(s) didn't satisfy existing pods anti-affinity rules, 1 node(s) were unschedulable. " +
        'preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.',
    );
    expect(nodeNameOf(await create(h, pod('other', { labels: { app: 'other' } })))).toBe('n1');
  });

  it('a pod relabelled away from an anti-affinity selector no longer blocks, and the parked pod is retried', async () => {
    h = await withScheduler();
    await addNodes(h, node('n1'));
    await create(h, pod('old', { nodeName: 'n1' }));
    const blocked = await create(h, pod('new', { labels: { app: 'new' }, affinity: antiAffinity('web', HOSTNAME) }));
    expect(scheduledMessage(blocked)).toContain("1 node(s) didn't match pod anti-affinity rules");
    await h.api.patch(podsRef('default', 'old'), 'merge', { metadata: { labels: { app: 'retired' } } });
    await h.settle();
    h.clock.advance(1000);
    await h.settle();
    expect(nodeNameOf(stored(h, 'new'))).toBe('n1');
  });

  it('a deleted pod stops counting for anti-affinity', async () => {
    h = await withScheduler();
    await addNodes(h, node('n1'));
    await create(h, pod('web-0', { affinity: antiAffinity('web', HOSTNAME) }));
    const second = await create(h, pod('web-1', { affinity: antiAffinity('web', HOSTNAME) }));
    expect(nodeNameOf(second)).toBeUndefined();
    await h.api.delete(podsRef('default', 'web-0'), { gracePeriodSeconds: 0 });
    await h.settle();
    h.clock.advance(1000);
    await h.settle();
    expect(nodeNameOf(stored(h, 'web-1'))).toBe('n1');
  });

  it('preferred affinity scores the zone of the matching pod highest', async () => {
    h = await withScheduler();
    await addNodes(h, node('a-1', 'a'), node('b-1', 'b'));
    await create(h, pod('cache', { labels: { app: 'cache' }, nodeName: 'b-1' }));
    const prefer = {
      podAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, podAffinityTerm: term('cache', ZONE) }],
      },
    };
    expect(nodeNameOf(await create(h, pod('web', { affinity: prefer })))).toBe('b-1');
    const why = h.ctrl.scheduler!.why('default', 'web')!;
    expect(why.scores.map((s) => [s.node, s.plugins.InterPodAffinity])).toEqual([
      ['b-1', 100],
      ['a-1', 0],
    ]);
  });
});

describe('scheduler: PodTopologySpread', () => {
  it('maxSkew 1 across 2 zones alternates the zones', async () => {
    h = await withScheduler();
    await addNodes(h, node('a-1', 'a'), node('a-2', 'a'), node('b-1', 'b'), node('b-2', 'b'));
    const counts = { a: 0, b: 0 };
    for (let i = 0; i < 6; i++) {
      const p = await create(h, pod(`web-${i}`, { topologySpreadConstraints: spread('DoNotSchedule') }));
      counts[zoneOf(nodeNameOf(p)) as 'a' | 'b']++;
      expect(Math.abs(counts.a - counts.b)).toBeLessThanOrEqual(1);
    }
    expect(counts).toEqual({ a: 3, b: 3 });
  });

  it('refuses a node whose domain would exceed maxSkew, counting a cordoned zone as a domain', async () => {
    h = await withScheduler();
    await addNodes(h, node('a-1', 'a'), node('b-1', 'b', { unschedulable: true }), node('none'));
    await create(h, pod('old-0', { nodeName: 'a-1' }));
    const p = await create(h, pod('web', { topologySpreadConstraints: spread('DoNotSchedule') }));
    expect(scheduledMessage(p)).toBe(
      "0/3 nodes are available: 1 node(s) didn't match pod topology spread constraints, " +
        "1 node(s) didn't match pod topology spread constraints (missing required label), 1 node(s) were unschedulable. " +
        'preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.',
    );
  });

  it('ScheduleAnyway prefers the emptier domain over the emptier node', async () => {
    h = await withScheduler();
    await addNodes(h, node('a-1', 'a', { cpu: '64', memory: '128Gi' }), node('b-1', 'b', { cpu: '2', memory: '4Gi' }));
    for (let i = 0; i < 3; i++) await create(h, pod(`old-${i}`, { nodeName: 'a-1' }));
    const p = await create(h, pod('web', { topologySpreadConstraints: spread('ScheduleAnyway') }));
    expect(nodeNameOf(p)).toBe('b-1');
    const why = h.ctrl.scheduler!.why('default', 'web')!;
    expect(why.scores.map((s) => [s.node, s.plugins.PodTopologySpread])).toEqual([
      ['b-1', 100],
      ['a-1', 0],
    ]);
    expect(why.scores[1].plugins.NodeResourcesFit).toBeGreaterThan(why.scores[0].plugins.NodeResourcesFit);
  });

  it('ignores pods the selector does not match and pods of other namespaces', async () => {
    h = await withScheduler();
    await addNodes(h, node('a-1', 'a'), node('b-1', 'b'));
    await create(h, pod('other-0', { labels: { app: 'other' }, nodeName: 'a-1' }));
    await create(h, pod('other-1', { labels: { app: 'other' }, nodeName: 'a-1' }));
    const p = await create(h, pod('web', { topologySpreadConstraints: spread('DoNotSchedule') }));
    expect(nodeNameOf(p)).toBeDefined();
  });
});
