// Which nodes a DaemonSet runs on, and the pod it puts there (pkg/controller/daemon/util and
// NodeShouldRunDaemonPod in daemon_controller.go). Pure functions over Node and DaemonSet objects.
//
// Upstream checks only what the pod itself asks for — nodeName, nodeSelector, required node
// affinity, taints against tolerations — and ignores `spec.unschedulable` and readiness: the
// default tolerations below let daemon pods run on cordoned and not-ready nodes, which is what
// lets a DaemonSet carry the node's own networking or log agent.
import type { DaemonSet } from 'kubernetes-types/apps/v1';
import type {
  Affinity,
  Node,
  NodeSelectorRequirement,
  NodeSelectorTerm,
  Pod,
  PodTemplateSpec,
  Taint,
  Toleration,
} from 'kubernetes-types/core/v1';
import type { KubeObject } from '../../api/types.js';
import { deepCopy } from '../../api/types.js';
import { matchTerm, tolerated } from '../../scheduler/filters.js';
import { podFromTemplate } from '../replicaset/pod-control.js';
import { CONTROLLER_REVISION_HASH_LABEL } from '../history/controller-revision.js';

export type DaemonSetObj = KubeObject & DaemonSet;

/** DaemonSetTemplateGenerationKey: deprecated, still stamped on every daemon pod upstream. */
export const TEMPLATE_GENERATION_LABEL = 'pod-template-generation';
export const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';

/** util.AddOrUpdateDaemonPodTolerations: what every daemon pod tolerates. */
export function defaultDaemonTolerations(hostNetwork: boolean): Toleration[] {
  const t = (key: string, effect: string): Toleration => ({ key, operator: 'Exists', effect });
  const out = [
    t('node.kubernetes.io/not-ready', 'NoExecute'),
    t('node.kubernetes.io/unreachable', 'NoExecute'),
    t('node.kubernetes.io/disk-pressure', 'NoSchedule'),
    t('node.kubernetes.io/memory-pressure', 'NoSchedule'),
    t('node.kubernetes.io/pid-pressure', 'NoSchedule'),
    t('node.kubernetes.io/unschedulable', 'NoSchedule'),
  ];
  if (hostNetwork) out.push(t('node.kubernetes.io/network-unavailable', 'NoSchedule'));
  return out;
}

/** v1helper.AddOrUpdateTolerationInPodSpec, for a list: add each unless an equal one is there. */
export function addTolerations(existing: readonly Toleration[] | undefined, add: readonly Toleration[]): Toleration[] {
  const out = [...(existing ?? [])];
  const same = (a: Toleration, b: Toleration) =>
    a.key === b.key &&
    (a.operator ?? 'Equal') === (b.operator ?? 'Equal') &&
    (a.value ?? '') === (b.value ?? '') &&
    (a.effect ?? '') === (b.effect ?? '');
  for (const t of add) if (!out.some((o) => same(o, t))) out.push(t);
  return out;
}

/** The required node-affinity term every daemon pod is pinned with: `metadata.name In [node]`. */
function nodeNameRequirement(nodeName: string): NodeSelectorRequirement {
  return { key: 'metadata.name', operator: 'In', values: [nodeName] };
}

/**
 * util.ReplaceDaemonSetPodNodeNameNodeAffinity: pin to `nodeName` through matchFields, keeping
 * the template's matchExpressions (each term's matchFields is replaced by the node-name field).
 * The scheduler then binds the pod, so it honours resources and ports like any other pod.
 */
export function pinToNode(affinity: Affinity | undefined, nodeName: string): Affinity {
  const out = deepCopy(affinity ?? {});
  const nodeAffinity = (out.nodeAffinity ??= {});
  const required = (nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution ??= { nodeSelectorTerms: [] });
  const terms = required.nodeSelectorTerms ?? [];
  required.nodeSelectorTerms =
    terms.length === 0
      ? [{ matchFields: [nodeNameRequirement(nodeName)] }]
      : terms.map((t): NodeSelectorTerm => ({ ...t, matchFields: [nodeNameRequirement(nodeName)] }));
  return out;
}

/** util.GetTargetNodeName: spec.nodeName, else the node the affinity pins the pod to. */
export function targetNodeName(pod: KubeObject): string | undefined {
  const spec = (pod as Pod).spec;
  if (spec?.nodeName) return spec.nodeName;
  const terms = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  for (const term of terms) {
    for (const f of term.matchFields ?? []) {
      if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0];
    }
  }
  return undefined;
}

export interface NodeVerdict {
  /** A daemon pod should be created here. */
  shouldRun: boolean;
  /** An existing daemon pod may stay (only NoExecute taints evict it). */
  shouldContinueRunning: boolean;
}

/**
 * NodeShouldRunDaemonPod: nodeName and node affinity/selector decide both answers; an
 * untolerated NoSchedule taint stops new pods, an untolerated NoExecute taint also evicts.
 */
export function nodeShouldRunDaemonPod(node: KubeObject, ds: DaemonSetObj): NodeVerdict {
  const name = node.metadata.name!;
  const podSpec = ds.spec?.template?.spec;
  const no = { shouldRun: false, shouldContinueRunning: false };
  if (podSpec?.nodeName && podSpec.nodeName !== name) return no;
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(podSpec?.nodeSelector ?? {})) if (labels[k] !== v) return no;
  const terms = podSpec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (terms && !terms.some((t) => matchTerm(t, labels, name))) return no;
  const tolerations = addTolerations(podSpec?.tolerations, defaultDaemonTolerations(!!podSpec?.hostNetwork));
  const taints: Taint[] = (node as Node).spec?.taints ?? [];
  let fits = true;
  let continueRunning = true;
  for (const taint of taints) {
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
    if (tolerated(tolerations, taint)) continue;
    fits = false;
    if (taint.effect === 'NoExecute') continueRunning = false;
  }
  return { shouldRun: fits, shouldContinueRunning: continueRunning };
}

/** The template every daemon pod starts from: the hash and generation labels, the tolerations. */
export function daemonPodTemplate(ds: DaemonSetObj, hash: string): PodTemplateSpec {
  const template = deepCopy(ds.spec!.template);
  const metadata = (template.metadata ??= {});
  metadata.labels = {
    ...(metadata.labels ?? {}),
    [TEMPLATE_GENERATION_LABEL]: templateGeneration(ds),
    [CONTROLLER_REVISION_HASH_LABEL]: hash,
  };
  const spec = (template.spec ??= { containers: [] });
  spec.tolerations = addTolerations(spec.tolerations, defaultDaemonTolerations(!!spec.hostNetwork));
  return template;
}

/** A daemon pod for `nodeName`, from the prepared template (named `<ds>-<random>`). */
export function newDaemonPod(ds: DaemonSetObj, template: PodTemplateSpec, nodeName: string): KubeObject {
  const pod = podFromTemplate(template, ds) as KubeObject & Pod;
  pod.spec!.affinity = pinToNode(pod.spec!.affinity, nodeName);
  return pod;
}

/**
 * util.IsPodUpdated: the pod carries the current revision hash. Upstream also accepts a matching
 * `pod-template-generation` label (pods from before ControllerRevisions); KubeDesk never made
 * such pods, so the hash alone decides.
 */
export function isPodUpdated(pod: KubeObject, hash: string): boolean {
  return hash !== '' && pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] === hash;
}

/** GetTemplateGeneration: the apiserver's `deprecated.daemonset.template.generation`, else generation. */
export function templateGeneration(ds: DaemonSetObj): string {
  return ds.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION] ?? String(ds.metadata.generation ?? 1);
}
