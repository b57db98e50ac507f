// Per-node aggregates the scheduler keeps incrementally (framework.NodeInfo): allocatable,
// the sum of requests of the pods on the node, their host ports, and the node's effective taints.
// Each pod's contribution is computed once (PodInfo) and added or subtracted as pods come and go,
// so a scheduling decision never rescans the pods of a node.
import type { Node, NodeSelectorTerm, Pod, PreferredSchedulingTerm, Taint, Toleration } from 'kubernetes-types/core/v1';
import type { KubeObject } from '../api/types.js';
import { parseQuantity } from '../api/quantity.js';
import { podAffinityTermsOf, spreadConstraintsOf, type PodAffinityTerms, type SpreadConstraint } from './pod-terms.js';

/** Requests assumed for a container that sets none, for scoring only (GetNonzeroRequests). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export interface Resources {
  milliCpu: number;
  memory: number;
  ephemeralStorage: number;
  /** Extended and hugepages resources, by name. */
  scalar: Map<string, number>;
}

export interface HostPort {
  protocol: string;
  ip: string;
  port: number;
}

export interface PodInfo {
  key: string;
  namespace: string;
  requests: Resources;
  nonZeroCpu: number;
  nonZeroMemory: number;
  ports: HostPort[];
  tolerations: Toleration[];
  nodeSelector: Record<string, string>;
  nodeSelectorEntries: [string, string][];
  requiredTerms: NodeSelectorTerm[] | undefined;
  preferredTerms: PreferredSchedulingTerm[];
  priority: number;
  /** Pod affinity and anti-affinity terms; undefined when the pod has none. */
  podAffinity: PodAffinityTerms | undefined;
  /** Topology spread constraints with whenUnsatisfiable DoNotSchedule (filter). */
  hardSpread: SpreadConstraint[];
  /** … and with ScheduleAnyway (score). */
  softSpread: SpreadConstraint[];
}

const emptyResources = (): Resources => ({ milliCpu: 0, memory: 0, ephemeralStorage: 0, scalar: new Map() });

function qty(v: string | number | undefined): number {
  if (v === undefined) return 0;
  return parseQuantity(v)?.value ?? 0;
}

function milli(v: string | number | undefined): number {
  if (v === undefined) return 0;
  return parseQuantity(v)?.milli ?? 0;
}

function addList(into: Resources, list: Record<string, string | number> | undefined, sign = 1): void {
  for (const [name, v] of Object.entries(list ?? {})) {
    if (name === 'cpu') into.milliCpu += sign * milli(v);
    else if (name === 'memory') into.memory += sign * qty(v);
    else if (name === 'ephemeral-storage') into.ephemeralStorage += sign * qty(v);
    else if (name !== 'pods') into.scalar.set(name, (into.scalar.get(name) ?? 0) + sign * qty(v));
  }
}

function maxInto(into: Resources, r: Resources): void {
  into.milliCpu = Math.max(into.milliCpu, r.milliCpu);
  into.memory = Math.max(into.memory, r.memory);
  into.ephemeralStorage = Math.max(into.ephemeralStorage, r.ephemeralStorage);
  for (const [k, v] of r.scalar) into.scalar.set(k, Math.max(into.scalar.get(k) ?? 0, v));
}

const podInfoCache = new WeakMap<KubeObject, PodInfo>();

/**
 * What a pod asks of a node (resource.PodRequests): the sum over containers, at least the largest
 * init container's request, plus the pod overhead. Limits stand in for absent requests.
 */
export function podInfoOf(pod: KubeObject): PodInfo {
  const cached = podInfoCache.get(pod);
  if (cached) return cached;
  const spec = ((pod as Pod).spec ?? { containers: [] }) as Pod['spec'] & object;
  const requests = emptyResources();
  let nonZeroCpu = 0;
  let nonZeroMemory = 0;
  const ports: HostPort[] = [];
  for (const c of spec.containers ?? []) {
    const req = { ...(c.resources?.limits ?? {}), ...(c.resources?.requests ?? {}) };
    addList(requests, req);
    nonZeroCpu += req.cpu !== undefined ? milli(req.cpu) : DEFAULT_MILLI_CPU_REQUEST;
    nonZeroMemory += req.memory !== undefined ? qty(req.memory) : DEFAULT_MEMORY_REQUEST;
    for (const p of c.ports ?? []) {
      if (p.hostPort && p.hostPort > 0)
        ports.push({ protocol: p.protocol ?? 'TCP', ip: p.hostIP || '0.0.0.0', port: p.hostPort });
    }
  }
  for (const c of spec.initContainers ?? []) {
    const one = emptyResources();
    addList(one, { ...(c.resources?.limits ?? {}), ...(c.resources?.requests ?? {}) });
    maxInto(requests, one);
  }
  addList(requests, spec.overhead);
  const affinity = spec.affinity?.nodeAffinity;
  const namespace = pod.metadata.namespace ?? 'default';
  const info: PodInfo = {
    key: `${pod.metadata.namespace}/${pod.metadata.name}`,
    namespace,
    requests,
    nonZeroCpu,
    nonZeroMemory,
    ports,
    tolerations: spec.tolerations ?? [],
    nodeSelector: spec.nodeSelector ?? {},
    nodeSelectorEntries: Object.entries(spec.nodeSelector ?? {}),
    requiredTerms: affinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms,
    preferredTerms: affinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [],
    priority: spec.priority ?? 0,
    podAffinity: podAffinityTermsOf(spec, namespace),
    hardSpread: spreadConstraintsOf(spec, 'DoNotSchedule'),
    softSpread: spreadConstraintsOf(spec, 'ScheduleAnyway'),
  };
  podInfoCache.set(pod, info);
  return info;
}

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

export class NodeInfo {
  readonly name: string;
  /** Undefined while pods name a node the scheduler has not seen (or that was deleted). */
  node: KubeObject | undefined;
  labels: Record<string, string> = {};
  allocatable: Resources = emptyResources();
  allowedPods = 110;
  unschedulable = false;
  /** NoSchedule/NoExecute taints, including the condition taints a not-Ready node carries. */
  hardTaints: Taint[] = [];
  preferNoScheduleTaints: Taint[] = [];
  requested: Resources = emptyResources();
  nonZeroCpu = 0;
  nonZeroMemory = 0;
  podCount = 0;
  /** `TCP/8080` → host IPs in use. */
  usedPorts = new Map<string, Map<string, number>>();
  /** Pods counted here, with the priority each had (for the preemption message). */
  pods = new Map<string, number>();

  constructor(name: string) {
    this.name = name;
  }

  /** Refresh from a new version of the Node. Returns true when scheduling-relevant fields changed. */
  setNode(node: KubeObject): boolean {
    const before = this.node ? this.#signature() : '';
    this.node = node;
    const n = node as Node;
    this.labels = n.metadata?.labels ?? {};
    const alloc = n.status?.allocatable ?? n.status?.capacity ?? {};
    this.allocatable = emptyResources();
    addList(this.allocatable, alloc);
    this.allowedPods = alloc.pods !== undefined ? qty(alloc.pods) : 110;
    this.unschedulable = n.spec?.unschedulable === true;
    const taints = n.spec?.taints ?? [];
    this.hardTaints = taints.filter((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
    this.preferNoScheduleTaints = taints.filter((t) => t.effect === 'PreferNoSchedule');
    // The node lifecycle controller taints a node that is not Ready (TaintNodesByCondition); a
    // node that never reported is registered with the not-ready taint by its kubelet.
    const ready = (n.status?.conditions ?? []).find((c) => c.type === 'Ready')?.status;
    if (ready !== 'True') {
      const key = ready === 'Unknown' ? TAINT_UNREACHABLE : TAINT_NOT_READY;
      if (!taints.some((t) => t.key === key)) this.hardTaints = [...this.hardTaints, { key, effect: 'NoSchedule' }];
    }
    return before !== this.#signature();
  }

  #signature(): string {
    return JSON.stringify([
      this.labels,
      (this.node as Node | undefined)?.status?.allocatable ?? (this.node as Node | undefined)?.status?.capacity,
      this.unschedulable,
      this.hardTaints,
      this.preferNoScheduleTaints,
    ]);
  }

  addPod(info: PodInfo, sign: 1 | -1 = 1): void {
    const r = info.requests;
    this.requested.milliCpu += sign * r.milliCpu;
    this.requested.memory += sign * r.memory;
    this.requested.ephemeralStorage += sign * r.ephemeralStorage;
    for (const [k, v] of r.scalar) this.requested.scalar.set(k, (this.requested.scalar.get(k) ?? 0) + sign * v);
    this.nonZeroCpu += sign * info.nonZeroCpu;
    this.nonZeroMemory += sign * info.nonZeroMemory;
    this.podCount += sign;
    for (const p of info.ports) {
      const k = `${p.protocol}/${p.port}`;
      let ips = this.usedPorts.get(k);
      if (!ips) this.usedPorts.set(k, (ips = new Map()));
      const n = (ips.get(p.ip) ?? 0) + sign;
      if (n <= 0) ips.delete(p.ip);
      else ips.set(p.ip, n);
      if (ips.size === 0) this.usedPorts.delete(k);
    }
    if (sign > 0) this.pods.set(info.key, info.priority);
    else this.pods.delete(info.key);
  }

  removePod(info: PodInfo): void {
    this.addPod(info, -1);
  }
}
