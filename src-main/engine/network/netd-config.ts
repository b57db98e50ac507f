// What kubedesk-netd (the cluster's DNS server and Service proxy) is told: DNS records of the
// cluster domain and one proxy entry per clusterIP:port with its READY backends. Built from the
// store's Services, Endpoints and Pods, as kube-proxy and CoreDNS's kubernetes plugin read them:
//   <svc>.<ns>.svc.<domain>             A → clusterIP; headless: A → every ready endpoint IP
//   <host>.<svc>.<ns>.svc.<domain>      A → that endpoint (hostname from the endpoint address or
//                                        the pod's spec.hostname when spec.subdomain is the Service)
//   ExternalName                        CNAME → spec.externalName
// Backends are Endpoints `addresses` only: `notReadyAddresses` never receive traffic (unless the
// Service sets publishNotReadyAddresses, in which case the endpoints controller lists them as ready).
import type { EndpointAddress, Endpoints, Pod, Service, ServicePort } from 'kubernetes-types/core/v1';

export const CLUSTER_DOMAIN = 'cluster.local';

export interface NetdBackend {
  ip: string;
  port: number;
}

export interface NetdService {
  /** `ns/name:port-name`, for logs. */
  name: string;
  ip: string;
  port: number;
  protocol: string;
  /** sessionAffinity: ClientIP timeout; 0 = round robin. */
  affinityTimeoutSeconds: number;
  backends: NetdBackend[];
}

export interface NetdConfig {
  serviceCIDR: string;
  clusterDomain: string;
  records: { a: Record<string, string[]>; cname: Record<string, string> };
  services: NetdService[];
}

/** Kubernetes' default sessionAffinityConfig.clientIP.timeoutSeconds (3 hours). */
const DEFAULT_AFFINITY_SECONDS = 10800;

export function buildNetdConfig(
  input: { services: Service[]; endpoints: Endpoints[]; pod: (namespace: string, name: string) => Pod | undefined },
  serviceCIDR: string,
  clusterDomain = CLUSTER_DOMAIN,
): NetdConfig {
  const a: Record<string, string[]> = {};
  const cname: Record<string, string> = {};
  const services: NetdService[] = [];
  const addA = (name: string, ip: string) => {
    const list = (a[name.toLowerCase()] ??= []);
    if (!list.includes(ip)) list.push(ip);
  };
  const endpointsByKey = new Map(input.endpoints.map((e) => [keyOf(e.metadata), e]));

  for (const svc of input.services) {
    const ns = svc.metadata?.namespace ?? 'default';
    const name = svc.metadata?.name;
    if (!name) continue;
    const fqdn = `${name}.${ns}.svc.${clusterDomain}`;
    const spec = svc.spec ?? {};
    if (spec.type === 'ExternalName') {
      if (spec.externalName) cname[fqdn.toLowerCase()] = spec.externalName.replace(/\.$/, '').toLowerCase();
      continue;
    }
    const ep = endpointsByKey.get(`${ns}/${name}`);
    const ready = (ep?.subsets ?? []).flatMap((s) => s.addresses ?? []);
    const headless = spec.clusterIP === 'None';
    if (headless) {
      // An empty headless Service still exists: a known name with no addresses (NODATA, not NXDOMAIN).
      a[fqdn.toLowerCase()] ??= [];
      for (const address of ready) addA(fqdn, address.ip);
    } else if (spec.clusterIP) {
      addA(fqdn, spec.clusterIP);
    }
    // Stable per-pod names (StatefulSet pods: hostname = pod name, subdomain = governing Service).
    for (const address of ready) {
      const host = hostnameOf(address, ns, name, input.pod);
      if (host) addA(`${host}.${fqdn}`, address.ip);
    }
    if (headless || !spec.clusterIP) continue;
    const affinity =
      spec.sessionAffinity === 'ClientIP'
        ? (spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_SECONDS)
        : 0;
    for (const port of spec.ports ?? []) {
      services.push({
        name: `${ns}/${name}:${port.name ?? port.port}`,
        ip: spec.clusterIP,
        port: port.port,
        protocol: port.protocol ?? 'TCP',
        affinityTimeoutSeconds: affinity,
        backends: backendsFor(ep, port, spec.ports?.length ?? 1),
      });
    }
  }
  return { serviceCIDR, clusterDomain, records: { a, cname }, services };
}

function keyOf(meta: { namespace?: string; name?: string } | undefined): string {
  return `${meta?.namespace ?? 'default'}/${meta?.name ?? ''}`;
}

function hostnameOf(
  address: EndpointAddress,
  ns: string,
  service: string,
  podOf: (namespace: string, name: string) => Pod | undefined,
): string | undefined {
  if (address.hostname) return address.hostname;
  const ref = address.targetRef;
  if (ref?.kind !== 'Pod' || !ref.name) return undefined;
  const pod = podOf(ref.namespace ?? ns, ref.name);
  if (pod?.spec?.hostname && pod.spec.subdomain === service) return pod.spec.hostname;
  return undefined;
}

/**
 * The ready (ip, port) pairs for one Service port. Endpoints ports carry the Service port's name
 * (the endpoints controller resolves named targetPorts per pod), so a subset serves this Service
 * port when it has a port of the same name — or, for a single-port Service, its only port.
 */
export function backendsFor(ep: Endpoints | undefined, port: ServicePort, servicePorts: number): NetdBackend[] {
  const out: NetdBackend[] = [];
  for (const subset of ep?.subsets ?? []) {
    const ports = subset.ports ?? [];
    let match = ports.find(
      (p) => (p.name ?? '') === (port.name ?? '') && (p.protocol ?? 'TCP') === (port.protocol ?? 'TCP'),
    );
    if (!match && servicePorts === 1 && ports.length === 1) match = ports[0];
    if (!match) continue;
    for (const address of subset.addresses ?? []) out.push({ ip: address.ip, port: match.port });
  }
  return out;
}
