// A pod's resolver configuration, as the kubelet computes it (pkg/kubelet/network/dns/dns.go):
// dnsPolicy ClusterFirst (the default) points at the cluster DNS with the search path
// `<ns>.svc.<domain> svc.<domain> <domain>` and `ndots:5`; Default keeps the node's resolver;
// None uses only spec.dnsConfig. spec.dnsConfig's nameservers, searches and options are appended
// (options with the same name replaced), as appendDNSConfig does.
import type { Pod } from 'kubernetes-types/core/v1';
import { CLUSTER_DOMAIN } from './netd-config.js';

export interface PodDnsConfig {
  servers?: string[];
  search?: string[];
  options?: string[];
}

/** Kubernetes caps the search path at 32 domains (validation.MaxDNSSearchPaths). */
const MAX_SEARCH = 32;

export function podDnsConfig(pod: Pod, clusterDns: string | undefined, domain = CLUSTER_DOMAIN): PodDnsConfig {
  const policy = pod.spec?.dnsPolicy ?? 'ClusterFirst';
  const ns = pod.metadata?.namespace ?? 'default';
  let servers: string[] = [];
  let search: string[] = [];
  let options: string[] = [];
  const clusterFirst = (policy === 'ClusterFirst' && !pod.spec?.hostNetwork) || policy === 'ClusterFirstWithHostNet';
  if (clusterFirst && clusterDns) {
    servers = [clusterDns];
    search = [`${ns}.svc.${domain}`, `svc.${domain}`, domain];
    options = ['ndots:5'];
  }
  const extra = pod.spec?.dnsConfig;
  if (extra) {
    servers = [...servers, ...(extra.nameservers ?? [])];
    search = [...search, ...(extra.searches ?? [])];
    for (const opt of extra.options ?? []) {
      if (!opt.name) continue;
      const value = opt.value !== undefined ? `${opt.name}:${opt.value}` : opt.name;
      const optName = opt.name;
      options = options.filter((o) => o.split(':')[0] !== optName);
      options.push(value);
    }
  }
  search = [...new Set(search)].slice(0, MAX_SEARCH);
  if (servers.length === 0 && search.length === 0 && options.length === 0) return {};
  return {
    ...(servers.length ? { servers } : {}),
    ...(search.length ? { search } : {}),
    ...(options.length ? { options } : {}),
  };
}
