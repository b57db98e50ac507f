// The pod sandbox: a pause container that holds the pod's network namespace and publishes every
// port of the pod on 127.0.0.1 (the host reaches pods only that way — container IPs are not
// routable from the host on Docker Desktop). App containers join it with `container:<id>`.
import type Dockerode from 'dockerode';
import {
  LABEL_CONTAINER_NAME,
  LABEL_POD_NAME,
  LABEL_POD_NAMESPACE,
  LABEL_POD_UID,
  LABEL_ROLE,
  PortInUseError,
  SANDBOX_CONTAINER_NAME,
  type PortBinding,
  type SandboxSpec,
  type SandboxStatus,
} from '../types.js';
import { call, messageOf, parseDockerTime, translate } from './client.js';
import { createNamed, containerName, removeContainer } from './containers.js';

export const LOOPBACK = '127.0.0.1';

function portKey(port: PortBinding): string {
  return `${port.containerPort}/${port.protocol.toLowerCase()}`;
}

export function sandboxCreateOptions(spec: SandboxSpec): Dockerode.ContainerCreateOptions {
  const labels: Record<string, string> = {
    ...spec.labels,
    [LABEL_POD_NAME]: spec.podName,
    [LABEL_POD_NAMESPACE]: spec.namespace,
    [LABEL_POD_UID]: spec.podUid,
    [LABEL_CONTAINER_NAME]: SANDBOX_CONTAINER_NAME,
    [LABEL_ROLE]: 'sandbox',
  };
  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const port of spec.ports) {
    const key = portKey(port);
    exposed[key] = {};
    // HostPort '' asks Docker for an ephemeral port; the bound one is read back from inspect.
    (bindings[key] ??= []).push({
      HostIp: port.hostIP || LOOPBACK,
      HostPort: port.hostPort ? String(port.hostPort) : '',
    });
  }
  return {
    name: containerName(SANDBOX_CONTAINER_NAME, labels),
    Image: spec.image,
    Hostname: spec.hostname,
    ...(spec.domainname ? { Domainname: spec.domainname } : {}),
    Labels: labels,
    ExposedPorts: exposed,
    HostConfig: {
      PortBindings: bindings,
      // App containers share the sandbox's IPC namespace (as a Kubernetes pod does).
      IpcMode: 'shareable',
      NetworkMode: spec.network,
      Dns: spec.dnsServers,
      DnsSearch: spec.dnsSearch,
      DnsOptions: spec.dnsOptions,
      ExtraHosts: spec.extraHosts,
    },
  };
}

/**
 * Docker reports a taken port only when the container starts, in prose: `Bind for
 * 127.0.0.1:8080 failed: port is already allocated` (another container) or `listen tcp4
 * 127.0.0.1:8080: bind: address already in use` (another process).
 */
export function portConflict(error: unknown, spec: SandboxSpec): PortInUseError | undefined {
  const message = messageOf(error);
  if (!/already allocated|address already in use/i.test(message)) return undefined;
  const match = /(?:Bind for|listen \w+) [^\s]*:(\d+)/.exec(message);
  const requested = spec.ports.filter((p) => p.hostPort).map((p) => p.hostPort as number);
  const port = match ? Number(match[1]) : (requested[0] ?? 0);
  const owner = spec.ports.find((p) => p.hostPort === port);
  const what = owner ? ` (containerPort ${owner.containerPort}/${owner.protocol})` : '';
  return new PortInUseError(
    port,
    `Host port ${port}${what} of pod ${spec.namespace}/${spec.podName} is already in use on ${LOOPBACK}. ` +
      'Choose another hostPort, or stop whatever holds it.',
  );
}

export function toSandboxStatus(info: Dockerode.ContainerInspectInfo, network?: string): SandboxStatus {
  const labels = info.Config.Labels ?? {};
  const ports: SandboxStatus['ports'] = [];
  for (const [key, bound] of Object.entries(info.NetworkSettings.Ports ?? {})) {
    const [port, protocol] = key.split('/');
    for (const binding of bound ?? []) {
      ports.push({
        containerPort: Number(port),
        protocol: protocol.toUpperCase() as PortBinding['protocol'],
        hostPort: Number(binding.HostPort),
        hostIP: binding.HostIp,
      });
    }
  }
  const networks = info.NetworkSettings.Networks ?? {};
  const ip =
    (network ? networks[network]?.IPAddress : undefined) ||
    (info.NetworkSettings as { IPAddress?: string }).IPAddress ||
    Object.values(networks).find((n) => n.IPAddress)?.IPAddress ||
    undefined;
  return {
    id: info.Id,
    podUid: labels[LABEL_POD_UID] ?? '',
    state: info.State.Running ? 'ready' : 'notready',
    ip,
    ports,
    labels,
    createdAt: parseDockerTime(info.Created) ?? 0,
  };
}

/**
 * Creates and starts a sandbox. It needs no routes of its own: Service IPs are on-link on the
 * cluster network (see network/subnet.ts).
 */
export async function runSandbox(docker: Dockerode, endpoint: string, spec: SandboxSpec): Promise<SandboxStatus> {
  const container = await createNamed(docker, endpoint, sandboxCreateOptions(spec));
  try {
    await container.start();
  } catch (error) {
    await removeContainer(docker, endpoint, container.id);
    const conflict = portConflict(error, spec);
    if (conflict) throw conflict;
    translate(endpoint, error);
  }
  const info = await call(endpoint, () => container.inspect());
  return toSandboxStatus(info, spec.network);
}
