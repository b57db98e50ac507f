// The default profile's filter plugins, in upstream order (NodeUnschedulable, NodeName,
// TaintToleration, NodeAffinity, NodePorts, NodeResourcesFit); a node stops at its first failing
// plugin, as the framework does. Reasons are upstream's strings, which the FitError message
// counts: `0/3 nodes are available: 1 node(s) had untolerated taint {…}, 2 Insufficient cpu.`
import type { NodeSelectorRequirement, NodeSelectorTerm, Taint, Toleration } from 'kubernetes-types/core/v1';
import { TAINT_UNSCHEDULABLE, type NodeInfo, type PodInfo } from './node-info.js';

export const ERR_NODE_UNSCHEDULABLE = 'node(s) were unschedulable';
export const ERR_NODE_NAME = "node(s) didn't match the requested node name";
export const ERR_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";
export const ERR_NODE_PORTS = "node(s) didn't have free ports for the requested pod ports";
export const ERR_TOO_MANY_PODS = 'Too many pods';

export interface FilterFailure {
  plugin: string;
  reasons: string[];
  /** UnschedulableAndUnresolvable: preempting other pods on the node could not help. */
  unresolvable: boolean;
}

/** v1.Toleration.ToleratesTaint */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  const op = t.operator ?? 'Equal';
  if (op === 'Exists') return true;
  if (op === 'Equal') return (t.value ?? '') === (taint.value ?? '');
  return false;
}

export function tolerated(tolerations: readonly Toleration[], taint: Taint): boolean {
  return tolerations.some((t) => toleratesTaint(t, taint));
}

function matchRequirement(r: NodeSelectorRequirement, value: string | undefined): boolean {
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      if (value === undefined || values.length !== 1) return false;
      const a = Number(value);
      const b = Number(values[0]);
      if (!Number.isInteger(a) || !Number.isInteger(b)) return false;
      return r.operator === 'Gt' ? a > b : a < b;
    }
    default:
      return false;
  }
}

/** A node selector term: all expressions and fields match. An empty term matches nothing. */
export function matchTerm(term: NodeSelectorTerm, labels: Record<string, string>, nodeName: string): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  for (const r of exprs) if (!matchRequirement(r, labels[r.key])) return false;
  for (const r of fields) {
    if (r.key !== 'metadata.name') return false;
    if (!matchRequirement(r, nodeName)) return false;
  }
  return true;
}

/** NodeAffinity's required part: nodeSelector and requiredDuringScheduling terms (ORed). */
export function matchesNodeSelectorAndAffinity(pod: PodInfo, node: NodeInfo): boolean {
  for (const [k, v] of pod.nodeSelectorEntries) if (node.labels[k] !== v) return false;
  if (pod.requiredTerms === undefined) return true;
  return pod.requiredTerms.some((t) => matchTerm(t, node.labels, node.name));
}

function portsConflict(pod: PodInfo, node: NodeInfo): boolean {
  for (const p of pod.ports) {
    const ips = node.usedPorts.get(`${p.protocol}/${p.port}`);
    if (!ips) continue;
    if (p.ip === '0.0.0.0' || ips.has('0.0.0.0') || ips.has(p.ip)) return true;
  }
  return false;
}

/** NodeResourcesFit's fitsRequest: every shortfall is its own reason. */
export function insufficientResources(pod: PodInfo, node: NodeInfo): string[] | undefined {
  let out: string[] | undefined;
  if (node.podCount + 1 > node.allowedPods) out = [ERR_TOO_MANY_PODS];
  const r = pod.requests;
  if (r.milliCpu === 0 && r.memory === 0 && r.ephemeralStorage === 0 && r.scalar.size === 0) return out;
  const a = node.allocatable;
  const used = node.requested;
  const cpuShort = r.milliCpu > 0 && r.milliCpu > a.milliCpu - used.milliCpu;
  const memShort = r.memory > 0 && r.memory > a.memory - used.memory;
  const ephShort = r.ephemeralStorage > 0 && r.ephemeralStorage > a.ephemeralStorage - used.ephemeralStorage;
  if (!out && !cpuShort && !memShort && !ephShort && r.scalar.size === 0) return undefined;
  out ??= [];
  if (cpuShort) out.push('Insufficient cpu');
  if (memShort) out.push('Insufficient memory');
  if (ephShort) out.push('Insufficient ephemeral-storage');
  for (const [name, v] of r.scalar) {
    if (v > 0 && v > (a.scalar.get(name) ?? 0) - (used.scalar.get(name) ?? 0)) out.push(`Insufficient ${name}`);
  }
  return out.length > 0 ? out : undefined;
}

/** Run the filters on one node; undefined when the pod fits. */
export function runFilters(pod: PodInfo, podNodeName: string | undefined, node: NodeInfo): FilterFailure | undefined {
  if (node.unschedulable && !tolerated(pod.tolerations, { key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' })) {
    return { plugin: 'NodeUnschedulable', reasons: [ERR_NODE_UNSCHEDULABLE], unresolvable: true };
  }
  if (podNodeName && podNodeName !== node.name) {
    return { plugin: 'NodeName', reasons: [ERR_NODE_NAME], unresolvable: true };
  }
  for (const taint of node.hardTaints) {
    if (!tolerated(pod.tolerations, taint)) {
      return {
        plugin: 'TaintToleration',
        reasons: [`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`],
        unresolvable: true,
      };
    }
  }
  if (!matchesNodeSelectorAndAffinity(pod, node)) {
    return { plugin: 'NodeAffinity', reasons: [ERR_NODE_AFFINITY], unresolvable: true };
  }
  if (pod.ports.length > 0 && portsConflict(pod, node)) {
    return { plugin: 'NodePorts', reasons: [ERR_NODE_PORTS], unresolvable: false };
  }
  const short = insufficientResources(pod, node);
  if (short) return { plugin: 'NodeResourcesFit', reasons: short, unresolvable: false };
  return undefined;
}
