// Simulated nodes: extra Nodes, each backed by its own SimulatedRuntime and NodeAgent, so
// multi-node scheduling, DaemonSets and node failure can be tried on one laptop. They are made
// two ways:
//
//   - `add({name, cpu, memory, pods, labels, taints})` (the `--simulated-nodes N` flag, the UI);
//   - any Node created through the API with the label `kubedesk.io/simulated=true`, e.g.
//
//       apiVersion: v1
//       kind: Node
//       metadata:
//         name: sim-1
//         labels: {kubedesk.io/simulated: "true", topology.kubernetes.io/zone: b}
//         annotations: {kubedesk.io/simulated-cpu: "2", kubedesk.io/simulated-memory: 4Gi}
//
//     `kubectl apply` of that gets an agent, which registers capacity and turns the node Ready.
//
// Deleting such a Node stops its agent; `remove(name)` stops the agent and deletes the Node.
// Stopping an agent without deleting the Node is how node failure is simulated: its lease goes
// stale and the node lifecycle controller takes over.
import os from 'node:os';
import path from 'node:path';
import type { Taint } from 'kubernetes-types/core/v1';
import type { Engine } from '../index.js';
import type { KubeObject } from '../api/types.js';
import { parseQuantity } from '../api/quantity.js';
import { isStatusError } from '../api/errors.js';
import type { WatchHandle } from '../apiserver/api-server.js';
import { SimulatedRuntime } from '../runtime/simulated/simulated-runtime.js';
import { DEFAULT_SANDBOX_IMAGE } from './constants.js';
import { NodeAgent } from './index.js';

/** The label that makes a Node simulated. */
export const SIMULATED_NODE_LABEL = 'kubedesk.io/simulated';
/** Capacity of a simulated Node made through the API (quantities; default 4 CPUs, 8Gi, 110 pods). */
export const SIMULATED_CPU_ANNOTATION = 'kubedesk.io/simulated-cpu';
export const SIMULATED_MEMORY_ANNOTATION = 'kubedesk.io/simulated-memory';
export const SIMULATED_PODS_ANNOTATION = 'kubedesk.io/simulated-pods';

export const DEFAULT_SIMULATED_CPU = 4;
export const DEFAULT_SIMULATED_MEMORY = 8 * 1024 ** 3;
export const DEFAULT_SIMULATED_PODS = 110;

export interface SimulatedNodeSpec {
  name: string;
  /** CPU quantity (`2`, `500m`) or cores. */
  cpu?: string | number;
  /** Memory quantity (`4Gi`) or bytes. */
  memory?: string | number;
  pods?: number;
  labels?: Record<string, string>;
  taints?: Taint[];
}

export interface SimulatedNode {
  name: string;
  cpu: number;
  memoryBytes: number;
  pods: number;
  runtime: SimulatedRuntime;
  agent: NodeAgent;
}

export interface SimulatedNodesOptions {
  /** The cluster's id (labels every simulated container, as for the main node). */
  clusterId: string;
  /** Parent of each node's volume directory (default: a temp dir per cluster). */
  dataDir?: string;
  heartbeatMs?: number;
  statsIntervalMs?: number;
  /** Images every simulated node has without a pull (the pause image is always there). */
  images?: string[];
}

export class SimulatedNodes {
  #engine: Engine;
  #opts: SimulatedNodesOptions;
  #nodes = new Map<string, SimulatedNode>();
  /** Names being started or stopped, so the watch and add()/remove() never race each other. */
  #busy = new Map<string, Promise<unknown>>();
  #watch: WatchHandle | null = null;

  constructor(engine: Engine, opts: SimulatedNodesOptions) {
    this.#engine = engine;
    this.#opts = opts;
  }

  /** Follow Nodes labelled `kubedesk.io/simulated=true`: start agents for new ones, stop them for deleted ones. */
  start(): void {
    if (this.#watch) return;
    this.#watch = this.#engine.api.watch(
      { group: '', resource: 'nodes' },
      { labelSelector: `${SIMULATED_NODE_LABEL}=true` },
      (e) => {
        const name = e.object.metadata.name!;
        if (e.type === 'ADDED' && !this.#nodes.has(name) && !this.#busy.has(name)) {
          const node = e.object;
          this.#track(name, (async () => this.#startAgent(name, capacityOf(node)))());
        } else if (e.type === 'DELETED' && this.#nodes.has(name) && !this.#busy.has(name)) {
          this.#track(name, this.#stopAgent(name));
        }
      },
    );
  }

  /** Stop following the API and stop every agent (their Nodes stay, and go stale). */
  async stop(): Promise<void> {
    this.#watch?.stop();
    this.#watch = null;
    await Promise.allSettled(this.#busy.values());
    await Promise.all([...this.#nodes.values()].map((n) => n.agent.stop()));
    this.#nodes.clear();
  }

  /** Create a simulated Node and start its agent; resolves once the node has registered. */
  async add(spec: SimulatedNodeSpec): Promise<SimulatedNode> {
    const name = spec.name;
    if (this.#nodes.has(name) || this.#busy.has(name)) throw new Error(`simulated node "${name}" already exists`);
    const capacity = {
      cpu: toNumber(spec.cpu, 'cpu', DEFAULT_SIMULATED_CPU),
      memoryBytes: toNumber(spec.memory, 'memory', DEFAULT_SIMULATED_MEMORY),
      pods: spec.pods ?? DEFAULT_SIMULATED_PODS,
    };
    const work = (async () => {
      await this.#createNode(spec, capacity);
      return this.#startAgent(name, capacity);
    })();
    this.#track(name, work);
    return work;
  }

  /** Stop the node's agent and its containers, and delete the Node (its Lease goes with it). */
  async remove(name: string): Promise<void> {
    await this.#busy.get(name);
    if (!this.#nodes.has(name)) throw new Error(`no simulated node "${name}"`);
    const work = (async () => {
      await this.#stopAgent(name);
      try {
        await this.#engine.api.delete({ group: '', resource: 'nodes', name });
      } catch (err) {
        if (!(isStatusError(err) && err.code === 404)) throw err;
      }
    })();
    this.#track(name, work);
    await work;
  }

  list(): Omit<SimulatedNode, 'runtime' | 'agent'>[] {
    return [...this.#nodes.values()].map(({ name, cpu, memoryBytes, pods }) => ({ name, cpu, memoryBytes, pods }));
  }

  /** The running agents (for the HPA's metrics source, which reads every node's samples). */
  agents(): NodeAgent[] {
    return [...this.#nodes.values()].map((n) => n.agent);
  }

  get(name: string): SimulatedNode | undefined {
    return this.#nodes.get(name);
  }

  /** Resolves when no node is starting or stopping and every agent is idle (tests). */
  async whenIdle(): Promise<void> {
    await Promise.allSettled(this.#busy.values());
    await Promise.all([...this.#nodes.values()].map((n) => n.agent.whenIdle()));
  }

  #track(name: string, work: Promise<unknown>): void {
    const done = work
      .catch((err: unknown) => {
        console.error(`simulated node ${name}: ${(err as Error).message}`);
      })
      .finally(() => {
        if (this.#busy.get(name) === done) this.#busy.delete(name);
      });
    this.#busy.set(name, done);
  }

  async #createNode(
    spec: SimulatedNodeSpec,
    capacity: { cpu: number; memoryBytes: number; pods: number },
  ): Promise<void> {
    const node: KubeObject = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: spec.name,
        labels: { ...spec.labels, [SIMULATED_NODE_LABEL]: 'true' },
        annotations: {
          [SIMULATED_CPU_ANNOTATION]: String(capacity.cpu),
          [SIMULATED_MEMORY_ANNOTATION]: String(capacity.memoryBytes),
          [SIMULATED_PODS_ANNOTATION]: String(capacity.pods),
        },
      },
      spec: spec.taints && spec.taints.length > 0 ? { taints: spec.taints } : {},
    };
    await this.#engine.api.create({ group: '', resource: 'nodes' }, node);
  }

  async #startAgent(
    name: string,
    capacity: { cpu: number; memoryBytes: number; pods: number },
  ): Promise<SimulatedNode> {
    const clock = this.#engine.clock;
    const runtime = new SimulatedRuntime({
      clock,
      cpus: capacity.cpu,
      memoryBytes: capacity.memoryBytes,
      images: [DEFAULT_SANDBOX_IMAGE, ...(this.#opts.images ?? [])],
      allImagesPresent: true,
    });
    const base = this.#opts.dataDir ?? path.join(os.tmpdir(), `kubedesk-simulated-nodes-${this.#opts.clusterId}`);
    const agent = new NodeAgent(this.#engine, runtime, {
      nodeName: name,
      clusterId: this.#opts.clusterId,
      dataDir: path.join(base, name),
      heartbeatMs: this.#opts.heartbeatMs,
      statsIntervalMs: this.#opts.statsIntervalMs,
    });
    const node: SimulatedNode = { name, ...capacity, runtime, agent };
    this.#nodes.set(name, node);
    await agent.start();
    return node;
  }

  async #stopAgent(name: string): Promise<void> {
    const node = this.#nodes.get(name);
    if (!node) return;
    this.#nodes.delete(name);
    await node.agent.stopCluster(0);
  }
}

/** Capacity from a Node's kubedesk.io/simulated-* annotations, with the defaults for what is absent. */
function capacityOf(node: KubeObject): { cpu: number; memoryBytes: number; pods: number } {
  const a = node.metadata.annotations ?? {};
  return {
    cpu: toNumber(a[SIMULATED_CPU_ANNOTATION], 'cpu', DEFAULT_SIMULATED_CPU),
    memoryBytes: toNumber(a[SIMULATED_MEMORY_ANNOTATION], 'memory', DEFAULT_SIMULATED_MEMORY),
    pods: toNumber(a[SIMULATED_PODS_ANNOTATION], 'pods', DEFAULT_SIMULATED_PODS),
  };
}

function toNumber(v: string | number | undefined, what: string, fallback: number): number {
  if (v === undefined || v === '') return fallback;
  const q = parseQuantity(v);
  if (!q || q.value <= 0) throw new Error(`simulated node ${what}: expected a positive quantity, got "${v}"`);
  return q.value;
}
