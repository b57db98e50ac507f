// Service discovery through environment variables, as the kubelet builds them
// (pkg/kubelet/envvars/envvars.go FromServices): for every Service with a cluster IP in the pod's
// namespace that exists when the container starts,
//   {SVC}_SERVICE_HOST, {SVC}_SERVICE_PORT, {SVC}_SERVICE_PORT_{PORTNAME}
// plus the Docker-link style
//   {SVC}_PORT=tcp://ip:port, {SVC}_PORT_{port}_{PROTO}=…, _PROTO, _PORT, _ADDR
// where {SVC} is the upper-cased name with '-' as '_'. Only with enableServiceLinks (default true);
// the `kubernetes` Service of the default namespace is always included, as the kubelet does.
import type { Pod, Service } from 'kubernetes-types/core/v1';

function envName(name: string): string {
  return name.toUpperCase().replace(/-/g, '_');
}

function hasClusterIP(svc: Service): boolean {
  const ip = svc.spec?.clusterIP;
  return !!ip && ip !== 'None' && svc.spec?.type !== 'ExternalName';
}

/** The variables for these Services (already filtered to the ones the pod sees). */
export function serviceEnvVars(services: Service[]): { name: string; value: string }[] {
  const out: { name: string; value: string }[] = [];
  for (const svc of services) {
    if (!hasClusterIP(svc) || !svc.metadata?.name) continue;
    const prefix = envName(svc.metadata.name);
    const ip = svc.spec!.clusterIP!;
    const ports = svc.spec?.ports ?? [];
    if (ports.length === 0) continue;
    out.push({ name: `${prefix}_SERVICE_HOST`, value: ip });
    out.push({ name: `${prefix}_SERVICE_PORT`, value: String(ports[0].port) });
    for (const p of ports) {
      if (p.name) out.push({ name: `${prefix}_SERVICE_PORT_${envName(p.name)}`, value: String(p.port) });
    }
    const first = ports[0];
    out.push({ name: `${prefix}_PORT`, value: `${(first.protocol ?? 'TCP').toLowerCase()}://${ip}:${first.port}` });
    for (const p of ports) {
      const proto = p.protocol ?? 'TCP';
      const base = `${prefix}_PORT_${p.port}_${proto.toUpperCase()}`;
      out.push({ name: base, value: `${proto.toLowerCase()}://${ip}:${p.port}` });
      out.push({ name: `${base}_PROTO`, value: proto.toLowerCase() });
      out.push({ name: `${base}_PORT`, value: String(p.port) });
      out.push({ name: `${base}_ADDR`, value: ip });
    }
  }
  return out;
}

/** The Services whose variables a pod gets: its namespace's (with service links), plus `default/kubernetes`. */
export function servicesForPod(pod: Pod, all: Service[]): Service[] {
  const ns = pod.metadata?.namespace ?? 'default';
  const links = pod.spec?.enableServiceLinks ?? true;
  return all.filter((svc) => {
    const svcNs = svc.metadata?.namespace ?? 'default';
    if (svcNs === 'default' && svc.metadata?.name === 'kubernetes') return true;
    return links && svcNs === ns;
  });
}
