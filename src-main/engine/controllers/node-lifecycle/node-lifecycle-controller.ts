// The node lifecycle controller (pkg/controller/nodelifecycle) with its taint eviction manager
// (pkg/controller/tainteviction), in one sync per node:
//
// 1. Health: a node is alive while its Lease in kube-node-lease (or its Ready heartbeat) keeps
//    changing. Changes are timed with this controller's own clock when it observes them, as
//    upstream does, so clock skew between agent and controller cannot matter. After the grace
//    period (40 s) without one, every node condition turns Unknown (NodeStatusUnknown, "Kubelet
//    stopped posting node status.") and the node's pods are marked not Ready.
// 2. Taints: Ready=Unknown → node.kubernetes.io/unreachable, Ready=False → not-ready, each as
//    NoSchedule and NoExecute; spec.unschedulable (cordon) → unschedulable:NoSchedule. They go
//    again when the node is Ready.
// 3. Eviction: pods on a node with NoExecute taints are deleted (TaintManagerEviction) once their
//    tolerations run out — at once without a matching toleration, after tolerationSeconds (300 s
//    for the default tolerations) otherwise, counted from the taint's timeAdded.
//
// Disruption: when no node of a zone is Ready, no new NoExecute taints are added there; when no
// node anywhere is Ready (a laptop whose Docker stopped), the NoExecute taints come off, as
// upstream assumes the control plane is cut off rather than every node dead.
//
// A 5 s monitor tick (--node-monitor-period) re-checks every node; handlers only enqueue names.
import type { Node, NodeCondition, Pod, Taint } from 'kubernetes-types/core/v1';
import type { KubeObject } from '../../api/types.js';
import { deepCopy } from '../../api/types.js';
import { isStatusError } from '../../api/errors.js';
import { rfc3339, type TimerHandle } from '../../clock.js';
import { NODE_LEASE_NAMESPACE } from '../../node/constants.js';
import { Controller } from '../framework/controller.js';
import { type Informer } from '../framework/informer.js';
import { INDEX_NODE_NAME, NODES, PODS, type ControllerContext, type Recorder } from '../framework/context.js';
import { isNotFound, timeOf } from '../framework/util.js';
import {
  desiredTaints,
  disruptedZones,
  evictionTime,
  readyCondition,
  taintsEqual,
  zoneOf,
  type NoExecuteMode,
} from './taints.js';

export const LEASES = 'coordination.k8s.io/leases';
/** --node-monitor-grace-period */
export const NODE_MONITOR_GRACE_PERIOD_MS = 40_000;
/** --node-monitor-period */
export const NODE_MONITOR_PERIOD_MS = 5_000;

/** Reasons and messages of conditions this controller writes (nodelifecycle/node_lifecycle_controller.go). */
export const NodeReason = {
  /** The agent stopped renewing its lease. */
  NodeStatusUnknown: 'NodeStatusUnknown',
  /** The agent never posted a status at all. */
  NodeStatusNeverUpdated: 'NodeStatusNeverUpdated',
} as const;
const MESSAGE_UNKNOWN = 'Kubelet stopped posting node status.';
const MESSAGE_NEVER = 'Kubelet never posted node status.';
/** The conditions a kubelet posts, all set Unknown when it goes silent. */
const KUBELET_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

export interface NodeLifecycleOptions {
  gracePeriodMs?: number;
  monitorPeriodMs?: number;
}

interface NodeHealth {
  /** When this controller last saw the node alive (its clock). */
  probeTimestamp: number;
  leaseRenewTime?: string;
  heartbeat?: string;
}

export class NodeLifecycleController extends Controller {
  #ctx: ControllerContext;
  #nodes: Informer;
  #leases: Informer;
  #pods: Informer;
  #recorder: Recorder;
  #grace: number;
  #period: number;
  #health = new Map<string, NodeHealth>();
  /** First time a pod was seen on a NoExecute-tainted node without a timeAdded to count from. */
  #firstSeen = new Map<string, number>();
  #timer: TimerHandle | null = null;
  #stopped = false;

  constructor(ctx: ControllerContext, opts: NodeLifecycleOptions = {}) {
    super('node-lifecycle-controller', ctx.clock, { workers: ctx.workers });
    this.#ctx = ctx;
    this.#recorder = ctx.recorder('node-controller');
    this.#grace = opts.gracePeriodMs ?? NODE_MONITOR_GRACE_PERIOD_MS;
    this.#period = opts.monitorPeriodMs ?? NODE_MONITOR_PERIOD_MS;
    this.#nodes = ctx.informers.informer(NODES);
    this.#leases = ctx.informers.informer(LEASES);
    this.#pods = ctx.informers.informer(PODS, { [INDEX_NODE_NAME]: byNodeName });
    this.#nodes.addEventHandler({
      onAdd: (n) => this.enqueue(n.metadata.name!),
      onUpdate: (_o, n) => this.enqueue(n.metadata.name!),
      onDelete: (n) => this.enqueue(n.metadata.name!),
    });
    this.#leases.addEventHandler({
      onAdd: (l) => this.#onLease(l),
      onUpdate: (_o, l) => this.#onLease(l),
    });
    const onPod = (pod: KubeObject) => {
      const node = (pod as Pod).spec?.nodeName;
      if (!node || pod.metadata.deletionTimestamp) return;
      const taints = (this.#nodes.get(undefined, node) as Node | undefined)?.spec?.taints ?? [];
      if (taints.some((t) => t.effect === 'NoExecute')) this.enqueue(node);
    };
    this.#pods.addEventHandler({ onAdd: onPod, onUpdate: (_o, p) => onPod(p) });
  }

  /** Start the monitor tick. */
  start(): void {
    this.#stopped = false;
    const tick = () => {
      if (this.#stopped) return;
      for (const n of this.#nodes.list()) this.enqueue(n.metadata.name!);
      this.#timer = this.clock.setTimer(tick, this.#period);
    };
    this.#timer = this.clock.setTimer(tick, this.#period);
  }

  override stop(): void {
    this.#stopped = true;
    this.#timer?.cancel();
    this.#timer = null;
    super.stop();
  }

  /**
   * How NoExecute taints are handled on `node`, from its zone's disruption state
   * (handleDisruption). Only a node that is not Ready needs it; `node` is taken as it is now,
   * since the cache may not have seen this sync's own status write yet.
   */
  #noExecuteMode(node: KubeObject): NoExecuteMode {
    if (readyCondition(node)?.status === 'True') return 'apply';
    const name = node.metadata.name;
    const d = disruptedZones([...this.#nodes.list().filter((n) => n.metadata.name !== name), node]);
    if (d.all) return 'remove';
    return d.zones.has(zoneOf(node)) ? 'keep' : 'apply';
  }

  #onLease(lease: KubeObject): void {
    if (lease.metadata.namespace === NODE_LEASE_NAMESPACE) this.enqueue(lease.metadata.name!);
  }

  async sync(name: string): Promise<void> {
    let node = this.#nodes.get(undefined, name);
    if (!node) {
      this.#health.delete(name);
      return;
    }
    node = await this.#monitorHealth(node);
    node = await this.#reconcileTaints(node);
    await this.#evictPods(node);
  }

  /** monitorNodeHealth for one node; returns the node as it now is. */
  async #monitorHealth(node: KubeObject): Promise<KubeObject> {
    const name = node.metadata.name!;
    const now = this.clock.now();
    const lease = this.#leases.get(NODE_LEASE_NAMESPACE, name);
    const renewTime = (lease?.spec as { renewTime?: string } | undefined)?.renewTime;
    const heartbeat = readyCondition(node)?.lastHeartbeatTime;
    let h = this.#health.get(name);
    if (!h) {
      // First sight (or a restart): assume alive now, as upstream does.
      h = { probeTimestamp: now, leaseRenewTime: renewTime, heartbeat };
      this.#health.set(name, h);
    }
    if (renewTime !== h.leaseRenewTime || heartbeat !== h.heartbeat) {
      h.probeTimestamp = now;
      h.leaseRenewTime = renewTime;
      h.heartbeat = heartbeat;
    }
    if (now <= h.probeTimestamp + this.#grace) return node;
    return this.#markUnknown(node);
  }

  /** Every kubelet condition → Unknown (tryUpdateNodeHealth), and the node's pods not Ready. */
  async #markUnknown(node: KubeObject): Promise<KubeObject> {
    const now = rfc3339(this.clock.now());
    const old = (node as Node).status?.conditions ?? [];
    if (KUBELET_CONDITIONS.every((t) => old.find((c) => c.type === t)?.status === 'Unknown')) return node;
    const wasReady = readyCondition(node)?.status === 'True';
    const conditions: NodeCondition[] = old.map((c) =>
      KUBELET_CONDITIONS.includes(c.type) && c.status !== 'Unknown'
        ? {
            ...c,
            status: 'Unknown',
            reason: NodeReason.NodeStatusUnknown,
            message: MESSAGE_UNKNOWN,
            lastTransitionTime: now,
          }
        : c,
    );
    for (const type of KUBELET_CONDITIONS) {
      if (conditions.some((c) => c.type === type)) continue;
      conditions.push({
        type,
        status: 'Unknown',
        reason: NodeReason.NodeStatusNeverUpdated,
        message: MESSAGE_NEVER,
        lastHeartbeatTime: node.metadata.creationTimestamp,
        lastTransitionTime: now,
      });
    }
    const body = deepCopy(node);
    body.status = { ...(node.status as object), conditions };
    let updated: KubeObject;
    try {
      updated = await this.#ctx.api.update(
        { group: '', resource: 'nodes', name: node.metadata.name, subresource: 'status' },
        body,
      );
    } catch (err) {
      if (isNotFound(err)) return node;
      throw err;
    }
    void this.#recorder.event(node, 'Normal', 'NodeNotReady', `Node ${node.metadata.name} status is now: NodeNotReady`);
    if (wasReady) await this.#markPodsNotReady(node.metadata.name!);
    return updated;
  }

  /** MarkPodsNotReady: the kubelet cannot be asked, so the controller says it for it. */
  async #markPodsNotReady(nodeName: string): Promise<void> {
    const now = rfc3339(this.clock.now());
    for (const pod of this.#podsOn(nodeName)) {
      const conds = (pod as Pod).status?.conditions ?? [];
      if (!conds.some((c) => c.type === 'Ready' && c.status === 'True')) continue;
      const body = deepCopy(pod);
      (body.status as { conditions: unknown }).conditions = conds.map((c) =>
        c.type === 'Ready' ? { ...c, status: 'False', lastTransitionTime: now } : c,
      );
      try {
        await this.#ctx.api.update(
          {
            group: '',
            resource: 'pods',
            namespace: pod.metadata.namespace,
            name: pod.metadata.name,
            subresource: 'status',
          },
          body,
        );
      } catch (err) {
        if (!isNotFound(err) && !(isStatusError(err) && err.code === 409)) throw err;
      }
    }
  }

  async #reconcileTaints(node: KubeObject): Promise<KubeObject> {
    const current = (node as Node).spec?.taints ?? [];
    const want = desiredTaints(node, rfc3339(this.clock.now()), this.#noExecuteMode(node));
    if (taintsEqual(current, want)) return node;
    try {
      return await this.#ctx.api.patch({ group: '', resource: 'nodes', name: node.metadata.name }, 'merge', {
        metadata: { resourceVersion: node.metadata.resourceVersion },
        spec: { taints: want.length > 0 ? want : null },
      });
    } catch (err) {
      if (isNotFound(err)) return node;
      throw err;
    }
  }

  /** The taint eviction manager's pass over one node. */
  async #evictPods(node: KubeObject): Promise<void> {
    const taints: Taint[] = ((node as Node).spec?.taints ?? []).filter((t) => t.effect === 'NoExecute');
    const name = node.metadata.name!;
    const pods = this.#podsOn(name).filter((p) => !p.metadata.deletionTimestamp);
    if (taints.length === 0) {
      for (const p of pods) this.#firstSeen.delete(p.metadata.uid!);
      return;
    }
    const now = this.clock.now();
    const added = Math.max(...taints.map((t) => timeOf(t.timeAdded)).filter((t) => !Number.isNaN(t)));
    let next = Infinity;
    for (const pod of pods) {
      const uid = pod.metadata.uid!;
      let start = added;
      if (!Number.isFinite(start)) {
        if (!this.#firstSeen.has(uid)) this.#firstSeen.set(uid, now);
        start = this.#firstSeen.get(uid)!;
      }
      const at = evictionTime(pod, taints, start, now);
      if (at > now) {
        next = Math.min(next, at);
        continue;
      }
      this.#firstSeen.delete(uid);
      void this.#recorder.event(
        pod,
        'Normal',
        'TaintManagerEviction',
        `Marking for deletion Pod ${pod.metadata.namespace}/${pod.metadata.name}`,
      );
      try {
        await this.#ctx.api.delete({
          group: '',
          resource: 'pods',
          namespace: pod.metadata.namespace,
          name: pod.metadata.name,
        });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    if (Number.isFinite(next)) this.enqueueAfter(name, next - now);
  }

  #podsOn(nodeName: string): KubeObject[] {
    try {
      return this.#pods.byIndex(INDEX_NODE_NAME, nodeName);
    } catch {
      // The pod informer was started before this controller could add its index.
      return this.#pods.list().filter((p) => (p as Pod).spec?.nodeName === nodeName);
    }
  }
}

/** Index function: the node a pod is bound to. */
export function byNodeName(pod: KubeObject): string[] {
  const n = (pod as Pod).spec?.nodeName;
  return n ? [n] : [];
}
