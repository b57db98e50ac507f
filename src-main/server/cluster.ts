// One running cluster: the engine, its node agent on a container runtime, and the HTTPS API.
// `npm run serve` and the desktop app both start it through here, so they behave the same.
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { Engine } from '../engine/index.js';
import { NodeAgent } from '../engine/node/index.js';
import { SimulatedNodes } from '../engine/node/simulated-nodes.js';
import { createRuntime, type ContainerRuntime } from '../engine/runtime/index.js';
import { DockerRuntime } from '../engine/runtime/docker/docker-runtime.js';
import { ClusterNetwork } from '../engine/network/cluster-network.js';
import { startApiListener, type ApiListener } from './api-listener.js';
import { podIOHandlers } from './api/pod-io-http.js';
import { ServiceProxy } from '../engine/network/service-proxy.js';
import { writePrivate } from './pki.js';

export interface ClusterOptions {
  dataDir: string;
  /** `docker` (default) or `simulated` (no containers: a playground node). */
  runtime?: 'docker' | 'simulated';
  apiPort?: number;
  host?: string;
  nodeName?: string;
  /** Pod sandbox image (default registry.k8s.io/pause:3.10). */
  sandboxImage?: string;
  /** Extra nodes backed by the simulated runtime (`sim-1`…`sim-N`), for multi-node scheduling. */
  simulatedNodes?: number;
  /** Image of kubedesk-netd, the cluster DNS and Service proxy (default node:22-alpine). */
  networkImage?: string;
  /** IPv4 subnet of the cluster's Docker network (default: the first free 10.250–254.x.0/20). */
  networkSubnet?: string;
}

export interface Cluster {
  engine: Engine;
  agent: NodeAgent;
  runtime: ContainerRuntime;
  api: ApiListener;
  simulated: SimulatedNodes;
  clusterId: string;
  /** The cluster network (docker runtime only; undefined when it could not be set up). */
  network?: ClusterNetwork;
  /** NodePort and LoadBalancer listeners on 127.0.0.1 (undefined without controllers). */
  serviceProxy?: ServiceProxy;
  /** Stop the control plane; pods keep running (the next start adopts them). */
  stop(): Promise<void>;
  /** Stop every pod's containers, then the control plane. */
  stopCluster(): Promise<void>;
}

export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  // The HPA reads pod metrics from every node agent, including ones started after the engine.
  const agents: NodeAgent[] = [];
  let simulated: SimulatedNodes | undefined;
  const engine = await Engine.start({
    dataDir: opts.dataDir,
    controllers: { hpa: { agents: () => [...agents, ...(simulated?.agents() ?? [])] } },
  });
  try {
    const clusterId = await ensureClusterId(opts.dataDir);
    // A simulated main node is a playground: every image is there (as on the extra simulated nodes).
    const runtime =
      opts.runtime === 'simulated'
        ? createRuntime('simulated', { allImagesPresent: true })
        : createRuntime('docker', { cluster: clusterId });
    const network = await startClusterNetwork(engine, runtime, clusterId, opts);
    const agent = new NodeAgent(engine, runtime, {
      ...(network ? { podNetwork: () => network.podNetwork() } : {}),
      nodeName: opts.nodeName,
      clusterId,
      dataDir: opts.dataDir,
      sandboxImage: opts.sandboxImage,
    });
    // The agent starts even when Docker is down: the node is NotReady and says how to start it.
    await agent.start();
    agents.push(agent);
    // Nodes applied with the label kubedesk.io/simulated=true get a simulated agent, as do --simulated-nodes.
    simulated = new SimulatedNodes(engine, { clusterId, dataDir: path.join(opts.dataDir, 'simulated-nodes') });
    simulated.start();
    for (let i = 1; i <= (opts.simulatedNodes ?? 0); i++) {
      if (!engine.store.get(`/nodes//sim-${i}`)) await simulated.add({ name: `sim-${i}` });
    }
    const api = await startApiListener({
      engine,
      dataDir: opts.dataDir,
      port: opts.apiPort,
      host: opts.host,
      podIO: podIOHandlers(agent.io),
      nodeRead: agent.io,
    });
    const sim = simulated;
    const controllers = engine.controllers;
    const serviceProxy = controllers
      ? new ServiceProxy({
          informers: controllers.informers,
          api: engine.api,
          clock: engine.clock,
          recorder: engine.recorder('service-proxy'),
        })
      : undefined;
    serviceProxy?.start();
    const stopAll = async (stopPods: boolean) => {
      await serviceProxy?.close();
      await api.close();
      await sim.stop();
      if (stopPods) await agent.stopCluster();
      else await agent.stop();
      if (stopPods) await network?.stopSystem();
      else await network?.stop();
      await network?.removeIfUnused().catch(() => false);
      await runtime.close();
      await engine.stop();
    };
    return {
      engine,
      agent,
      runtime,
      api,
      simulated: sim,
      clusterId,
      ...(network ? { network } : {}),
      serviceProxy,
      stop: () => stopAll(false),
      stopCluster: () => stopAll(true),
    };
  } catch (err) {
    await engine.stop();
    throw err;
  }
}

/** The cluster network on Docker; a cluster without it still runs (pods get no Service DNS). */
async function startClusterNetwork(
  engine: Engine,
  runtime: ContainerRuntime,
  clusterId: string,
  opts: ClusterOptions,
): Promise<ClusterNetwork | undefined> {
  if (!(runtime instanceof DockerRuntime)) return undefined;
  const network = new ClusterNetwork(engine, runtime, {
    clusterId,
    dataDir: path.join(opts.dataDir, 'network'),
    ...(opts.networkImage ? { image: opts.networkImage } : {}),
    ...(opts.networkSubnet ? { subnet: opts.networkSubnet } : {}),
  });
  try {
    await network.start();
    return network;
  } catch (err) {
    await network.stop();
    if (opts.networkSubnet) throw err;
    console.error(`cluster network: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}

/** A stable id for this data directory, labelled on every container so we only adopt our own. */
async function ensureClusterId(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'cluster-id');
  try {
    const id = (await fsp.readFile(file, 'utf8')).trim();
    if (/^[0-9a-f]{16}$/.test(id)) return id;
  } catch {
    // first start
  }
  const id = randomBytes(8).toString('hex');
  await writePrivate(file, id + '\n');
  return id;
}
