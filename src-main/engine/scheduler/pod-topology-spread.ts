// PodTopologySpread (pkg/scheduler/framework/plugins/podtopologyspread): DoNotSchedule
// constraints filter, ScheduleAnyway constraints score. Only the pod's own constraints apply —
// KubeDesk does not add the system default constraints. Matching pods are counted per domain
// once per attempt from the namespace's placed pods; Filter and Score are lookups per node.
//
// Worked example (Filter): maxSkew 1 over zones a and b, with 2 matching pods in a and 1 in b.
// The global minimum is 1; a node in a gives skew 2 + 1 − 1 = 2 > 1 and fails, a node in b gives
// 1 + 1 − 1 = 1 and passes — so replicas alternate between the zones.
import { matchesNodeSelectorAndAffinity, type FilterFailure } from './filters.js';
import type { NodeInfo, PodInfo } from './node-info.js';
import type { PodLister } from './placed-pods.js';
import { LABEL_HOSTNAME, type PodIdentity, type SpreadConstraint } from './pod-terms.js';
import { MAX_NODE_SCORE } from './scores.js';

export const ERR_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const ERR_NODE_LABEL_NOT_MATCH = `${ERR_CONSTRAINTS_NOT_MATCH} (missing required label)`;

const PLUGIN = 'PodTopologySpread';

export interface PodTopologySpreadState {
  constraints: SpreadConstraint[];
  /** Per constraint: matching pods per domain, over the eligible domains only. */
  counts: Map<string, number>[];
  /** Per constraint: the global minimum, 0 when there are fewer domains than minDomains. */
  minMatch: number[];
  /** Per constraint: whether the incoming pod matches its own selector. */
  selfMatch: number[];
}

function hasAllKeys(node: NodeInfo, constraints: readonly SpreadConstraint[]): boolean {
  for (const c of constraints) if (node.labels[c.topologyKey] === undefined) return false;
  return true;
}

/**
 * The topology values of the nodes carrying all the constraints' keys, per constraint — cached
 * per node list (the scheduler makes a new list whenever a node comes, goes or changes labels).
 */
const domainCache = new WeakMap<readonly NodeInfo[], Map<string, string[][]>>();

function domainsOf(nodes: readonly NodeInfo[], constraints: readonly SpreadConstraint[]): string[][] {
  let byKeys = domainCache.get(nodes);
  if (!byKeys) domainCache.set(nodes, (byKeys = new Map()));
  const sig = constraints.map((c) => c.topologyKey).join('\0');
  let domains = byKeys.get(sig);
  if (domains) return domains;
  const sets = constraints.map(() => new Set<string>());
  for (const n of nodes) {
    if (!hasAllKeys(n, constraints)) continue;
    for (let i = 0; i < constraints.length; i++) sets[i].add(n.labels[constraints[i].topologyKey]);
  }
  domains = sets.map((d) => [...d]);
  byKeys.set(sig, domains);
  return domains;
}

/**
 * Count the namespace's placed pods matching each constraint, per domain of the nodes that are
 * eligible: they pass the pod's node affinity/selector (nodeAffinityPolicy Honor) and carry every
 * constraint's topology key; taints are ignored (nodeTaintsPolicy Ignore).
 */
function countByDomain(
  pod: PodInfo,
  constraints: readonly SpreadConstraint[],
  pods: PodLister,
  nodes: readonly NodeInfo[],
  domainFilter?: (i: number, value: string) => boolean,
): Map<string, number>[] {
  const counts = constraints.map(() => new Map<string, number>());
  let isEligible: (n: NodeInfo) => boolean;
  if (pod.nodeSelectorEntries.length === 0 && pod.requiredTerms === undefined) {
    // Every node with the keys is eligible: the domains are the same for every such pod.
    const domains = domainsOf(nodes, constraints);
    for (let i = 0; i < constraints.length; i++) {
      for (const value of domains[i]) if (!domainFilter || domainFilter(i, value)) counts[i].set(value, 0);
    }
    isEligible = (n) => hasAllKeys(n, constraints);
  } else {
    const eligible = new Set<NodeInfo>();
    for (const n of nodes) {
      if (!hasAllKeys(n, constraints) || !matchesNodeSelectorAndAffinity(pod, n)) continue;
      eligible.add(n);
      for (let i = 0; i < constraints.length; i++) {
        const value = n.labels[constraints[i].topologyKey];
        if (!counts[i].has(value) && (!domainFilter || domainFilter(i, value))) counts[i].set(value, 0);
      }
    }
    isEligible = (n) => eligible.has(n);
  }
  const namespaces = new Set([pod.namespace]);
  for (let i = 0; i < constraints.length; i++) {
    for (const [name, k] of pods.matchingPerNode(namespaces, constraints[i].selector)) {
      const n = pods.node(name);
      if (!n || !isEligible(n)) continue;
      const value = n.labels[constraints[i].topologyKey];
      const c = counts[i].get(value);
      if (c !== undefined) counts[i].set(value, c + k);
    }
  }
  return counts;
}

/** PreFilter; undefined when the pod has no DoNotSchedule constraint (Skip). */
export function preFilterPodTopologySpread(
  pod: PodInfo,
  self: PodIdentity,
  pods: PodLister,
  nodes: readonly NodeInfo[],
): PodTopologySpreadState | undefined {
  const constraints = pod.hardSpread;
  if (constraints.length === 0) return undefined;
  const counts = countByDomain(pod, constraints, pods, nodes);
  const minMatch = constraints.map((c, i) => {
    if (counts[i].size < c.minDomains) return 0;
    let min = Infinity;
    for (const v of counts[i].values()) min = Math.min(min, v);
    return min;
  });
  const selfMatch = constraints.map((c) => (c.selector.matches(self.labels) ? 1 : 0));
  return { constraints, counts, minMatch, selfMatch };
}

/** Filter: 'matching pods in the node's domain' + 'self-match' − 'global minimum' ≤ maxSkew. */
export function filterPodTopologySpread(state: PodTopologySpreadState, node: NodeInfo): FilterFailure | undefined {
  for (let i = 0; i < state.constraints.length; i++) {
    const c = state.constraints[i];
    const value = node.labels[c.topologyKey];
    if (value === undefined) return { plugin: PLUGIN, reasons: [ERR_NODE_LABEL_NOT_MATCH], unresolvable: true };
    const skew = (state.counts[i].get(value) ?? 0) + state.selfMatch[i] - state.minMatch[i];
    if (skew > c.maxSkew) return { plugin: PLUGIN, reasons: [ERR_CONSTRAINTS_NOT_MATCH], unresolvable: false };
  }
  return undefined;
}

/**
 * PreScore + Score + NormalizeScore for ScheduleAnyway constraints. A node's raw score is, per
 * constraint, (matching pods in its domain) × log(domains + 2) + (maxSkew − 1), rounded; the
 * normalized score is 100 × (max + min − raw) / max, so the emptier domain scores higher. Nodes
 * missing a topology key score 0. Undefined when the pod has no such constraint (Skip).
 */
export function scorePodTopologySpread(
  pod: PodInfo,
  pods: PodLister,
  allNodes: readonly NodeInfo[],
  feasible: readonly NodeInfo[],
): number[] | undefined {
  const constraints = pod.softSpread;
  if (constraints.length === 0) return undefined;
  const scored = feasible.filter((n) => hasAllKeys(n, constraints));
  // Only domains of feasible nodes are counted; the hostname domain is the node itself.
  const domains = constraints.map(() => new Set<string>());
  for (const n of scored)
    for (let i = 0; i < constraints.length; i++) domains[i].add(n.labels[constraints[i].topologyKey]);
  const counts = countByDomain(pod, constraints, pods, allNodes, (i, value) => domains[i].has(value));
  const weights = constraints.map((c, i) =>
    Math.log((c.topologyKey === LABEL_HOSTNAME ? scored.length : domains[i].size) + 2),
  );
  const ignored = new Set<NodeInfo>(feasible.filter((n) => !hasAllKeys(n, constraints)));
  const raw = feasible.map((n) => {
    if (ignored.has(n)) return -1;
    let s = 0;
    for (let i = 0; i < constraints.length; i++) {
      const cnt = counts[i].get(n.labels[constraints[i].topologyKey]) ?? 0;
      s += cnt * weights[i] + (constraints[i].maxSkew - 1);
    }
    return Math.round(s);
  });
  let min = Infinity;
  let max = 0;
  for (const s of raw) {
    if (s < 0) continue;
    min = Math.min(min, s);
    max = Math.max(max, s);
  }
  return raw.map((s) => {
    if (s < 0) return 0;
    if (max === 0) return MAX_NODE_SCORE;
    return Math.floor((MAX_NODE_SCORE * (max + min - s)) / max);
  });
}
