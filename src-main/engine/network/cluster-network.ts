// A cluster's network on Docker: the per-cluster bridge network pods join (their status.podIP is
// their address on it), and kubedesk-netd, the system container that gives Services their
// in-cluster behaviour (DNS names, clusterIP:port load-balanced over ready endpoints). This class
// keeps netd's configuration in step with the store: every Service, Endpoints or Pod change
// rebuilds it (netd-config.ts) and, when it differs, writes it atomically into the folder netd
// mounts; netd picks the new file up through inotify within milliseconds.
//
// When the network image is missing and cannot be pulled, pods still run on the cluster network but
// without cluster DNS or Service IPs (and the log says so); once a pull succeeds, pods started
// afterwards get them.
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Endpoints, Pod, Service } from 'kubernetes-types/core/v1';
import type { Engine } from '../index.js';
import type { WatchHandle } from '../apiserver/api-server.js';
import type { DockerRuntime } from '../runtime/docker/docker-runtime.js';
import { LABEL_CLUSTER } from '../runtime/types.js';
import {
  ensureClusterNetwork,
  ensureNetdContainer,
  LABEL_NETWORK_CLUSTER,
  LABEL_NETWORK_ROLE,
  removeClusterNetwork,
  removeNetdContainer,
  removeRouteHelpers,
} from '../runtime/docker/cluster-network.js';
import { buildNetdConfig, CLUSTER_DOMAIN } from './netd-config.js';
import { NETD_SCRIPT_NAME, readNetdScript } from './netd-script.js';
import { contains, parseCidr, type NetworkLayout } from './subnet.js';

/** Default image for kubedesk-netd: any image with `node` (≥ 18) and busybox/iproute2 `ip`. */
export const DEFAULT_NETWORK_IMAGE = 'node:22-alpine';

export interface ClusterNetworkOptions {
  clusterId: string;
  /** Folder for netd's config and script (mounted into the netd container). */
  dataDir: string;
  image?: string;
  /** IPv4 subnet of the cluster network (default: the first free 10.250–254.x.0/20). */
  subnet?: string;
}

/**
 * What the node agent needs to put a pod on the cluster network. Service IPs are on-link (in the
 * network's subnet, local to netd), so a pod needs no route of its own.
 */
export interface PodNetwork {
  network: string;
  /** kubedesk-netd's address, when it runs: the pods' DNS server. */
  dnsServer?: string;
  clusterDomain: string;
}

export function clusterNetworkName(clusterId: string): string {
  return `kubedesk-${clusterId}`;
}

export function netdContainerName(clusterId: string): string {
  return `kubedesk-netd-${clusterId}`;
}

export class ClusterNetwork {
  readonly name: string;
  readonly image: string;
  layout: NetworkLayout | null = null;
  #engine: Engine;
  #runtime: DockerRuntime;
  #opts: ClusterNetworkOptions;
  #watches: WatchHandle[] = [];
  #configDir: string;
  #scriptDir: string;
  #netdRunning = false;
  #scheduled = false;
  #lastWritten = '';
  #writing: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(engine: Engine, runtime: DockerRuntime, opts: ClusterNetworkOptions) {
    this.#engine = engine;
    this.#runtime = runtime;
    this.#opts = opts;
    this.name = clusterNetworkName(opts.clusterId);
    this.image = opts.image ?? DEFAULT_NETWORK_IMAGE;
    this.#configDir = path.join(opts.dataDir, 'config');
    this.#scriptDir = path.join(opts.dataDir, 'netd');
  }

  /** Creates (or adopts) the network and netd, and starts following the store. */
  async start(): Promise<void> {
    const { docker, endpoint } = this.#runtime;
    this.layout = await ensureClusterNetwork(
      docker,
      endpoint,
      this.name,
      { [LABEL_NETWORK_CLUSTER]: this.#opts.clusterId },
      this.#opts.subnet,
    );
    // Route helpers an older version left behind (pods no longer need one: Service IPs are on-link).
    await removeRouteHelpers(docker, endpoint, this.#opts.clusterId);
    await fsp.mkdir(this.#configDir, { recursive: true });
    await fsp.mkdir(this.#scriptDir, { recursive: true });
    const script = await readNetdScript();
    await fsp.writeFile(path.join(this.#scriptDir, NETD_SCRIPT_NAME), script);
    // Watch from the version the first config is built at, so no change falls in between.
    const rv = String(this.#engine.store.resourceVersion);
    await this.#write();
    // Pods are not watched: a pod's readiness or IP reaches netd through its Endpoints.
    for (const resource of ['services', 'endpoints']) {
      this.#watches.push(
        this.#engine.api.watch({ group: '', resource }, { resourceVersion: rv }, () => this.#schedule()),
      );
    }
    if (await this.#runtime.imagePresent(this.image)) {
      await this.#startNetd(script);
    } else {
      console.warn(
        `cluster network: image ${this.image} is not present; pulling it. Until then pods get no cluster DNS ` +
          'or Service IPs (set another image with --network-image).',
      );
      const why = (err: unknown) => (err instanceof Error ? err.message : String(err));
      void this.#runtime.pullImage(this.image).then(
        () =>
          this.#stopped
            ? undefined
            : this.#startNetd(script).catch((err: unknown) =>
                console.error(`cluster network: cannot start kubedesk-netd: ${why(err)}`),
              ),
        (err: unknown) =>
          console.warn(
            `cluster network: cannot pull ${this.image} (${why(err)}); pods run without cluster DNS and Service IPs.`,
          ),
      );
    }
    // From now on new Services get on-link clusterIPs from this network's Service CIDR.
    this.#engine.api.ctx.serviceCIDR = this.layout.serviceCIDR;
    this.#warnOutOfRange();
  }

  /** Services of an older data folder keep their clusterIP, which pods cannot reach any more: say so. */
  #warnOutOfRange(): void {
    const cidr = parseCidr(this.layout!.serviceCIDR)!;
    const stale = (this.#engine.store.list('/services') as Service[])
      .filter((s) => {
        const ip = s.spec?.clusterIP;
        return ip && ip !== 'None' && !contains(cidr, ip);
      })
      .map((s) => `${s.metadata?.namespace}/${s.metadata?.name} (${s.spec?.clusterIP})`);
    if (stale.length === 0) return;
    console.warn(
      `cluster network: ${stale.length} Service(s) have a clusterIP outside the Service CIDR ` +
        `${this.layout!.serviceCIDR} so pods cannot reach them by clusterIP (nor by ` +
        `DNS name, which resolves to it); delete and re-create them to get a new clusterIP: ${stale.slice(0, 10).join(', ')}` +
        `${stale.length > 10 ? ', …' : ''}`,
    );
  }

  async #startNetd(script: string): Promise<void> {
    const layout = this.layout!;
    const digest = createHash('sha256')
      .update(this.image)
      .update(script)
      .update(JSON.stringify(layout))
      .update(this.#configDir)
      .digest('hex')
      .slice(0, 16);
    await ensureNetdContainer(this.#runtime.docker, this.#runtime.endpoint, {
      name: netdContainerName(this.#opts.clusterId),
      image: this.image,
      network: this.name,
      layout,
      configDir: this.#configDir,
      scriptDir: this.#scriptDir,
      labels: { [LABEL_NETWORK_CLUSTER]: this.#opts.clusterId, [LABEL_NETWORK_ROLE]: 'netd' },
      digest,
    });
    this.#netdRunning = true;
  }

  podNetwork(): PodNetwork {
    const layout = this.layout;
    if (!layout || !this.#netdRunning) return { network: this.name, clusterDomain: CLUSTER_DOMAIN };
    return { network: this.name, dnsServer: layout.netdIP, clusterDomain: CLUSTER_DOMAIN };
  }

  /** Resolves once every change seen so far is written. */
  async flush(): Promise<void> {
    while (this.#scheduled) await new Promise((r) => setImmediate(r));
    await this.#writing;
  }

  #schedule(): void {
    if (this.#scheduled || this.#stopped) return;
    this.#scheduled = true;
    // Coalesce a burst of watch events (a rollout touches many objects) into one write.
    setImmediate(() => {
      this.#scheduled = false;
      this.#writing = this.#writing
        .then(() => this.#write())
        .catch((err: unknown) => {
          console.error(
            `cluster network: writing netd config failed: ${err instanceof Error ? err.message : String(err)}`,
          );
        });
    });
  }

  async #write(): Promise<void> {
    const store = this.#engine.store;
    const config = buildNetdConfig(
      {
        services: store.list('/services') as Service[],
        endpoints: store.list('/endpoints') as Endpoints[],
        pod: (namespace, name) => store.get(`/pods/${namespace}/${name}`) as Pod | undefined,
      },
      this.layout!.serviceCIDR,
    );
    const text = JSON.stringify(config);
    if (text === this.#lastWritten) return;
    const file = path.join(this.#configDir, 'network.json');
    const tmp = `${file}.${process.pid}.tmp`;
    await fsp.writeFile(tmp, text);
    await fsp.rename(tmp, file);
    this.#lastWritten = text;
  }

  /** Stop following the store; netd keeps serving the last configuration (pods keep running). */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const w of this.#watches) w.stop();
    this.#watches = [];
    await this.flush();
  }

  /** Stop and remove netd (the cluster's pods are being stopped too). */
  async stopSystem(): Promise<void> {
    await this.stop();
    await removeNetdContainer(this.#runtime.docker, this.#runtime.endpoint, netdContainerName(this.#opts.clusterId));
    this.#netdRunning = false;
  }

  /**
   * After a clean stop: when the cluster has no pod containers at all (none running, none stopped
   * that a restart would need), netd and the network go too, so a cluster that never ran a pod
   * leaves nothing behind. Returns whether they were removed.
   */
  async removeIfUnused(): Promise<boolean> {
    const { docker, endpoint } = this.#runtime;
    const pods = await docker.listContainers({
      all: true,
      filters: { label: [`${LABEL_CLUSTER}=${this.#opts.clusterId}`] },
    });
    if (pods.length > 0) return false;
    await removeNetdContainer(docker, endpoint, netdContainerName(this.#opts.clusterId));
    this.#netdRunning = false;
    return removeClusterNetwork(docker, endpoint, this.name, this.#opts.clusterId);
  }

  /** Remove netd and the network (if nothing else is attached). Returns whether the network is gone. */
  async remove(): Promise<boolean> {
    await this.stopSystem();
    return removeClusterNetwork(this.#runtime.docker, this.#runtime.endpoint, this.name, this.#opts.clusterId);
  }
}
