// core/v1 defaulting for kinds other than Pod, following pkg/apis/core/v1/defaults.go.
import type {
  Endpoints,
  Namespace,
  Node,
  PersistentVolume,
  PersistentVolumeClaim,
  PersistentVolumeClaimStatus,
  PersistentVolumeStatus,
  Secret,
  Service,
} from 'kubernetes-types/core/v1';

/** SetDefaults_Service (pkg/apis/core/v1/defaults.go). */
export function defaultService(svc: Service): void {
  const spec = (svc.spec ??= {});
  if (!spec.sessionAffinity) spec.sessionAffinity = 'None';
  if (spec.sessionAffinity === 'ClientIP') {
    const cfg = (spec.sessionAffinityConfig ??= {});
    const ip = (cfg.clientIP ??= {});
    if (ip.timeoutSeconds === undefined) ip.timeoutSeconds = 10800;
  }
  if (!spec.type) spec.type = 'ClusterIP';
  for (const p of spec.ports ?? []) {
    if (!p.protocol) p.protocol = 'TCP';
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if ((spec.type === 'NodePort' || spec.type === 'LoadBalancer') && !spec.externalTrafficPolicy) {
    spec.externalTrafficPolicy = 'Cluster';
  }
  if (spec.type !== 'ExternalName' && !spec.internalTrafficPolicy) spec.internalTrafficPolicy = 'Cluster';
  if (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts === undefined) {
    spec.allocateLoadBalancerNodePorts = true;
  }
  // The registry's IP-family defaulting (pkg/registry/core/service/storage): KubeDesk is
  // single-stack IPv4.
  if (spec.type !== 'ExternalName' && !spec.ipFamilyPolicy) spec.ipFamilyPolicy = 'SingleStack';
}

/** SetDefaults_Secret. */
export function defaultSecret(s: Secret): void {
  if (!s.type) s.type = 'Opaque';
}

/** SetDefaults_PersistentVolumeClaim and SetDefaults_PersistentVolumeClaimStatus. */
export function defaultPersistentVolumeClaim(pvc: PersistentVolumeClaim): void {
  const spec = (pvc.spec ??= {});
  if (!spec.volumeMode) spec.volumeMode = 'Filesystem';
  // kubernetes-types marks status read-only; the apiserver is the one writer allowed to set it.
  const status = ((pvc as { status?: PersistentVolumeClaimStatus }).status ??= {});
  if (!status.phase) status.phase = 'Pending';
}

/** SetDefaults_PersistentVolume and SetDefaults_PersistentVolumeStatus. */
export function defaultPersistentVolume(pv: PersistentVolume): void {
  const spec = (pv.spec ??= {});
  if (!spec.persistentVolumeReclaimPolicy) spec.persistentVolumeReclaimPolicy = 'Retain';
  if (!spec.volumeMode) spec.volumeMode = 'Filesystem';
  const status = ((pv as { status?: PersistentVolumeStatus }).status ??= {});
  if (!status.phase) status.phase = 'Pending';
}

/**
 * SetDefaults_NamespaceStatus, plus the `kubernetes` finalizer that the namespace registry's
 * PrepareForCreate adds (pkg/registry/core/namespace/strategy.go).
 */
export function defaultNamespace(ns: Namespace): void {
  const spec = (ns.spec ??= {});
  const finalizers = (spec.finalizers ??= []);
  if (!finalizers.includes('kubernetes')) finalizers.push('kubernetes');
  const status = (ns.status ??= {});
  if (!status.phase) status.phase = 'Active';
}

/** SetDefaults_NodeStatus: allocatable defaults to capacity. */
export function defaultNode(node: Node): void {
  const status = node.status;
  if (status?.capacity && !status.allocatable) status.allocatable = { ...status.capacity };
}

/** SetDefaults_EndpointPort. */
export function defaultEndpoints(ep: Endpoints): void {
  for (const subset of ep.subsets ?? []) for (const p of subset.ports ?? []) if (!p.protocol) p.protocol = 'TCP';
}
