// InterPodAffinity (pkg/scheduler/framework/plugins/interpodaffinity): required pod affinity and
// anti-affinity of the incoming pod, the required anti-affinity of pods already placed, and the
// preferred terms' score. PreFilter counts matching pods per topology domain once per attempt;
// Filter is then a few map lookups per node. Nothing is computed for a pod with no terms while
// no placed pod has anti-affinity — the common case costs one check.
import type { FilterFailure } from './filters.js';
import type { NodeInfo, PodInfo } from './node-info.js';
import type { NodeCounts, PlacedPod, PodLister } from './placed-pods.js';
import { addToTopology, termMatches, type AffinityTerm, type PodIdentity, type TopologyCounts } from './pod-terms.js';
import { MAX_NODE_SCORE } from './scores.js';

export const ERR_AFFINITY_RULES = "node(s) didn't match pod affinity rules";
export const ERR_ANTI_AFFINITY_RULES = "node(s) didn't match pod anti-affinity rules";
export const ERR_EXISTING_ANTI_AFFINITY_RULES = "node(s) didn't satisfy existing pods anti-affinity rules";
/** InterPodAffinityArgs.hardPodAffinityWeight default. */
export const HARD_POD_AFFINITY_WEIGHT = 1;

const PLUGIN = 'InterPodAffinity';

export interface InterPodAffinityState {
  pod: PodInfo;
  /** Domains with pods matching all the pod's required affinity terms, counted per term. */
  affinityCounts: TopologyCounts;
  /** Domains with pods matching one of the pod's required anti-affinity terms. */
  antiAffinityCounts: TopologyCounts;
  /** Domains where a placed pod's required anti-affinity term matches the incoming pod. */
  existingAntiAffinityCounts: TopologyCounts;
  /** The pod matches all its own required affinity terms (the first pod of a group). */
  matchesOwnAffinity: boolean;
}

/** PreFilter; undefined when the plugin has nothing to check for this pod (Skip). */
export function preFilterInterPodAffinity(
  pod: PodInfo,
  self: PodIdentity,
  pods: PodLister,
): InterPodAffinityState | undefined {
  const terms = pod.podAffinity;
  const required = terms ? terms.requiredAffinity.length + terms.requiredAntiAffinity.length : 0;
  if (required === 0 && pods.withAffinity.size === 0) return undefined;
  const state: InterPodAffinityState = {
    pod,
    affinityCounts: new Map(),
    antiAffinityCounts: new Map(),
    existingAntiAffinityCounts: new Map(),
    matchesOwnAffinity: terms?.requiredAffinity.every((t) => termMatches(t, self)) ?? true,
  };
  // Identical terms of many placed pods (a Deployment's replicas) are matched once.
  for (const g of pods.antiAffinityGroups) {
    if (termMatches(g.term, self)) addPerDomain(state.existingAntiAffinityCounts, g.term, g.nodes, pods);
  }
  if (!terms) return state;
  for (const t of terms.requiredAntiAffinity) {
    addPerDomain(state.antiAffinityCounts, t, pods.matchingPerNode(t.namespaces, t.selector), pods);
  }
  const affinity = terms.requiredAffinity;
  if (affinity.length === 1) {
    const t = affinity[0];
    addPerDomain(state.affinityCounts, t, pods.matchingPerNode(t.namespaces, t.selector), pods);
  } else if (affinity.length > 1) {
    // A pod counts only when it matches every term: no per-selector count helps here.
    for (const p of candidates(affinity, pods)) {
      const node = pods.node(p.node);
      if (!node || !affinity.every((t) => termMatches(t, p))) continue;
      for (const t of affinity) {
        const value = node.labels[t.topologyKey];
        if (value !== undefined) addToTopology(state.affinityCounts, t.topologyKey, value, 1);
      }
    }
  }
  return state;
}

/** Add per-node pod counts to the domains of the term's topology key (nodes without it are skipped). */
function addPerDomain(into: TopologyCounts, t: AffinityTerm, perNode: NodeCounts, pods: PodLister): void {
  for (const [name, n] of perNode) {
    const value = pods.node(name)?.labels[t.topologyKey];
    if (value !== undefined) addToTopology(into, t.topologyKey, value, n);
  }
}

/** The placed pods the terms could match: those of the terms' namespaces, or all of them. */
function candidates(terms: AffinityTerm[], pods: PodLister): Iterable<PlacedPod> {
  const namespaces = new Set<string>();
  for (const t of terms) {
    if (t.namespaces === undefined) return pods.all();
    for (const ns of t.namespaces) namespaces.add(ns);
  }
  return (function* () {
    for (const ns of namespaces) yield* pods.inNamespace(ns);
  })();
}

const countAt = (counts: TopologyCounts, key: string, value: string) => counts.get(key)?.get(value) ?? 0;

/** Filter, in upstream's order: affinity, then anti-affinity, then existing pods' anti-affinity. */
export function filterInterPodAffinity(state: InterPodAffinityState, node: NodeInfo): FilterFailure | undefined {
  const terms = state.pod.podAffinity;
  if (terms && terms.requiredAffinity.length > 0) {
    let podsExist = true;
    for (const t of terms.requiredAffinity) {
      const value = node.labels[t.topologyKey];
      // All topology labels must exist on the node.
      if (value === undefined) return { plugin: PLUGIN, reasons: [ERR_AFFINITY_RULES], unresolvable: true };
      if (countAt(state.affinityCounts, t.topologyKey, value) <= 0) podsExist = false;
    }
    // The first pod of a group with affinity to itself may go anywhere the topology labels are,
    // as long as no pod in the cluster matches the terms yet.
    if (!podsExist && !(state.affinityCounts.size === 0 && state.matchesOwnAffinity)) {
      return { plugin: PLUGIN, reasons: [ERR_AFFINITY_RULES], unresolvable: true };
    }
  }
  if (terms) {
    for (const t of terms.requiredAntiAffinity) {
      const value = node.labels[t.topologyKey];
      if (value !== undefined && countAt(state.antiAffinityCounts, t.topologyKey, value) > 0) {
        return { plugin: PLUGIN, reasons: [ERR_ANTI_AFFINITY_RULES], unresolvable: false };
      }
    }
  }
  for (const [key, byValue] of state.existingAntiAffinityCounts) {
    const value = node.labels[key];
    if (value !== undefined && (byValue.get(value) ?? 0) > 0) {
      return { plugin: PLUGIN, reasons: [ERR_EXISTING_ANTI_AFFINITY_RULES], unresolvable: false };
    }
  }
  return undefined;
}

function processTerms(
  scores: TopologyCounts,
  terms: readonly AffinityTerm[],
  pod: PodIdentity,
  node: NodeInfo,
  sign: 1 | -1,
  weight?: number,
): void {
  for (const t of terms) {
    const value = node.labels[t.topologyKey];
    if (value !== undefined && termMatches(t, pod))
      addToTopology(scores, t.topologyKey, value, sign * (weight ?? t.weight));
  }
}

/**
 * PreScore + Score + NormalizeScore: each placed pod adds the weight of every preferred term
 * linking it with the incoming pod (either way; required affinity of placed pods counts with
 * hardPodAffinityWeight, anti-affinity subtracts) to its node's topology domain; a node scores
 * the sum over its domains, normalized min–max to 0–100. Undefined when nothing applies (Skip).
 */
export function scoreInterPodAffinity(
  pod: PodInfo,
  self: PodIdentity,
  pods: PodLister,
  feasible: readonly NodeInfo[],
): number[] | undefined {
  const terms = pod.podAffinity;
  const hasPreferred = terms !== undefined && terms.preferredAffinity.length + terms.preferredAntiAffinity.length > 0;
  if (!hasPreferred && pods.withScoringTerms.size === 0) return undefined;
  const topo: TopologyCounts = new Map();
  for (const p of hasPreferred ? pods.all() : pods.withScoringTerms) {
    const node = pods.node(p.node);
    if (!node) continue;
    if (hasPreferred) {
      processTerms(topo, terms.preferredAffinity, p, node, 1);
      processTerms(topo, terms.preferredAntiAffinity, p, node, -1);
    }
    const theirs = p.info.podAffinity;
    if (!theirs) continue;
    processTerms(topo, theirs.requiredAffinity, self, node, 1, HARD_POD_AFFINITY_WEIGHT);
    processTerms(topo, theirs.preferredAffinity, self, node, 1);
    processTerms(topo, theirs.preferredAntiAffinity, self, node, -1);
  }
  if (topo.size === 0) return undefined;
  const raw = feasible.map((n) => {
    let s = 0;
    for (const [key, byValue] of topo) {
      const value = n.labels[key];
      if (value !== undefined) s += byValue.get(value) ?? 0;
    }
    return s;
  });
  let min = Infinity;
  let max = -Infinity;
  for (const s of raw) {
    min = Math.min(min, s);
    max = Math.max(max, s);
  }
  const diff = max - min;
  return raw.map((s) => (diff > 0 ? Math.floor((MAX_NODE_SCORE * (s - min)) / diff) : 0));
}
