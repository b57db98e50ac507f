import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../../src-main/engine/index.js';
import { FakeClock } from '../../../src-main/engine/clock.js';
import type { Pod } from 'kubernetes-types/core/v1';
import type { KubeObject } from '../../../src-main/engine/api/types.js';
import type { RevisionObj } from '../../../src-main/engine/controllers/history/controller-revision.js';
import { EventRecorder } from '../../../src-main/engine/controllers/events.js';
import { InformerFactory } from '../../../src-main/engine/controllers/framework/informer.js';
import { DaemonSetController } from '../../../src-main/engine/controllers/daemonset/daemonset-controller.js';
import {
  nodeShouldRunDaemonPod,
  pinToNode,
  type DaemonSetObj,
} from '../../../src-main/engine/controllers/daemonset/eligibility.js';
import { events, markReady, nodeRef, podsRef, type Harness } from './helpers.js';

interface DsHarness extends Pick<Harness, 'engine' | 'clock' | 'api' | 'settle' | 'stop'> {
  dsc: DaemonSetController;
  /** Stop the controller and its informers, leaving the engine running (a controller crash). */
  halt(): void;
}

/** The engine with only the DaemonSet controller running (no scheduler: pods stay pinned, unbound). */
async function dsHarness(existing?: { engine: Engine; clock: FakeClock }): Promise<DsHarness> {
  const clock = existing?.clock ?? new FakeClock();
  const engine = existing?.engine ?? (await Engine.start({ clock }));
  const informers = new InformerFactory(engine.store);
  const dsc = new DaemonSetController({
    api: engine.api,
    clock,
    informers,
    recorder: (c) => new EventRecorder(engine.api, c),
  });
  informers.start();
  const settle = async () => {
    for (let i = 0; i < 200; i++) {
      await dsc.whenIdle();
      await engine.store.flush();
      await new Promise((r) => setImmediate(r));
      if (dsc.queue.length === 0) {
        await dsc.whenIdle();
        await new Promise((r) => setImmediate(r));
        if (dsc.queue.length === 0) return;
      }
    }
  };
  return {
    engine,
    clock,
    api: engine.api,
    dsc,
    settle,
    halt: () => {
      dsc.stop();
      informers.stop();
    },
    stop: async () => {
      dsc.stop();
      informers.stop();
      await engine.stop();
    },
  };
}

let h: DsHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const dsRef = (name?: string, subresource?: string) => ({
  group: 'apps',
  resource: 'daemonsets',
  namespace: 'default',
  name,
  subresource,
});

function node(name: string, o: { labels?: Record<string, string>; taints?: unknown[]; unschedulable?: boolean } = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(o.labels ?? {}) } },
    spec: { taints: o.taints, unschedulable: o.unschedulable },
    status: { conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

function daemonSet(
  name: string,
  o: { image?: string; nodeSelector?: Record<string, string>; tolerations?: unknown[]; updateStrategy?: unknown } = {},
): KubeObject {
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name },
    spec: {
      selector: { matchLabels: labels },
      updateStrategy: o.updateStrategy,
      template: {
        metadata: { labels },
        spec: {
          nodeSelector: o.nodeSelector,
          tolerations: o.tolerations,
          containers: [{ name: 'agent', image: o.image ?? 'fluentd:1' }],
        },
      },
    },
  };
}

const livePods = (hh: DsHarness) =>
  hh.engine.store.list('/pods', 'default').filter((p) => !p.metadata.deletionTimestamp);
const requiredAffinity = (p: KubeObject) =>
  (p as Pod).spec!.affinity!.nodeAffinity!.requiredDuringSchedulingIgnoredDuringExecution!;
const nodeOf = (p: KubeObject) => requiredAffinity(p).nodeSelectorTerms[0].matchFields![0].values![0];
const nodesWithPods = (hh: DsHarness) => livePods(hh).map(nodeOf).sort();
const imageOf = (p: KubeObject) => (p.spec as { containers: { image: string }[] }).containers[0].image;
const dsStatus = (hh: DsHarness, name = 'agent') =>
  (hh.engine.store.get(`apps/daemonsets/default/${name}`)?.status ?? {}) as Record<string, unknown>;
const revisionTemplate = (r: RevisionObj) =>
  (r.data as { spec: { template: { $patch?: string; spec: { containers: { image: string }[] } } } }).spec.template;
const revisions = (hh: DsHarness) => hh.engine.store.list('apps/controllerrevisions', 'default') as RevisionObj[];

async function readyAll(hh: DsHarness): Promise<void> {
  for (const p of livePods(hh)) {
    const ready = (p.status as { conditions?: { type: string; status: string }[] })?.conditions?.some(
      (c) => c.type === 'Ready' && c.status === 'True',
    );
    if (!ready) await markReady(hh as unknown as Harness, p);
  }
  await hh.settle();
}

describe('DaemonSet controller', () => {
  it('runs one pod per node, pinned by required node affinity with the default daemon tolerations', async () => {
    h = await dsHarness();
    for (const n of ['n1', 'n2', 'n3']) await h.api.create(nodeRef(), node(n));
    await h.api.create(dsRef(), daemonSet('agent'));
    await h.settle();
    expect(nodesWithPods(h)).toEqual(['n1', 'n2', 'n3']);
    const pod = livePods(h)[0];
    expect(pod.metadata.name).toMatch(/^agent-[a-z0-9]{5}$/);
    expect((pod.spec as { nodeName?: string }).nodeName).toBeUndefined();
    expect(requiredAffinity(pod)).toEqual({
      nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeOf(pod)] }] }],
    });
    const tolerations = (pod.spec as { tolerations: { key: string; effect: string }[] }).tolerations;
    expect(tolerations.map((t) => `${t.key}:${t.effect}`)).toEqual([
      'node.kubernetes.io/not-ready:NoExecute',
      'node.kubernetes.io/unreachable:NoExecute',
      'node.kubernetes.io/disk-pressure:NoSchedule',
      'node.kubernetes.io/memory-pressure:NoSchedule',
      'node.kubernetes.io/pid-pressure:NoSchedule',
      'node.kubernetes.io/unschedulable:NoSchedule',
    ]);
    expect(pod.metadata.labels).toMatchObject({ app: 'agent', 'pod-template-generation': '1' });
    expect(pod.metadata.labels!['controller-revision-hash']).toMatch(/^[a-z0-9]+$/);
    expect(events(h as unknown as Harness, 'SuccessfulCreate').map((e) => e.message)).toHaveLength(3);
    expect(events(h as unknown as Harness, 'SuccessfulCreate')[0].message).toMatch(/^Created pod: agent-/);
    expect(dsStatus(h)).toEqual({
      currentNumberScheduled: 3,
      numberMisscheduled: 0,
      desiredNumberScheduled: 3,
      numberReady: 0,
      updatedNumberScheduled: 3,
      numberUnavailable: 3,
      observedGeneration: 1,
    });
    await readyAll(h);
    expect(dsStatus(h)).toMatchObject({ numberReady: 3, numberAvailable: 3 });
    expect(dsStatus(h).numberUnavailable).toBeUndefined();
  });

  it('respects nodeSelector, and runs on a cordoned node as upstream does', async () => {
    h = await dsHarness();
    await h.api.create(nodeRef(), node('gpu1', { labels: { gpu: 'true' } }));
    await h.api.create(nodeRef(), node('cpu1'));
    await h.api.create(nodeRef(), node('gpu2', { labels: { gpu: 'true' }, unschedulable: true }));
    await h.api.create(dsRef(), daemonSet('agent', { nodeSelector: { gpu: 'true' } }));
    await h.settle();
    expect(nodesWithPods(h)).toEqual(['gpu1', 'gpu2']);
    expect(dsStatus(h)).toMatchObject({ desiredNumberScheduled: 2, currentNumberScheduled: 2 });
  });

  it('skips a node with an untolerated NoSchedule taint unless the template tolerates it', async () => {
    h = await dsHarness();
    await h.api.create(nodeRef(), node('n1'));
    await h.api.create(
      nodeRef(),
      node('cp', { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] }),
    );
    await h.api.create(dsRef(), daemonSet('agent'));
    await h.api.create(
      dsRef(),
      daemonSet('everywhere', { tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists' }] }),
    );
    await h.settle();
    const byDs = (ds: string) =>
      livePods(h!)
        .filter((p) => p.metadata.labels?.app === ds)
        .map(nodeOf)
        .sort();
    expect(byDs('agent')).toEqual(['n1']);
    expect(byDs('everywhere')).toEqual(['cp', 'n1']);
  });

  it('evicts its pod from a node that gains an untolerated NoExecute taint, but keeps it on a new NoSchedule taint', async () => {
    h = await dsHarness();
    await h.api.create(nodeRef(), node('n1'));
    await h.api.create(nodeRef(), node('n2'));
    await h.api.create(dsRef(), daemonSet('agent'));
    await h.settle();
    await h.api.patch(nodeRef('n1'), 'merge', { spec: { taints: [{ key: 'maintenance', effect: 'NoSchedule' }] } });
    await h.settle();
    expect(nodesWithPods(h)).toEqual(['n1', 'n2']);
    expect(dsStatus(h)).toMatchObject({ desiredNumberScheduled: 1, numberMisscheduled: 1 });
    await h.api.patch(nodeRef('n2'), 'merge', { spec: { taints: [{ key: 'broken', effect: 'NoExecute' }] } });
    await h.settle();
    expect(nodesWithPods(h)).toEqual(['n1']);
  });

  it('adds a pod when a node joins and removes it when the node goes', async () => {
    h = await dsHarness();
    await h.api.create(nodeRef(), node('n1'));
    await h.api.create(dsRef(), daemonSet('agent'));
    await h.settle();
    await h.api.create(nodeRef(), node('n2'));
    await h.settle();
    expect(nodesWithPods(h)).toEqual(['n1', 'n2']);
    await h.api.delete(nodeRef('n1'));
    await h.settle();
    expect(nodesWithPods(h)).toEqual(['n2']);
    expect(events(h as unknown as Harness, 'SuccessfulDelete')).toHaveLength(1);
    expect(dsStatus(h)).toMatchObject({ desiredNumberScheduled: 1, currentNumberScheduled: 1 });
  });

  it('rolls a new template node by node, never more than maxUnavailable nodes without an available pod', async () => {
    h = await dsHarness();
    for (const n of ['n1', 'n2', 'n3', 'n4', 'n5']) await h.api.create(nodeRef(), node(n));
    await h.api.create(
      dsRef(),
      daemonSet('agent', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 } } }),
    );
    await h.settle();
    await readyAll(h);
    await h.api.patch(dsRef('agent'), 'merge', {
      spec: { template: { spec: { containers: [{ name: 'agent', image: 'fluentd:2' }] } } },
    });
    await h.settle();
    for (let round = 0; round < 10; round++) {
      const live = livePods(h);
      const availableNodes = live.filter((p) =>
        (p.status as { conditions?: { type: string; status: string }[] })?.conditions?.some(
          (c) => c.type === 'Ready' && c.status === 'True',
        ),
      ).length;
      expect(availableNodes).toBeGreaterThanOrEqual(3);
      if (live.length === 5 && live.every((p) => imageOf(p) === 'fluentd:2') && availableNodes === 5) break;
      // Only two old pods are replaced at a time.
      expect(live.length - availableNodes).toBeLessThanOrEqual(2);
      expect(live.filter((p) => imageOf(p) === 'fluentd:1').length).toBeGreaterThanOrEqual(3 - round * 2);
      await readyAll(h);
    }
    expect(livePods(h).map(imageOf)).toEqual(Array(5).fill('fluentd:2'));
    expect(dsStatus(h)).toMatchObject({ updatedNumberScheduled: 5, numberAvailable: 5, observedGeneration: 2 });
  });

  it('with OnDelete keeps old pods until they are deleted by hand', async () => {
    h = await dsHarness();
    for (const n of ['n1', 'n2']) await h.api.create(nodeRef(), node(n));
    await h.api.create(dsRef(), daemonSet('agent', { updateStrategy: { type: 'OnDelete' } }));
    await h.settle();
    await readyAll(h);
    await h.api.patch(dsRef('agent'), 'merge', {
      spec: { template: { spec: { containers: [{ name: 'agent', image: 'fluentd:2' }] } } },
    });
    await h.settle();
    expect(livePods(h).map(imageOf)).toEqual(['fluentd:1', 'fluentd:1']);
    expect(dsStatus(h).currentNumberScheduled).toBe(2);
    expect(dsStatus(h).updatedNumberScheduled).toBeUndefined();
    const victim = livePods(h)[0];
    await h.api.delete(podsRef('default', victim.metadata.name));
    await h.settle();
    expect(livePods(h).map(imageOf).sort()).toEqual(['fluentd:1', 'fluentd:2']);
    expect(dsStatus(h).updatedNumberScheduled).toBe(1);
  });

  it('with maxSurge starts the new pod beside the old one and deletes the old one once the new is available', async () => {
    h = await dsHarness();
    await h.api.create(nodeRef(), node('n1'));
    await h.api.create(
      dsRef(),
      daemonSet('agent', {
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      }),
    );
    await h.settle();
    await readyAll(h);
    await h.api.patch(dsRef('agent'), 'merge', {
      spec: { template: { spec: { containers: [{ name: 'agent', image: 'fluentd:2' }] } } },
    });
    await h.settle();
    expect(livePods(h).map(imageOf).sort()).toEqual(['fluentd:1', 'fluentd:2']);
    await readyAll(h);
    expect(livePods(h).map(imageOf)).toEqual(['fluentd:2']);
  });

  it('rebuilds from the store after a restart without creating extra pods or revisions', async () => {
    h = await dsHarness();
    for (const n of ['n1', 'n2']) await h.api.create(nodeRef(), node(n));
    await h.api.create(dsRef(), daemonSet('agent'));
    await h.settle();
    const uids = livePods(h)
      .map((p) => p.metadata.uid)
      .sort();
    h.halt();
    const again = await dsHarness(h);
    await again.settle();
    expect(
      livePods(again)
        .map((p) => p.metadata.uid)
        .sort(),
    ).toEqual(uids);
    expect(revisions(again)).toHaveLength(1);
    again.halt();
  });

  it('records a ControllerRevision per template, and a rollback renumbers the old revision as the newest', async () => {
    h = await dsHarness();
    await h.api.create(nodeRef(), node('n1'));
    await h.api.create(dsRef(), daemonSet('agent'));
    await h.settle();
    const [first] = revisions(h);
    const hash = first.metadata.labels!['controller-revision-hash'];
    expect(first).toMatchObject({ revision: 1, metadata: { name: `agent-${hash}`, labels: { app: 'agent' } } });
    expect(first.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'DaemonSet', name: 'agent', controller: true }),
    ]);
    expect(revisionTemplate(first).$patch).toBe('replace');
    expect(revisionTemplate(first).spec.containers[0].image).toBe('fluentd:1');
    expect(livePods(h)[0].metadata.labels!['controller-revision-hash']).toBe(hash);

    await h.api.patch(dsRef('agent'), 'merge', {
      spec: { template: { spec: { containers: [{ name: 'agent', image: 'fluentd:2' }] } } },
    });
    await h.settle();
    await readyAll(h);
    expect(
      revisions(h)
        .map((r) => r.revision)
        .sort(),
    ).toEqual([1, 2]);

    // kubectl rollout undo: patch the DaemonSet with revision 1's data.
    await h.api.patch(dsRef('agent'), 'strategic', first.data);
    await h.settle();
    await readyAll(h);
    const byRev = Object.fromEntries(revisions(h).map((r) => [r.revision, r.metadata.name]));
    expect(byRev).toEqual({ 2: expect.any(String), 3: first.metadata.name });
    expect(livePods(h).map(imageOf)).toEqual(['fluentd:1']);
  });
});

describe('DaemonSet eligibility', () => {
  const ds = (spec: Record<string, unknown>): DaemonSetObj =>
    ({ metadata: { name: 'x' }, spec: { template: { spec: { containers: [], ...spec } } } }) as DaemonSetObj;
  const n = (labels: Record<string, string>, taints: unknown[] = []): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'n1', labels },
    spec: { taints },
  });

  it('honours required node affinity and treats the default tolerations as given', () => {
    const affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }],
        },
      },
    };
    expect(nodeShouldRunDaemonPod(n({ zone: 'a' }), ds({ affinity })).shouldRun).toBe(true);
    expect(nodeShouldRunDaemonPod(n({ zone: 'b' }), ds({ affinity }))).toEqual({
      shouldRun: false,
      shouldContinueRunning: false,
    });
    const notReady = [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }];
    expect(nodeShouldRunDaemonPod(n({}, notReady), ds({})).shouldRun).toBe(true);
  });

  it('pins by replacing each term’s matchFields and keeping its matchExpressions', () => {
    const pinned = pinToNode(
      {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }],
          },
        },
      },
      'n7',
    );
    expect(pinned.nodeAffinity!.requiredDuringSchedulingIgnoredDuringExecution!.nodeSelectorTerms).toEqual([
      {
        matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }],
        matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n7'] }],
      },
    ]);
  });
});
