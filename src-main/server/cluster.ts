// One running cluster: the engine, its node agent on a container runtime, and the HTTPS API.
// `npm run serve` and the desktop app both start it through here, so they behave the same.
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { Engine } from '../engine/index.js';
import { NodeAgent } from '../engine/node/index.js';
import { createRuntime, type ContainerRuntime } from '../engine/runtime/index.js';
import { startApiListener, type ApiListener } from './api-listener.js';
import { podIOHandlers } from './api/pod-io-http.js';
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
}

export interface Cluster {
  engine: Engine;
  agent: NodeAgent;
  runtime: ContainerRuntime;
  api: ApiListener;
  clusterId: string;
  /** Stop the control plane; pods keep running (the next start adopts them). */
  stop(): Promise<void>;
  /** Stop every pod's containers, then the control plane. */
  stopCluster(): Promise<void>;
}

export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const engine = await Engine.start({ dataDir: opts.dataDir, controllers: {} });
  try {
    const clusterId = await ensureClusterId(opts.dataDir);
    const runtime = createRuntime(opts.runtime ?? 'docker', { cluster: clusterId } as never);
    const agent = new NodeAgent(engine, runtime, {
      nodeName: opts.nodeName,
      clusterId,
      dataDir: opts.dataDir,
      sandboxImage: opts.sandboxImage,
    });
    // The agent starts even when Docker is down: the node is NotReady and says how to start it.
    await agent.start();
    const api = await startApiListener({
      engine,
      dataDir: opts.dataDir,
      port: opts.apiPort,
      host: opts.host,
      podIO: podIOHandlers(agent.io),
      nodeRead: agent.io,
    });
    const stopAll = async (stopPods: boolean) => {
      await api.close();
      if (stopPods) await agent.stopCluster();
      else await agent.stop();
      await runtime.close();
      await engine.stop();
    };
    return {
      engine,
      agent,
      runtime,
      api,
      clusterId,
      stop: () => stopAll(false),
      stopCluster: () => stopAll(true),
    };
  } catch (err) {
    await engine.stop();
    throw err;
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
