import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Pod, PodStatus, Container } from 'kubernetes-types/core/v1';
import { Engine } from '../../../src-main/engine/index.js';
import { FakeClock } from '../../../src-main/engine/clock.js';
import type { KubeObject } from '../../../src-main/engine/api/types.js';
import { createRuntime, type ContainerSpec, type SimulatedRuntime } from '../../../src-main/engine/runtime/index.js';
import { NodeAgent, type NodeAgentOptions } from '../../../src-main/engine/node/index.js';

export const PAUSE = 'registry.k8s.io/pause:3.10';

export interface Harness {
  engine: Engine;
  clock: FakeClock;
  runtime: SimulatedRuntime;
  agent: NodeAgent;
  dataDir: string;
  /** Let every pending sync, watch and event finish. */
  settle(): Promise<void>;
  /** Move fake time forward in steps, settling after each. */
  advance(ms: number, stepMs?: number): Promise<void>;
  createPod(pod: Pod): Promise<KubeObject>;
  getPod(name: string, namespace?: string): Promise<Pod>;
  status(name: string, namespace?: string): Promise<PodStatus>;
  events(name?: string): Promise<{ reason: string; message: string; type: string; count: number }[]>;
  newAgent(opts?: Partial<NodeAgentOptions>): NodeAgent;
  /** Every ContainerSpec the agent created, by container id. */
  createdSpecs: Map<string, ContainerSpec>;
  close(): Promise<void>;
}

export async function harness(
  opts: { runtime?: SimulatedRuntime; agent?: Partial<NodeAgentOptions>; start?: boolean } = {},
): Promise<Harness> {
  const clock = new FakeClock();
  const engine = await Engine.start({ clock });
  const runtime = opts.runtime ?? createRuntime('simulated', { clock, images: [PAUSE, 'busybox:1.36', 'app:1'] });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kubedesk-node-test-'));
  const agents: NodeAgent[] = [];
  const createdSpecs = new Map<string, ContainerSpec>();
  const create = runtime.createContainer.bind(runtime);
  runtime.createContainer = async (sandboxId, spec) => {
    const id = await create(sandboxId, spec);
    createdSpecs.set(id, spec);
    return id;
  };
  const newAgent = (o: Partial<NodeAgentOptions> = {}) => {
    const a = new NodeAgent(engine, runtime, {
      clusterId: 'test',
      dataDir,
      heartbeatMs: 10_000,
      statsIntervalMs: 5_000,
      ...opts.agent,
      ...o,
    });
    agents.push(a);
    return a;
  };
  const agent = newAgent();
  const h: Harness = {
    engine,
    clock,
    runtime,
    agent,
    dataDir,
    async settle() {
      // Idle twice in a row = settled. A sync may be waiting on fake time (a grace period), so a
      // busy agent is given a few short real-time waits (file I/O) and then left to it.
      let idleRuns = 0;
      for (let i = 0; i < 40 && idleRuns < 2; i++) {
        await ticks(5);
        const idle = await Promise.race([
          Promise.all(agents.map((a) => a.whenIdle())).then(() => true),
          new Promise<boolean>((r) => setTimeout(() => r(false), 20)),
        ]);
        await engine.settle();
        idleRuns = idle ? idleRuns + 1 : 0;
        if (!idle && i >= 8) break;
      }
    },
    async advance(ms, stepMs = 1000) {
      for (let t = 0; t < ms; t += stepMs) {
        clock.advance(Math.min(stepMs, ms - t));
        await h.settle();
      }
    },
    async createPod(pod) {
      const spec = { nodeName: 'kubedesk', ...pod.spec } as Pod['spec'];
      const obj = await engine.api.create(
        { group: '', resource: 'pods', namespace: pod.metadata?.namespace ?? 'default' },
        { apiVersion: 'v1', kind: 'Pod', ...pod, spec },
      );
      await h.settle();
      return obj;
    },
    async getPod(name, namespace = 'default') {
      return (await engine.api.get({ group: '', resource: 'pods', namespace, name })) as Pod;
    },
    async status(name, namespace = 'default') {
      return (await h.getPod(name, namespace)).status ?? {};
    },
    async events(name) {
      const list = await engine.api.list({ group: '', resource: 'events' });
      return list.items
        .filter((e) => !name || (e.involvedObject as { name?: string }).name === name)
        .map((e) => ({
          reason: e.reason as string,
          message: e.message as string,
          type: e.type as string,
          count: e.count as number,
        }));
    },
    newAgent,
    createdSpecs,
    async close() {
      for (const a of agents) await a.stop();
      await engine.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  if (opts.start !== false) {
    await agent.start();
    await h.settle();
  }
  return h;
}

export function pod(
  name: string,
  containers: Container[],
  extra: Partial<Pod['spec']> = {},
  meta: Partial<Pod['metadata']> = {},
): Pod {
  return { metadata: { name, ...meta }, spec: { containers, ...extra } };
}

export function containerState(s: PodStatus, name: string) {
  return [...(s.containerStatuses ?? []), ...(s.initContainerStatuses ?? [])].find((c) => c.name === name);
}

export function condition(s: PodStatus, type: string) {
  return s.conditions?.find((c) => c.type === type);
}

async function ticks(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
}
