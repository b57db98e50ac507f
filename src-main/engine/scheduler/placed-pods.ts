// The pods the scheduler counts on nodes (bound, or assumed while their binding is in flight),
// indexed the way the pod-to-pod plugins read them, and kept up to date as pods come, go and
// are relabelled:
// - by namespace (PodTopologySpread counts only the incoming pod's namespace);
// - the pods carrying pod affinity terms of their own (framework.NodeInfo.PodsWithAffinity);
// - per selector asked about: how many matching pods each node has. The first pod of a
//   Deployment with a spread constraint or an anti-affinity term pays for one scan; its
//   siblings then read the counts, which every placement updates with one selector match;
// - the placed pods' required anti-affinity terms, grouped when identical (replicas share them),
//   with the nodes carrying each — so an incoming pod matches each distinct term once.
import type { Selector } from '../api/selectors/label-selector.js';
import type { NodeInfo, PodInfo } from './node-info.js';
import type { AffinityTerm } from './pod-terms.js';

export interface PlacedPod {
  node: string;
  info: PodInfo;
  /** Bound by us, not yet confirmed by the informer. */
  assumed: boolean;
  namespace: string;
  /** The latest labels (they may change after the pod is bound). */
  labels: Record<string, string>;
}

/** Pods per node name (only nodes with at least one). */
export type NodeCounts = ReadonlyMap<string, number>;

/** Identical required anti-affinity terms of placed pods, and how many such pods each node has. */
export interface AntiAffinityGroup {
  term: AffinityTerm;
  nodes: NodeCounts;
}

/** What the pod-to-pod plugins read of the cluster. */
export interface PodLister {
  inNamespace(namespace: string): Iterable<PlacedPod>;
  all(): Iterable<PlacedPod>;
  /** Pods with at least one pod affinity or anti-affinity term. */
  readonly withAffinity: ReadonlySet<PlacedPod>;
  /** Pods whose terms can add to another pod's score: required affinity, or any preferred term. */
  readonly withScoringTerms: ReadonlySet<PlacedPod>;
  readonly antiAffinityGroups: Iterable<AntiAffinityGroup>;
  /** Pods in the namespaces (undefined: all) matching the selector, per node. */
  matchingPerNode(namespaces: ReadonlySet<string> | undefined, selector: Selector): NodeCounts;
  node(name: string): NodeInfo | undefined;
}

/** Selector counts kept at most; the oldest asked-about is dropped first. */
const MAX_SELECTOR_COUNTS = 512;

interface SelectorCounts {
  key: string;
  namespaces: ReadonlySet<string> | undefined;
  selector: Selector;
  nodes: Map<string, number>;
}

function bump(m: Map<string, number>, node: string, sign: number): void {
  const n = (m.get(node) ?? 0) + sign;
  if (n <= 0) m.delete(node);
  else m.set(node, n);
}

const selectorKey = (s: Selector) => (s.requirements.length > 0 ? s.toString() : s.empty ? '<all>' : '<none>');
const termKey = (t: AffinityTerm, ns: ReadonlySet<string> | undefined) =>
  `${t.topologyKey}\0${ns ? [...ns].sort().join(',') : '<all>'}\0${selectorKey(t.selector)}`;
const EMPTY: NodeCounts = new Map();

export class PlacedPods implements PodLister {
  #byKey = new Map<string, PlacedPod>();
  #byNamespace = new Map<string, Set<PlacedPod>>();
  readonly withAffinity = new Set<PlacedPod>();
  readonly withScoringTerms = new Set<PlacedPod>();
  #antiGroups = new Map<string, { term: AffinityTerm; nodes: Map<string, number> }>();
  #counts = new Map<string, SelectorCounts>();
  #nodes: ReadonlyMap<string, NodeInfo>;

  constructor(nodes: ReadonlyMap<string, NodeInfo>) {
    this.#nodes = nodes;
  }

  get(key: string): PlacedPod | undefined {
    return this.#byKey.get(key);
  }

  has(key: string): boolean {
    return this.#byKey.has(key);
  }

  set(key: string, p: PlacedPod): void {
    this.delete(key);
    this.#byKey.set(key, p);
    let ns = this.#byNamespace.get(p.namespace);
    if (!ns) this.#byNamespace.set(p.namespace, (ns = new Set()));
    ns.add(p);
    const terms = p.info.podAffinity;
    if (terms) {
      this.withAffinity.add(p);
      if (terms.requiredAffinity.length + terms.preferredAffinity.length + terms.preferredAntiAffinity.length > 0)
        this.withScoringTerms.add(p);
      for (const t of terms.requiredAntiAffinity) {
        const k = termKey(t, t.namespaces);
        let g = this.#antiGroups.get(k);
        if (!g) this.#antiGroups.set(k, (g = { term: t, nodes: new Map() }));
        bump(g.nodes, p.node, 1);
      }
    }
    this.#count(p, 1);
  }

  delete(key: string): void {
    const p = this.#byKey.get(key);
    if (!p) return;
    this.#count(p, -1);
    this.#byKey.delete(key);
    const ns = this.#byNamespace.get(p.namespace);
    ns?.delete(p);
    if (ns?.size === 0) this.#byNamespace.delete(p.namespace);
    this.withAffinity.delete(p);
    this.withScoringTerms.delete(p);
    for (const t of p.info.podAffinity?.requiredAntiAffinity ?? []) {
      const k = termKey(t, t.namespaces);
      const g = this.#antiGroups.get(k);
      if (!g) continue;
      bump(g.nodes, p.node, -1);
      if (g.nodes.size === 0) this.#antiGroups.delete(k);
    }
  }

  /** New labels for a placed pod; false when they did not change. */
  relabel(key: string, labels: Record<string, string>): boolean {
    const p = this.#byKey.get(key);
    if (!p || p.labels === labels || JSON.stringify(p.labels) === JSON.stringify(labels)) return false;
    this.#count(p, -1);
    p.labels = labels;
    this.#count(p, 1);
    return true;
  }

  #count(p: PlacedPod, sign: 1 | -1): void {
    for (const c of this.#counts.values()) {
      if ((c.namespaces === undefined || c.namespaces.has(p.namespace)) && c.selector.matches(p.labels))
        bump(c.nodes, p.node, sign);
    }
  }

  get antiAffinityGroups(): Iterable<AntiAffinityGroup> {
    return this.#antiGroups.values();
  }

  matchingPerNode(namespaces: ReadonlySet<string> | undefined, selector: Selector): NodeCounts {
    if (selector.requirements.length === 0 && !selector.empty) return EMPTY;
    const key = `${namespaces ? [...namespaces].sort().join(',') : '<all>'}\0${selectorKey(selector)}`;
    const hit = this.#counts.get(key);
    if (hit) {
      // Most recently asked last, so the oldest goes first when full.
      this.#counts.delete(key);
      this.#counts.set(key, hit);
      return hit.nodes;
    }
    const c: SelectorCounts = { key, namespaces, selector, nodes: new Map() };
    const pods = namespaces ? [...namespaces].flatMap((ns) => [...this.inNamespace(ns)]) : this.#byKey.values();
    for (const p of pods) if (selector.matches(p.labels)) bump(c.nodes, p.node, 1);
    this.#counts.set(key, c);
    if (this.#counts.size > MAX_SELECTOR_COUNTS) this.#counts.delete(this.#counts.keys().next().value!);
    return c.nodes;
  }

  inNamespace(namespace: string): Iterable<PlacedPod> {
    return this.#byNamespace.get(namespace) ?? [];
  }

  all(): Iterable<PlacedPod> {
    return this.#byKey.values();
  }

  node(name: string): NodeInfo | undefined {
    const n = this.#nodes.get(name);
    return n?.node ? n : undefined;
  }
}
