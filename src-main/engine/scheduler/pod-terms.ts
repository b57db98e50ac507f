// A pod's inter-pod affinity terms and topology spread constraints, parsed once per pod version
// (framework.PodInfo's RequiredAffinityTerms & co., and PodTopologySpread's filterable and
// scorable constraints). Selectors are compiled here so plugins only call `matches`.
import type { Pod, PodAffinityTerm, TopologySpreadConstraint, WeightedPodAffinityTerm } from 'kubernetes-types/core/v1';
import { selectorFromLabelSelector, nothingSelector, type Selector } from '../api/selectors/label-selector.js';

export const LABEL_HOSTNAME = 'kubernetes.io/hostname';

export interface AffinityTerm {
  selector: Selector;
  /** The namespaces the term selects; undefined for all of them (an empty namespaceSelector). */
  namespaces: ReadonlySet<string> | undefined;
  topologyKey: string;
  weight: number;
}

export interface PodAffinityTerms {
  requiredAffinity: AffinityTerm[];
  requiredAntiAffinity: AffinityTerm[];
  preferredAffinity: AffinityTerm[];
  preferredAntiAffinity: AffinityTerm[];
}

export interface SpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  selector: Selector;
  /** Fewer eligible domains than this count the global minimum as 0. */
  minDomains: number;
}

/** Who a term or constraint is matched against: a pod's namespace and labels. */
export interface PodIdentity {
  namespace: string;
  labels: Readonly<Record<string, string>>;
}

function compile(ls: PodAffinityTerm['labelSelector']): Selector {
  try {
    return selectorFromLabelSelector(ls);
  } catch {
    // Validation rejects bad selectors at admission; a term we cannot read selects nothing.
    return nothingSelector();
  }
}

/**
 * GetAffinityTerm: the term's namespaces, or the pod's own when it names none and has no
 * namespaceSelector. An empty namespaceSelector selects every namespace; a non-empty one is not
 * evaluated (KubeDesk's scheduler keeps no namespace labels) and adds no namespaces.
 */
function affinityTerm(t: PodAffinityTerm, podNamespace: string, weight: number): AffinityTerm {
  const sel = t.namespaceSelector;
  const allNamespaces =
    sel !== undefined &&
    sel !== null &&
    Object.keys(sel.matchLabels ?? {}).length === 0 &&
    (sel.matchExpressions ?? []).length === 0;
  const names = t.namespaces ?? [];
  return {
    selector: compile(t.labelSelector),
    namespaces: allNamespaces ? undefined : new Set(names.length === 0 && !sel ? [podNamespace] : names),
    topologyKey: t.topologyKey,
    weight,
  };
}

const weighted = (ts: WeightedPodAffinityTerm[] | undefined, ns: string): AffinityTerm[] =>
  (ts ?? []).map((t) => affinityTerm(t.podAffinityTerm, ns, t.weight));

/** Undefined when the pod has no pod affinity or anti-affinity term at all (the common case). */
export function podAffinityTermsOf(spec: Pod['spec'] | undefined, namespace: string): PodAffinityTerms | undefined {
  const pa = spec?.affinity?.podAffinity;
  const paa = spec?.affinity?.podAntiAffinity;
  if (!pa && !paa) return undefined;
  const terms: PodAffinityTerms = {
    requiredAffinity: (pa?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) =>
      affinityTerm(t, namespace, 0),
    ),
    requiredAntiAffinity: (paa?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) =>
      affinityTerm(t, namespace, 0),
    ),
    preferredAffinity: weighted(pa?.preferredDuringSchedulingIgnoredDuringExecution, namespace),
    preferredAntiAffinity: weighted(paa?.preferredDuringSchedulingIgnoredDuringExecution, namespace),
  };
  const n =
    terms.requiredAffinity.length +
    terms.requiredAntiAffinity.length +
    terms.preferredAffinity.length +
    terms.preferredAntiAffinity.length;
  return n > 0 ? terms : undefined;
}

/** The pod's constraints for one `whenUnsatisfiable` (the system defaults are not applied). */
export function spreadConstraintsOf(
  spec: Pod['spec'] | undefined,
  when: TopologySpreadConstraint['whenUnsatisfiable'],
): SpreadConstraint[] {
  const out: SpreadConstraint[] = [];
  for (const c of spec?.topologySpreadConstraints ?? []) {
    if (c.whenUnsatisfiable !== when) continue;
    out.push({
      maxSkew: c.maxSkew,
      topologyKey: c.topologyKey,
      selector: compile(c.labelSelector),
      minDomains: c.minDomains ?? 1,
    });
  }
  return out;
}

/** AffinityTerm.Matches: the pod is in one of the term's namespaces and matches its selector. */
export function termMatches(t: AffinityTerm, pod: PodIdentity): boolean {
  return (t.namespaces === undefined || t.namespaces.has(pod.namespace)) && t.selector.matches(pod.labels);
}

/** A count per topology value, per topology key (the framework's topologyPair → count maps). */
export type TopologyCounts = Map<string, Map<string, number>>;

export function addToTopology(counts: TopologyCounts, key: string, value: string, n: number): void {
  let byValue = counts.get(key);
  if (!byValue) counts.set(key, (byValue = new Map()));
  byValue.set(value, (byValue.get(value) ?? 0) + n);
}
