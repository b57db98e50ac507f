// The Docker side of a cluster's network: the per-cluster bridge network (its subnet laid out by
// network/subnet.ts) and the kubedesk-netd system container on it, where every Service IP of the
// subnet is local. Every call takes argument arrays, never shell strings.
import os from 'node:os';
import type Dockerode from 'dockerode';
import { defaultSubnetCandidates, layoutFor, overlaps, parseCidr, type NetworkLayout } from '../../network/subnet.js';
import { call, isNotFound, messageOf, statusOf, translate } from './client.js';

/** Labels KubeDesk's own network and system containers (not pods: the node agent leaves them alone). */
export const LABEL_NETWORK_CLUSTER = 'io.kubedesk.network.cluster';
export const LABEL_NETWORK_ROLE = 'io.kubedesk.network.role';
/** Digest of what the netd container runs (image, script, layout); a mismatch re-creates it. */
export const LABEL_NETD_DIGEST = 'io.kubedesk.netd.digest';

async function inspectNetwork(
  docker: Dockerode,
  endpoint: string,
  name: string,
): Promise<Dockerode.NetworkInspectInfo | null> {
  try {
    return (await docker.getNetwork(name).inspect()) as Dockerode.NetworkInspectInfo;
  } catch (error) {
    if (isNotFound(error)) return null;
    translate(endpoint, error);
  }
}

/**
 * Finds or creates the cluster's network. An existing one keeps its subnet; a new one gets the
 * configured subnet, or the first default candidate that overlaps no other Docker network.
 */
export async function ensureClusterNetwork(
  docker: Dockerode,
  endpoint: string,
  name: string,
  labels: Record<string, string>,
  subnet?: string,
): Promise<NetworkLayout> {
  const existing = await inspectNetwork(docker, endpoint, name);
  if (existing) {
    const have = existing.IPAM?.Config?.[0]?.Subnet;
    if (!have) throw new Error(`Docker network ${name} exists but has no IPv4 subnet; remove it and start again.`);
    const layout = layoutFor(have);
    if (typeof layout === 'string') throw new Error(`Docker network ${name} cannot be used: ${layout}.`);
    const wanted = subnet ? layoutFor(subnet) : undefined;
    if (wanted && typeof wanted !== 'string' && wanted.subnet !== layout.subnet) {
      console.warn(`cluster network ${name} keeps its subnet ${layout.subnet} (configured: ${subnet})`);
    }
    return layout;
  }
  const candidates = subnet ? [subnet] : defaultSubnetCandidates();
  const taken = (await call(endpoint, () => docker.listNetworks()))
    .flatMap((n) => (n.IPAM?.Config ?? []).map((c) => parseCidr(c.Subnet ?? '')))
    .filter((c) => c !== null);
  // The host's own networks too: a Docker network over them would cut the host off from them.
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === 'IPv4' && a.cidr) taken.push(parseCidr(a.cidr)!);
  }
  let lastError = '';
  for (const candidate of candidates) {
    const layout = layoutFor(candidate);
    if (typeof layout === 'string') throw new Error(layout);
    const cidr = parseCidr(layout.subnet)!;
    if (!subnet && taken.some((t) => overlaps(t, cidr))) continue;
    try {
      await docker.createNetwork({
        Name: name,
        Driver: 'bridge',
        CheckDuplicate: true,
        Labels: labels,
        IPAM: {
          Driver: 'default',
          Config: [{ Subnet: layout.subnet, IPRange: layout.podRange, Gateway: layout.gateway }],
        },
      });
      return layout;
    } catch (error) {
      if (statusOf(error) === 409) {
        const raced = await inspectNetwork(docker, endpoint, name);
        const have = raced?.IPAM?.Config?.[0]?.Subnet;
        const racedLayout = have ? layoutFor(have) : 'no subnet';
        if (typeof racedLayout !== 'string') return racedLayout;
      }
      lastError = messageOf(error);
      // Another network took the subnet since we listed them: try the next candidate.
      if (!subnet && /overlap/i.test(lastError)) continue;
      if (/overlap/i.test(lastError)) {
        throw new Error(
          `Cannot create the cluster network ${name} with subnet ${subnet}: ${lastError}. Choose another subnet.`,
          { cause: error },
        );
      }
      translate(endpoint, error);
    }
  }
  throw new Error(
    `No free subnet for the cluster network ${name} (tried ${candidates[0]} … ${candidates.at(-1)}` +
      `${lastError ? `: ${lastError}` : ''}). Configure one with --network-subnet.`,
  );
}

/** Removes the network if it is ours (labelled for this cluster) and nothing is attached. */
export async function removeClusterNetwork(
  docker: Dockerode,
  endpoint: string,
  name: string,
  clusterId: string,
): Promise<boolean> {
  const info = await inspectNetwork(docker, endpoint, name);
  if (!info) return true;
  if (info.Labels?.[LABEL_NETWORK_CLUSTER] !== clusterId) return false;
  if (Object.keys(info.Containers ?? {}).length > 0) return false;
  try {
    await docker.getNetwork(info.Id).remove();
    return true;
  } catch (error) {
    if (isNotFound(error)) return true;
    if (statusOf(error) === 403 || statusOf(error) === 409) return false;
    translate(endpoint, error);
  }
}

export interface NetdContainerSpec {
  name: string;
  image: string;
  network: string;
  layout: NetworkLayout;
  /** Host folder holding network.json (mounted read-only at /kubedesk/config). */
  configDir: string;
  /** Host folder holding kubedesk-netd.cjs (mounted read-only at /kubedesk/netd). */
  scriptDir: string;
  labels: Record<string, string>;
  digest: string;
}

/** Starts kubedesk-netd unless a running one with the same digest is there already; returns its id. */
export async function ensureNetdContainer(
  docker: Dockerode,
  endpoint: string,
  spec: NetdContainerSpec,
): Promise<string> {
  let current: Dockerode.ContainerInspectInfo | null = null;
  try {
    current = await docker.getContainer(spec.name).inspect();
  } catch (error) {
    if (!isNotFound(error)) translate(endpoint, error);
  }
  if (current) {
    if (current.State.Running && current.Config.Labels?.[LABEL_NETD_DIGEST] === spec.digest) return current.Id;
    await removeNetdContainer(docker, endpoint, spec.name);
  }
  const container = await call(endpoint, () =>
    docker.createContainer({
      name: spec.name,
      Image: spec.image,
      Entrypoint: ['node'],
      Cmd: ['/kubedesk/netd/kubedesk-netd.cjs'],
      Env: ['KUBEDESK_NETD_CONFIG=/kubedesk/config/network.json'],
      Labels: { ...spec.labels, [LABEL_NETD_DIGEST]: spec.digest },
      HostConfig: {
        NetworkMode: spec.network,
        CapAdd: ['NET_ADMIN'],
        Binds: [`${spec.configDir}:/kubedesk/config:ro`, `${spec.scriptDir}:/kubedesk/netd:ro`],
        RestartPolicy: { Name: 'unless-stopped' },
      },
      NetworkingConfig: {
        EndpointsConfig: { [spec.network]: { IPAMConfig: { IPv4Address: spec.layout.netdIP } } },
      },
    }),
  );
  try {
    await container.start();
  } catch (error) {
    await container.remove({ force: true }).catch(() => undefined);
    throw new Error(`Cannot start the cluster network container ${spec.name}: ${messageOf(error)}`, { cause: error });
  }
  return container.id;
}

export async function removeNetdContainer(docker: Dockerode, endpoint: string, name: string): Promise<void> {
  try {
    await docker.getContainer(name).remove({ force: true });
  } catch (error) {
    if (isNotFound(error) || statusOf(error) === 409) return;
    translate(endpoint, error);
  }
}

/**
 * Removes route-helper containers an older KubeDesk left behind (it added a Service route in each
 * pod with one; Service IPs are on-link now, see network/subnet.ts).
 */
export async function removeRouteHelpers(docker: Dockerode, endpoint: string, clusterId: string): Promise<void> {
  const leftovers = await call(endpoint, () =>
    docker.listContainers({
      all: true,
      filters: { label: [`${LABEL_NETWORK_CLUSTER}=${clusterId}`, `${LABEL_NETWORK_ROLE}=route-helper`] },
    }),
  );
  await Promise.all(
    leftovers.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
}
