// A node's capacity against what its pods request, as `kubectl describe node` sums it ("Allocated
// resources"): per pod, the larger of the app containers' sum and any init container's request,
// plus overhead; pods that finished (Succeeded/Failed) no longer count. Pure, unit-tested.
import type { KubeObject } from '../../../../src-main/ipc/contract';

const SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  Pi: 1024 ** 5,
  Ei: 1024 ** 6,
};

/** A Kubernetes quantity (`500m`, `2`, `1.5Gi`, `1e3`) as a number; NaN when it is not one. */
export function parseQuantity(q: string | number | undefined | null): number {
  if (q === undefined || q === null || q === '') return NaN;
  if (typeof q === 'number') return q;
  const m = /^([+-]?[0-9.]+(?:[eE][+-]?\d+)?)([a-zA-Z]*)$/.exec(q.trim());
  if (!m || !(m[2] in SUFFIX)) return NaN;
  return Number(m[1]) * SUFFIX[m[2]];
}

type Resources = Record<string, number>;
interface ContainerLike {
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}
interface PodSpecLike {
  nodeName?: string;
  containers?: ContainerLike[];
  initContainers?: ContainerLike[];
  overhead?: Record<string, string>;
}

/** Requests of one container; a limit without a request counts as the request (API defaulting). */
function containerRequests(c: ContainerLike): Resources {
  const out: Resources = {};
  for (const [k, v] of Object.entries({ ...(c.resources?.limits ?? {}), ...(c.resources?.requests ?? {}) })) {
    const n = parseQuantity(v);
    if (!Number.isNaN(n)) out[k] = n;
  }
  return out;
}

export function podRequests(pod: KubeObject): Resources {
  const spec = (pod.spec ?? {}) as PodSpecLike;
  const sum: Resources = {};
  for (const c of spec.containers ?? []) {
    for (const [k, v] of Object.entries(containerRequests(c))) sum[k] = (sum[k] ?? 0) + v;
  }
  for (const c of spec.initContainers ?? []) {
    for (const [k, v] of Object.entries(containerRequests(c))) sum[k] = Math.max(sum[k] ?? 0, v);
  }
  for (const [k, v] of Object.entries(spec.overhead ?? {})) {
    const n = parseQuantity(v);
    if (!Number.isNaN(n)) sum[k] = (sum[k] ?? 0) + n;
  }
  return sum;
}

export interface UsageBar {
  resource: 'cpu' | 'memory' | 'pods';
  requested: number;
  allocatable: number;
  /** 0…1 (can exceed 1 when overcommitted by static pods). */
  ratio: number;
  text: string;
}

function fmt(resource: UsageBar['resource'], n: number): string {
  if (resource === 'cpu') return n < 1 ? `${Math.round(n * 1000)}m` : `${+n.toFixed(2)}`;
  if (resource === 'memory') {
    if (n >= 1024 ** 3) return `${+(n / 1024 ** 3).toFixed(1)}Gi`;
    if (n >= 1024 ** 2) return `${Math.round(n / 1024 ** 2)}Mi`;
    return n === 0 ? '0' : `${Math.round(n / 1024)}Ki`;
  }
  return String(n);
}

/** The pods that occupy the node: bound to it and not finished. */
export function podsOn(node: string, pods: readonly KubeObject[]): KubeObject[] {
  return pods.filter((p) => {
    const phase = (p.status as { phase?: string } | undefined)?.phase;
    return (p.spec as PodSpecLike | undefined)?.nodeName === node && phase !== 'Succeeded' && phase !== 'Failed';
  });
}

/** CPU, memory and pod count: requested by the node's pods vs allocatable. */
export function nodeUsage(node: KubeObject, pods: readonly KubeObject[]): UsageBar[] {
  const status = (node.status ?? {}) as { allocatable?: Record<string, string>; capacity?: Record<string, string> };
  const alloc = { ...(status.capacity ?? {}), ...(status.allocatable ?? {}) };
  const mine = podsOn(node.metadata.name ?? '', pods);
  const requested: Resources = { cpu: 0, memory: 0, pods: mine.length };
  for (const p of mine) {
    const r = podRequests(p);
    requested.cpu += r.cpu ?? 0;
    requested.memory += r.memory ?? 0;
  }
  return (['cpu', 'memory', 'pods'] as const).map((resource) => {
    const allocatable = parseQuantity(alloc[resource]);
    const a = Number.isNaN(allocatable) ? 0 : allocatable;
    return {
      resource,
      requested: requested[resource],
      allocatable: a,
      ratio: a > 0 ? requested[resource] / a : 0,
      text: `${fmt(resource, requested[resource])} of ${fmt(resource, a)}`,
    };
  });
}

export interface NodeSummary {
  name: string;
  ready: 'True' | 'False' | 'Unknown';
  unschedulable: boolean;
  simulated: boolean;
  taints: { key: string; value?: string; effect: string }[];
  roles: string[];
}

export const SIMULATED_LABEL = 'kubedesk.io/simulated';

export function nodeSummary(node: KubeObject): NodeSummary {
  const spec = (node.spec ?? {}) as { unschedulable?: boolean; taints?: NodeSummary['taints'] };
  const conditions = (node.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions;
  const ready = (conditions?.find((c) => c.type === 'Ready')?.status ?? 'Unknown') as NodeSummary['ready'];
  const labels = node.metadata.labels ?? {};
  return {
    name: node.metadata.name ?? '',
    ready,
    unschedulable: Boolean(spec.unschedulable),
    simulated: labels[SIMULATED_LABEL] === 'true',
    taints: spec.taints ?? [],
    roles: Object.keys(labels)
      .filter((k) => k.startsWith('node-role.kubernetes.io/'))
      .map((k) => k.slice('node-role.kubernetes.io/'.length)),
  };
}

/** `key=value:Effect` as kubectl prints a taint. */
export function taintText(t: { key: string; value?: string; effect: string }): string {
  return `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`;
}

/** What `kubectl drain --ignore-daemonsets` would evict from these pods, and what it leaves. */
export function drainPlan(node: string, pods: readonly KubeObject[]): { evict: string[]; keep: string[] } {
  const evict: string[] = [];
  const keep: string[] = [];
  for (const p of pods) {
    if ((p.spec as PodSpecLike | undefined)?.nodeName !== node) continue;
    const id = `${p.metadata.namespace}/${p.metadata.name}`;
    if (p.metadata.ownerReferences?.some((o) => o.controller && o.kind === 'DaemonSet')) keep.push(id);
    else if (!p.metadata.deletionTimestamp) evict.push(id);
  }
  return { evict, keep };
}
