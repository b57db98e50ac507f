// A served KubeDesk on a temporary data dir and random port, for compatibility tests.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Engine } from '../../src-main/engine/index.js';
import { startApiListener, type ApiListener } from '../../src-main/server/api-listener.js';
import { startCluster, type Cluster } from '../../src-main/server/cluster.js';
import Dockerode from 'dockerode';
import { PAUSE_IMAGE } from '../fixtures/images.js';
import { removeClusterContainers } from '../fixtures/docker.js';

export interface Served {
  engine: Engine;
  api: ApiListener;
  dataDir: string;
  stop(): Promise<void>;
}

/** `historySize` is small by default so tests can push a version out of the watch window. */
export async function serve(historySize = 200): Promise<Served> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'kubedesk-compat-'));
  const engine = await Engine.start({ dataDir, historySize });
  const api = await startApiListener({ engine, dataDir, port: 0 });
  return {
    engine,
    api,
    dataDir,
    stop: async () => {
      await api.close();
      await engine.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A whole cluster (engine, node agent on the local Docker engine, HTTPS API) on a temp data dir. */
export async function serveCluster(): Promise<{ cluster: Cluster; dataDir: string; stop(): Promise<void> }> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'kubedesk-cluster-'));
  const cluster = await startCluster({
    dataDir,
    apiPort: 0,
    runtime: 'docker',
    sandboxImage: PAUSE_IMAGE,
    ingressPort: 0,
    ingressHttpsPort: 0,
  });
  return {
    cluster,
    dataDir,
    stop: async () => {
      await cluster.stopCluster();
      // The data dir goes away, so nothing will ever adopt these: remove them.
      await removeClusterContainers(new Dockerode(), cluster.clusterId);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A whole cluster on the simulated runtime (no containers) with `extraNodes` simulated nodes. */
export async function serveSimulatedCluster(extraNodes = 0): Promise<{ cluster: Cluster; stop(): Promise<void> }> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'kubedesk-sim-'));
  const cluster = await startCluster({
    dataDir,
    apiPort: 0,
    runtime: 'simulated',
    simulatedNodes: extraNodes,
    ingressPort: 0,
    ingressHttpsPort: 0,
  });
  return {
    cluster,
    stop: async () => {
      await cluster.stopCluster();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
