// Pure helpers of the endpoints and EndpointSlice controllers: which pods belong in a Service's
// endpoints (endpointsliceutil.ShouldPodBeInEndpoints), how a Service port's targetPort resolves
// on one pod (podutil.FindPort), and the desired Endpoints subsets (endpoints.RepackSubsets).
import type {
  EndpointAddress,
  EndpointPort,
  EndpointSubset,
  ObjectReference,
  Pod,
  Service,
  ServicePort,
} from 'kubernetes-types/core/v1';
import { isPodReady } from '../framework/util.js';

/** Label on Endpoints and EndpointSlices of headless Services (v1.LabelHeadlessService). */
export const LABEL_HEADLESS = 'service.kubernetes.io/headless';

/**
 * ShouldPodBeInEndpoints: a pod with an IP that has not finished. A pod being deleted is left out
 * unless `includeTerminating` (the Endpoints API passes publishNotReadyAddresses; slices always
 * include them, marked terminating).
 */
export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  if (!pod.status?.podIP) return false;
  if (!includeTerminating && pod.metadata?.deletionTimestamp) return false;
  return true;
}

/**
 * podutil.FindPort: a numeric targetPort is used as is; a named one is looked up among the pod's
 * container ports by name and protocol (pods of one Service may number a name differently).
 * Undefined when the name is not declared: that pod gets no endpoint for that port.
 */
export function findPort(pod: Pod, svcPort: ServicePort): number | undefined {
  const target = svcPort.targetPort ?? svcPort.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = svcPort.protocol ?? 'TCP';
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
    }
  }
  return undefined;
}

export function podReference(pod: Pod): ObjectReference {
  return { kind: 'Pod', namespace: pod.metadata!.namespace, name: pod.metadata!.name, uid: pod.metadata!.uid };
}

/**
 * The DNS hostname of a pod under a Service: its `spec.hostname`, when its `spec.subdomain` names
 * this Service (StatefulSet pods and their governing Service).
 */
export function podHostname(pod: Pod, svc: Service): string | undefined {
  const hostname = pod.spec?.hostname;
  if (!hostname || pod.spec?.subdomain !== svc.metadata?.name) return undefined;
  return pod.metadata?.namespace === svc.metadata?.namespace ? hostname : undefined;
}

/** One pod's part of a Service: its ports as resolved on it, and its address. */
export interface PodEndpoint {
  pod: Pod;
  ip: string;
  ports: EndpointPort[];
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  hostname?: string;
}

/**
 * Every pod of `pods` that belongs in the Service's endpoints, with the Service's ports resolved
 * on it. `forSlices` selects the EndpointSlice rules (terminating pods kept and flagged).
 * A pod on which no port resolves is dropped (unless the Service is headless without ports).
 */
export function podEndpoints(svc: Service, pods: readonly Pod[], forSlices: boolean): PodEndpoint[] {
  const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
  const svcPorts = svc.spec?.ports ?? [];
  const headless = svc.spec?.clusterIP === 'None';
  const out: PodEndpoint[] = [];
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, forSlices || publishNotReady)) continue;
    const ports: EndpointPort[] = [];
    for (const sp of svcPorts) {
      const port = findPort(pod, sp);
      if (port === undefined) continue;
      ports.push({
        name: sp.name ?? '',
        port,
        protocol: sp.protocol ?? 'TCP',
        ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}),
      });
    }
    if (ports.length === 0 && !(svcPorts.length === 0 && headless)) continue;
    const serving = isPodReady(pod as never);
    const terminating = !!pod.metadata?.deletionTimestamp;
    // "ready" is never true for a terminating pod unless publishNotReadyAddresses says so.
    const ready = publishNotReady || (serving && !terminating);
    const hostname = podHostname(pod, svc);
    out.push({ pod, ip: pod.status!.podIP!, ports, ready, serving, terminating, ...(hostname ? { hostname } : {}) });
  }
  out.sort((a, b) => compareIP(a.ip, b.ip) || (a.pod.metadata!.name! < b.pod.metadata!.name! ? -1 : 1));
  return out;
}

export function portsKey(ports: readonly EndpointPort[]): string {
  return JSON.stringify(
    [...ports]
      .map((p) => [p.name ?? '', p.port ?? null, p.protocol ?? 'TCP', p.appProtocol ?? ''])
      .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)),
  );
}

function compareIP(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  if (pa.length === 4 && pb.length === 4) {
    for (let i = 0; i < 4; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
    return 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The Endpoints subsets of a Service (the endpoints controller's syncService followed by
 * RepackSubsets): pods grouped by their resolved port set, ready addresses under `addresses`,
 * the others under `notReadyAddresses`, each list sorted by IP.
 */
export function desiredSubsets(svc: Service, pods: readonly Pod[]): EndpointSubset[] {
  const groups = new Map<string, EndpointSubset>();
  for (const pe of podEndpoints(svc, pods, false)) {
    const key = portsKey(pe.ports);
    let subset = groups.get(key);
    if (!subset) {
      // Endpoints omit an empty port name (omitempty); slices keep "" (their default).
      const ports = pe.ports.map(({ name, ...rest }) => (name ? { name, ...rest } : rest));
      subset = ports.length > 0 ? { ports } : {};
      groups.set(key, subset);
    }
    const address: EndpointAddress = {
      ip: pe.ip,
      ...(pe.hostname ? { hostname: pe.hostname } : {}),
      ...(pe.pod.spec?.nodeName ? { nodeName: pe.pod.spec.nodeName } : {}),
      targetRef: podReference(pe.pod),
    };
    if (pe.ready) (subset.addresses ??= []).push(address);
    else (subset.notReadyAddresses ??= []).push(address);
  }
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, s]) => s);
}

/** The labels Endpoints and EndpointSlices carry: the Service's, plus the headless marker. */
export function endpointLabels(svc: Service): Record<string, string> {
  const labels: Record<string, string> = { ...(svc.metadata?.labels ?? {}) };
  if (svc.spec?.clusterIP === 'None') labels[LABEL_HEADLESS] = '';
  else delete labels[LABEL_HEADLESS];
  return labels;
}
