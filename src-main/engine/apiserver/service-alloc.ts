// Service IP and node port allocation, as kube-apiserver's service REST storage does at create:
// a ClusterIP from the service CIDR (the cluster's: the second quarter of its Docker network's
// subnet, see network/subnet.ts; without a cluster network 10.96.0.0/12, the kubeadm default),
// and node ports from 30000–32767 for NodePort and LoadBalancer services. A requested
// IP or port that is taken or out of range is a 422 with Kubernetes' message.
import type { KubeObject } from '../api/types.js';
import { cause, invalid } from '../api/errors.js';
import type { ObjectStore } from '../store/object-store.js';

/** The service CIDR when none is configured (as kube-apiserver's --service-cluster-ip-range default in kubeadm). */
export const DEFAULT_SERVICE_CIDR = '10.96.0.0/12';
export const NODE_PORT_MIN = 30000;
export const NODE_PORT_MAX = 32767;

interface ServicePort {
  port?: number;
  protocol?: string;
  nodePort?: number;
}
interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ipFamilies?: string[];
  ports?: ServicePort[];
  allocateLoadBalancerNodePorts?: boolean;
}

/** NodePort Services, and LoadBalancer ones unless allocateLoadBalancerNodePorts is false, get node ports. */
function wantsNodePorts(spec: ServiceSpec): boolean {
  return spec.type === 'NodePort' || (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);
}

function ipToInt(ip: string): number | null {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

interface ServiceRange {
  cidr: string;
  base: number;
  size: number;
  /** Offset of the first address handed out (a large range keeps the low ones, as .1 for `kubernetes`). */
  first: number;
}

/** Parses a service CIDR (IPv4, /8 to /30); throws on anything else — it is configuration, not input. */
export function serviceRange(cidr: string = DEFAULT_SERVICE_CIDR): ServiceRange {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(cidr);
  const ip = m ? ipToInt(m[1]) : null;
  const prefix = m ? Number(m[2]) : -1;
  if (ip === null || prefix < 8 || prefix > 30) throw new Error(`invalid service CIDR ${JSON.stringify(cidr)}`);
  const size = 2 ** (32 - prefix);
  const base = (ip - (ip % size)) >>> 0;
  return { cidr: `${intToIp(base)}/${prefix}`, base, size, first: size >= 256 ? 10 : 1 };
}

/** Lowest free address of the range (the bitmap allocator's scan); its last address is never used. */
function freeClusterIP(range: ServiceRange, used: Set<string | undefined>): string | undefined {
  for (let i = range.first; i < range.size - 1; i++) {
    const candidate = intToIp(range.base + i);
    if (!used.has(candidate)) return candidate;
  }
  return undefined;
}

/** Fill in clusterIP(s) and node ports on a Service being created; throws 422 on conflicts. */
export function allocateServiceAddresses(
  store: ObjectStore,
  svc: KubeObject,
  serviceCIDR: string = DEFAULT_SERVICE_CIDR,
): void {
  const range = serviceRange(serviceCIDR);
  const spec = (svc.spec ?? {}) as ServiceSpec;
  const existing = store.list('/services');
  const name = svc.metadata.name ?? '';
  if (spec.type !== 'ExternalName' && spec.clusterIP !== 'None') {
    const used = new Set(existing.map((s) => (s.spec as ServiceSpec | undefined)?.clusterIP).filter(Boolean));
    if (spec.clusterIP) {
      const n = ipToInt(spec.clusterIP);
      if (n === null || n < range.base || n >= range.base + range.size) {
        throw invalid('', 'Service', name, [
          cause.invalid(
            'spec.clusterIPs',
            [spec.clusterIP],
            'failed to allocate IP ' +
              spec.clusterIP +
              `: provided IP is not in the valid range. The range of valid IPs is ${range.cidr}`,
          ),
        ]);
      }
      if (used.has(spec.clusterIP)) {
        throw invalid('', 'Service', name, [
          cause.invalid(
            'spec.clusterIPs',
            [spec.clusterIP],
            `failed to allocate IP ${spec.clusterIP}: provided IP is already allocated`,
          ),
        ]);
      }
    } else {
      const ip = freeClusterIP(range, used);
      if (ip === undefined) {
        throw invalid('', 'Service', name, [
          cause.invalid('spec.clusterIPs', [], `failed to allocate a serviceIP: range is full (${range.cidr})`),
        ]);
      }
      spec.clusterIP = ip;
    }
    spec.clusterIPs = [spec.clusterIP!];
    spec.ipFamilies = ['IPv4'];
  } else if (spec.clusterIP === 'None') {
    spec.clusterIPs = ['None'];
  }
  if (wantsNodePorts(spec)) {
    const usedPorts = new Set<number>();
    for (const s of existing)
      for (const p of (s.spec as ServiceSpec | undefined)?.ports ?? []) if (p.nodePort) usedPorts.add(p.nodePort);
    // Ports asked for explicitly are never handed to an earlier port without one.
    const requested = new Set((spec.ports ?? []).map((p) => p.nodePort).filter(Boolean));
    for (const [i, p] of (spec.ports ?? []).entries()) {
      if (p.nodePort) {
        if (p.nodePort < NODE_PORT_MIN || p.nodePort > NODE_PORT_MAX) {
          throw invalid('', 'Service', name, [
            cause.invalid(
              `spec.ports[${i}].nodePort`,
              p.nodePort,
              `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_MIN}-${NODE_PORT_MAX}`,
            ),
          ]);
        }
        if (usedPorts.has(p.nodePort)) {
          throw invalid('', 'Service', name, [
            cause.invalid(`spec.ports[${i}].nodePort`, p.nodePort, 'provided port is already allocated'),
          ]);
        }
        usedPorts.add(p.nodePort);
        continue;
      }
      const next = freeNodePort((n) => usedPorts.has(n) || requested.has(n));
      if (next === undefined) {
        throw invalid('', 'Service', name, [cause.invalid(`spec.ports[${i}].nodePort`, 0, 'range is full')]);
      }
      p.nodePort = next;
      usedPorts.add(next);
    }
  }
  svc.spec = spec;
}

/**
 * dropTypeDependentFields (pkg/registry/core/service/strategy.go): a Service changed to
 * ClusterIP or ExternalName releases the node ports it had, unless the update set them anew
 * (then validation rejects them as upstream does).
 */
export function dropTypeDependentFields(next: KubeObject, old: KubeObject): void {
  const n = (next.spec ?? {}) as ServiceSpec;
  const o = (old.spec ?? {}) as ServiceSpec;
  if (n.type === o.type || (n.type !== 'ClusterIP' && n.type !== 'ExternalName')) return;
  const oldPorts = new Set((o.ports ?? []).map((p) => p.nodePort).filter(Boolean));
  for (const p of n.ports ?? []) if (p.nodePort && oldPorts.has(p.nodePort)) delete p.nodePort;
}

/**
 * Allocation on update, as the service REST storage's update does: a Service that becomes
 * NodePort or LoadBalancer gets node ports for its ports that have none, a node port that was
 * added or changed is checked for range and conflicts like one given at create, and a Service
 * that leaves ExternalName gets a cluster IP. Throws 422 and changes nothing on a conflict.
 */
export function allocateServiceUpdate(
  store: ObjectStore,
  next: KubeObject,
  old: KubeObject,
  serviceCIDR: string = DEFAULT_SERVICE_CIDR,
): void {
  const spec = (next.spec ?? {}) as ServiceSpec;
  const before = (old.spec ?? {}) as ServiceSpec;
  const name = next.metadata.name ?? '';
  const self = `${next.metadata.namespace}/${name}`;
  const others = store
    .list('/services')
    .filter((s) => `${s.metadata.namespace}/${s.metadata.name}` !== self)
    .map((s) => (s.spec ?? {}) as ServiceSpec);
  if (spec.type !== 'ExternalName' && !spec.clusterIP && before.type === 'ExternalName') {
    // Same lowest-free scan as at create, against every other Service.
    const used = new Set(others.map((s) => s.clusterIP).filter(Boolean));
    const candidate = freeClusterIP(serviceRange(serviceCIDR), used);
    if (candidate === undefined) {
      throw invalid('', 'Service', name, [
        cause.invalid('spec.clusterIPs', [], `failed to allocate a serviceIP: range is full (${serviceCIDR})`),
      ]);
    }
    spec.clusterIP = candidate;
    spec.clusterIPs = [candidate];
    spec.ipFamilies = ['IPv4'];
  }
  if (!wantsNodePorts(spec)) return;
  const usedPorts = new Set<number>();
  for (const s of others) for (const p of s.ports ?? []) if (p.nodePort) usedPorts.add(p.nodePort);
  const had = new Set((before.ports ?? []).map((p) => p.nodePort).filter(Boolean));
  const mine = new Set<number>();
  for (const [i, p] of (spec.ports ?? []).entries()) {
    if (!p.nodePort) continue;
    const field = `spec.ports[${i}].nodePort`;
    if (!had.has(p.nodePort) && (usedPorts.has(p.nodePort) || mine.has(p.nodePort))) {
      throw invalid('', 'Service', name, [cause.invalid(field, p.nodePort, 'provided port is already allocated')]);
    }
    mine.add(p.nodePort);
  }
  for (const [i, p] of (spec.ports ?? []).entries()) {
    if (p.nodePort) continue;
    const nextFree = freeNodePort((n) => usedPorts.has(n) || mine.has(n));
    if (nextFree === undefined) {
      throw invalid('', 'Service', name, [cause.invalid(`spec.ports[${i}].nodePort`, 0, 'range is full')]);
    }
    p.nodePort = nextFree;
    mine.add(nextFree);
  }
  next.spec = spec;
}

/**
 * A free node port, searched from a random point of the range as Kubernetes' allocator does, so
 * two clusters on one machine (or another program on 127.0.0.1) rarely want the same port.
 */
function freeNodePort(taken: (port: number) => boolean): number | undefined {
  const size = NODE_PORT_MAX - NODE_PORT_MIN + 1;
  const start = Math.floor(Math.random() * size);
  for (let k = 0; k < size; k++) {
    const port = NODE_PORT_MIN + ((start + k) % size);
    if (!taken(port)) return port;
  }
  return undefined;
}
