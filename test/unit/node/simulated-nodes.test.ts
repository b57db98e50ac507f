import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Node } from 'kubernetes-types/core/v1';
import { Engine } from '../../../src-main/engine/index.js';
import { FakeClock } from '../../../src-main/engine/clock.js';
import type { KubeObject } from '../../../src-main/engine/api/types.js';
import { SimulatedNodes } from '../../../src-main/engine/node/simulated-nodes.js';
import { metricsFromNodeAgents } from '../../../src-main/engine/controllers/hpa/metrics-source.js';
import { parseLabelSelector } from '../../../src-main/engine/api/selectors/index.js';

const nodeRef = (name?: string) => ({ group: '', resource: 'nodes', name });

interface Setup {
  engine: Engine;
  clock: FakeClock;
  nodes: SimulatedNodes;
  settle(): Promise<void>;
  node(name: string): (Node & KubeObject) | undefined;
}

let current: (Setup & { dataDir: string }) | null = null;

async function setup(): Promise<Setup> {
  const clock = new FakeClock();
  const engine = await Engine.start({ clock });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kubedesk-simnodes-test-'));
  const nodes = new SimulatedNodes(engine, { clusterId: 'test', dataDir, heartbeatMs: 10_000 });
  const s = {
    engine,
    clock,
    nodes,
    dataDir,
    async settle() {
      for (let i = 0; i < 3; i++) {
        await nodes.whenIdle();
        await engine.settle();
        await new Promise((r) => setImmediate(r));
      }
    },
    node: (name: string) => engine.store.get(`/nodes//${name}`) as (Node & KubeObject) | undefined,
  };
  current = s;
  return s;
}

afterEach(async () => {
  if (!current) return;
  await current.nodes.stop();
  await current.engine.stop();
  rmSync(current.dataDir, { recursive: true, force: true });
  current = null;
});

function ready(node: Node | undefined): string | undefined {
  return node?.status?.conditions?.find((c) => c.type === 'Ready')?.status;
}

describe('simulated nodes', () => {
  it('adds two nodes that register Ready with their own capacity, labels and taints', async () => {
    const s = await setup();
    await s.nodes.add({
      name: 'sim-1',
      cpu: '2',
      memory: '4Gi',
      labels: { 'topology.kubernetes.io/zone': 'a' },
      taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }],
    });
    await s.nodes.add({ name: 'sim-2', cpu: 500 / 1000, memory: 2 * 1024 ** 3 });
    await s.settle();

    const one = s.node('sim-1')!;
    expect(ready(one)).toBe('True');
    expect(one.status?.capacity).toMatchObject({ cpu: '2', memory: `${4 * 1024 * 1024}Ki` });
    expect(one.metadata.labels).toMatchObject({
      'kubedesk.io/simulated': 'true',
      'topology.kubernetes.io/zone': 'a',
      'kubernetes.io/hostname': 'sim-1',
    });
    expect(one.spec?.taints).toEqual([{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }]);
    expect(ready(s.node('sim-2'))).toBe('True');
    expect(s.node('sim-2')!.status?.capacity?.cpu).toBe('0.5');
    expect(s.engine.store.get('coordination.k8s.io/leases/kube-node-lease/sim-2')).toBeDefined();
    expect(s.nodes.list().map((n) => n.name)).toEqual(['sim-1', 'sim-2']);
  });

  it('refuses a second node of the same name', async () => {
    const s = await setup();
    await s.nodes.add({ name: 'sim-1' });
    await expect(s.nodes.add({ name: 'sim-1' })).rejects.toThrow('simulated node "sim-1" already exists');
  });

  it('removes a node: its agent stops and its Node is deleted, the other stays', async () => {
    const s = await setup();
    await s.nodes.add({ name: 'sim-1' });
    await s.nodes.add({ name: 'sim-2' });
    await s.settle();
    await s.nodes.remove('sim-1');
    await s.settle();
    expect(s.node('sim-1')).toBeUndefined();
    expect(ready(s.node('sim-2'))).toBe('True');
    expect(s.nodes.list().map((n) => n.name)).toEqual(['sim-2']);
    await expect(s.nodes.remove('sim-1')).rejects.toThrow('no simulated node "sim-1"');
  });

  it('starts an agent for a Node created through the API with kubedesk.io/simulated=true', async () => {
    const s = await setup();
    s.nodes.start();
    await s.engine.api.create(nodeRef(), {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: 'applied',
        labels: { 'kubedesk.io/simulated': 'true' },
        annotations: { 'kubedesk.io/simulated-cpu': '3', 'kubedesk.io/simulated-memory': '1Gi' },
      },
    });
    await s.engine.api.create(nodeRef(), { apiVersion: 'v1', kind: 'Node', metadata: { name: 'plain' } });
    await s.settle();
    expect(ready(s.node('applied'))).toBe('True');
    expect(s.node('applied')!.status?.capacity).toMatchObject({ cpu: '3', memory: '1048576Ki' });
    expect(ready(s.node('plain'))).toBeUndefined();
    expect(s.nodes.list()).toEqual([{ name: 'applied', cpu: 3, memoryBytes: 1024 ** 3, pods: 110 }]);

    await s.engine.api.delete(nodeRef('applied'));
    await s.settle();
    expect(s.nodes.list()).toEqual([]);
  });

  it("runs pods bound to a simulated node on that node's runtime, and reports their usage to the HPA", async () => {
    const s = await setup();
    const sim = await s.nodes.add({ name: 'sim-1' });
    sim.runtime.setImageBehaviour('busybox', { cpuCores: 0.25 });
    await s.settle();
    await s.engine.api.create(
      { group: '', resource: 'pods', namespace: 'default' },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p', labels: { app: 'p' } },
        spec: { nodeName: 'sim-1', containers: [{ name: 'main', image: 'busybox:1.36' }] },
      },
    );
    for (let i = 0; i < 5; i++) {
      s.clock.advance(1_000);
      await s.settle();
    }
    const pod = s.engine.store.get('/pods/default/p')!;
    expect((pod.status as { phase?: string }).phase).toBe('Running');
    expect((await sim.runtime.listContainers({})).length).toBeGreaterThan(0);
    for (let i = 0; i < 4; i++) {
      s.clock.advance(5_000);
      await s.settle();
    }
    const metrics = metricsFromNodeAgents(s.engine.store, () => s.nodes.agents());
    const samples = await metrics.podMetrics('default', parseLabelSelector('app=p'));
    expect(samples.map((m) => m.podName)).toEqual(['p']);
    expect(samples[0].cpuMillis).toBeGreaterThanOrEqual(240);
    expect(samples[0].cpuMillis).toBeLessThanOrEqual(260);
    expect(await metrics.podMetrics('default', parseLabelSelector('app=other'))).toEqual([]);
  });
});
