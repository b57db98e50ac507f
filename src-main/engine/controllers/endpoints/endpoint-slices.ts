// The desired EndpointSlices of a Service (pkg/controller/endpointslice, reconciler.go, much
// simplified): one slice per resolved port set and address type, at most 100 endpoints each, and
// one empty placeholder slice when a Service has no endpoints at all. `planSlices` matches the
// desired slices to the existing ones so that unchanged slices are not rewritten.
import type { EndpointSubset, Service } from 'kubernetes-types/core/v1';
import type { Endpoint, EndpointPort, EndpointSlice } from 'kubernetes-types/discovery/v1';
import type { Pod } from 'kubernetes-types/core/v1';
import { podEndpoints, podReference, portsKey } from './endpoints-util.js';

/** discovery.LabelServiceName */
export const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';
/** discovery.LabelManagedBy */
export const LABEL_MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
/** The value the EndpointSlice controller sets (controllerName). */
export const MANAGED_BY_CONTROLLER = 'endpointslice-controller.k8s.io';
/** The value the EndpointSlice mirroring controller sets, for slices mirrored from hand-made Endpoints. */
export const MANAGED_BY_MIRRORING = 'endpointslicemirroring-controller.k8s.io';
/** maxEndpointsPerSlice default (--max-endpoints-per-slice). */
export const MAX_ENDPOINTS_PER_SLICE = 100;

export interface SliceContent {
  addressType: 'IPv4' | 'IPv6';
  ports: EndpointPort[];
  endpoints: Endpoint[];
}

function addressTypeOf(ip: string): 'IPv4' | 'IPv6' {
  return ip.includes(':') ? 'IPv6' : 'IPv4';
}

function chunk(groups: Map<string, SliceContent>): SliceContent[] {
  const out: SliceContent[] = [];
  for (const g of [...groups.keys()].sort()) {
    const { addressType, ports, endpoints } = groups.get(g)!;
    for (let i = 0; i < endpoints.length; i += MAX_ENDPOINTS_PER_SLICE) {
      out.push({ addressType, ports, endpoints: endpoints.slice(i, i + MAX_ENDPOINTS_PER_SLICE) });
    }
  }
  return out;
}

/** The slices of a Service with a selector, from its pods (terminating pods kept, flagged). */
export function desiredSlices(svc: Service, pods: readonly Pod[]): SliceContent[] {
  const groups = new Map<string, SliceContent>();
  for (const pe of podEndpoints(svc, pods, true)) {
    const addressType = addressTypeOf(pe.ip);
    const key = `${addressType} ${portsKey(pe.ports)}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { addressType, ports: pe.ports, endpoints: [] }));
    g.endpoints.push({
      addresses: [pe.ip],
      conditions: { ready: pe.ready, serving: pe.serving, terminating: pe.terminating },
      ...(pe.hostname ? { hostname: pe.hostname } : {}),
      targetRef: podReference(pe.pod),
      ...(pe.pod.spec?.nodeName ? { nodeName: pe.pod.spec.nodeName } : {}),
    });
  }
  return chunk(groups);
}

/**
 * The slices mirroring hand-made Endpoints of a Service without a selector (the
 * EndpointSlice mirroring controller): one slice per subset and address type.
 */
export function mirroredSlices(subsets: readonly EndpointSubset[]): SliceContent[] {
  const groups = new Map<string, SliceContent>();
  subsets.forEach((subset, i) => {
    const ports: EndpointPort[] = (subset.ports ?? []).map((p) => ({
      name: p.name ?? '',
      port: p.port,
      protocol: p.protocol ?? 'TCP',
      ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}),
    }));
    const add = (a: { ip: string; hostname?: string; nodeName?: string; targetRef?: never }, ready: boolean) => {
      const addressType = addressTypeOf(a.ip);
      const key = `${i} ${addressType}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { addressType, ports, endpoints: [] }));
      g.endpoints.push({
        addresses: [a.ip],
        conditions: { ready },
        ...(a.hostname ? { hostname: a.hostname } : {}),
        ...(a.targetRef ? { targetRef: a.targetRef } : {}),
        ...(a.nodeName ? { nodeName: a.nodeName } : {}),
      });
    };
    for (const a of subset.addresses ?? []) add(a as never, true);
    for (const a of subset.notReadyAddresses ?? []) add(a as never, false);
  });
  return chunk(groups);
}

/** What has to be written so that `existing` holds exactly `desired`. */
export interface SlicePlan {
  create: SliceContent[];
  update: { slice: EndpointSlice; content: SliceContent }[];
  remove: EndpointSlice[];
}

function sameContent(slice: EndpointSlice, c: SliceContent): boolean {
  return (
    slice.addressType === c.addressType &&
    JSON.stringify(slice.ports ?? []) === JSON.stringify(c.ports) &&
    JSON.stringify(slice.endpoints ?? []) === JSON.stringify(c.endpoints)
  );
}

/**
 * Match desired contents to existing slices: identical ones are kept; then an existing slice of
 * the same address type is rewritten rather than replaced (fewer objects churned); the rest are
 * created or deleted. A Service with nothing to publish keeps one empty placeholder slice.
 * `labelsOk` says whether an existing slice's labels and owner are already right.
 */
export function planSlices(
  existing: readonly EndpointSlice[],
  desired: readonly SliceContent[],
  labelsOk: (slice: EndpointSlice) => boolean,
): SlicePlan {
  const wanted: SliceContent[] =
    desired.length > 0 ? [...desired] : [{ addressType: 'IPv4', ports: [], endpoints: [] }];
  const free = [...existing].sort((a, b) => (a.metadata!.name! < b.metadata!.name! ? -1 : 1));
  const plan: SlicePlan = { create: [], update: [], remove: [] };
  const pending: SliceContent[] = [];
  for (const c of wanted) {
    const i = free.findIndex((s) => sameContent(s, c));
    if (i < 0) {
      pending.push(c);
      continue;
    }
    const [slice] = free.splice(i, 1);
    if (!labelsOk(slice)) plan.update.push({ slice, content: c });
  }
  for (const c of pending) {
    const i = free.findIndex((s) => s.addressType === c.addressType);
    if (i < 0) plan.create.push(c);
    else plan.update.push({ slice: free.splice(i, 1)[0], content: c });
  }
  plan.remove.push(...free);
  return plan;
}
