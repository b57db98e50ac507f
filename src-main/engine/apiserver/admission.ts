// Built-in admission: the checks kube-apiserver's default admission chain makes that matter here
// (NamespaceLifecycle), plus Pod initial status (QoS class) as the pod strategy sets it.
import type { KubeObject } from '../api/types.js';
import { forbidden, notFound } from '../api/errors.js';
import type { ObjectStore } from '../store/object-store.js';
import { objectKey } from '../store/keys.js';
import type { KindInfo } from '../api/registry.js';

/** Kinds that may still be written into a terminating namespace (so its teardown can be reported). */
const EXEMPT_FROM_TERMINATING = new Set(['Event']);

/** NamespaceLifecycle: refuse creates into a missing or terminating namespace. */
export function admitNamespace(store: ObjectStore, info: KindInfo, namespace: string, name: string): void {
  if (!info.namespaced) return;
  const ns = store.latest(objectKey('', 'namespaces', '', namespace));
  if (!ns) throw notFound('', 'namespaces', namespace);
  const phase = (ns.status as { phase?: string } | undefined)?.phase;
  if ((ns.metadata.deletionTimestamp || phase === 'Terminating') && !EXEMPT_FROM_TERMINATING.has(info.kind)) {
    throw forbidden(
      info.group,
      info.plural,
      name,
      `unable to create new content in namespace ${namespace} because it is being terminated`,
    );
  }
}

interface ResourceList {
  [name: string]: string | number | undefined;
}
interface ContainerLike {
  resources?: { requests?: ResourceList; limits?: ResourceList };
}

/** The pod's QoS class (pkg/apis/core/helper/qos): Guaranteed, Burstable or BestEffort. */
export function qosClass(pod: KubeObject): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const spec = (pod.spec ?? {}) as { containers?: ContainerLike[]; initContainers?: ContainerLike[] };
  const containers = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    for (const r of ['cpu', 'memory']) {
      if (req[r] !== undefined || lim[r] !== undefined) any = true;
      // Requests default to limits, so a container with only limits still counts as equal.
      const request = req[r] ?? lim[r];
      if (lim[r] === undefined || String(request) !== String(lim[r])) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** Status a kind starts with on create (each registry strategy's PrepareForCreate). */
export function initialStatus(obj: KubeObject, info: KindInfo): unknown {
  switch (info.kind) {
    case 'Pod':
      return { phase: 'Pending', qosClass: qosClass(obj) };
    case 'Namespace':
      return { phase: 'Active' };
    case 'PersistentVolumeClaim':
      return { phase: 'Pending' };
    case 'PersistentVolume':
      return { phase: 'Pending' };
    case 'Node':
      // Kubelets register their Node with its status in one call; the node strategy keeps it.
      return obj.status ?? {};
    default:
      // Kinds with a status subresource start with an empty status; others keep what was sent.
      return info.hasStatusSubresource ? {} : obj.status;
  }
}

/**
 * DefaultTolerationSeconds admission: pods tolerate `not-ready` and `unreachable` NoExecute taints
 * for 300 s unless they say otherwise, so a node that stops reporting does not evict at once.
 */
export function addDefaultTolerations(pod: KubeObject): void {
  const spec = (pod.spec ?? {}) as {
    tolerations?: { key?: string; operator?: string; effect?: string; tolerationSeconds?: number }[];
  };
  const tolerations = spec.tolerations ?? [];
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    const covered = tolerations.some(
      (t) => (t.operator === 'Exists' && !t.key) || (t.key === key && (!t.effect || t.effect === 'NoExecute')),
    );
    if (!covered) tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  }
  spec.tolerations = tolerations;
  pod.spec = spec;
}

/**
 * DefaultIngressClass: an Ingress created without `spec.ingressClassName` (and without the legacy
 * `kubernetes.io/ingress.class` annotation) gets the IngressClass marked
 * `ingressclass.kubernetes.io/is-default-class: "true"`; with several marked, the newest, as the
 * upstream plugin does since Kubernetes 1.28.
 */
export function defaultIngressClass(store: ObjectStore, ingress: KubeObject): void {
  const spec = (ingress.spec ??= {}) as { ingressClassName?: string };
  if (spec.ingressClassName || ingress.metadata.annotations?.['kubernetes.io/ingress.class']) return;
  const defaults = store
    .list('networking.k8s.io/ingressclasses')
    .filter((c) => c.metadata.annotations?.['ingressclass.kubernetes.io/is-default-class'] === 'true')
    .sort((a, b) => (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''));
  if (defaults.length > 0) spec.ingressClassName = defaults[0].metadata.name;
}
