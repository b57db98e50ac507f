// IPv4 CIDR arithmetic for the cluster network's layout. The Docker network of a cluster is split
// so that Docker's IPAM never hands a pod an address KubeDesk uses for itself:
//   first quarter:  .1 the gateway (the host's bridge), .2 kubedesk-netd (fixed, so pods' resolver
//                   stays valid when it is re-created)
//   second quarter: the Service CIDR — clusterIPs are on-link for pods: kubedesk-netd makes the
//                   whole range local with one AnyIP route on its interface, so it answers ARP for
//                   every clusterIP and pods need no route of their own
//   second half:    the ip-range pods get their addresses from.
// Each cluster's Service CIDR is therefore distinct (it lies in its own subnet).

/** The Service CIDR without a cluster network (simulated runtime, or the network failed to start). */
export const SERVICE_CIDR = '10.96.0.0/12';

/** Candidates tried in order when no subnet is configured: 10.250.0.0/20, 10.250.16.0/20, … 10.254.240.0/20. */
export function defaultSubnetCandidates(): string[] {
  const out: string[] = [];
  for (let second = 250; second <= 254; second++) {
    for (let third = 0; third < 256; third += 16) out.push(`10.${second}.${third}.0/20`);
  }
  return out;
}

export interface Cidr {
  base: number;
  prefix: number;
}

export function ipToInt(ip: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function parseCidr(text: string): Cidr | null {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(text.trim());
  if (!m) return null;
  const ip = ipToInt(m[1]);
  const prefix = Number(m[2]);
  if (ip === null || prefix > 32) return null;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { base: (ip & mask) >>> 0, prefix };
}

function size(c: Cidr): number {
  return 2 ** (32 - c.prefix);
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + size(b) && b.base < a.base + size(a);
}

export function contains(c: Cidr, ip: string): boolean {
  const n = ipToInt(ip);
  return n !== null && n >= c.base && n < c.base + size(c);
}

export interface NetworkLayout {
  subnet: string;
  gateway: string;
  /** kubedesk-netd's fixed address: the cluster DNS server, and where every Service IP is local. */
  netdIP: string;
  /** Where Docker allocates pod addresses. */
  podRange: string;
  /** The subnet's second quarter: on-link Service IPs, local to kubedesk-netd. */
  serviceCIDR: string;
}

/** The layout of a subnet, or an error message saying what is wrong with it. */
export function layoutFor(subnet: string): NetworkLayout | string {
  const c = parseCidr(subnet);
  if (!c) return `network subnet ${JSON.stringify(subnet)} is not an IPv4 CIDR such as 10.250.0.0/20`;
  if (c.prefix < 8 || c.prefix > 26)
    return `network subnet ${subnet} must have a prefix length from /8 to /26 (room for pods and KubeDesk's own addresses)`;
  const half = { base: c.base + size(c) / 2, prefix: c.prefix + 1 };
  const services = { base: c.base + size(c) / 4, prefix: c.prefix + 2 };
  return {
    subnet: `${intToIp(c.base)}/${c.prefix}`,
    gateway: intToIp(c.base + 1),
    netdIP: intToIp(c.base + 2),
    podRange: `${intToIp(half.base)}/${half.prefix}`,
    serviceCIDR: `${intToIp(services.base)}/${services.prefix}`,
  };
}
