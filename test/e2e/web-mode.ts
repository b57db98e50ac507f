// Web mode in-process: the engine, the web UI on 127.0.0.1 and the WebSocket bridge — what
// `npm run serve` runs, minus the HTTPS API the browser does not use.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BridgeHandler } from '../../src-main/bridge/handler.js';
import { Engine } from '../../src-main/engine/index.js';
import { startWebUi, type WebUi } from '../../src-main/server/web-ui.js';
import { attachWsBridge, type WsBridge } from '../../src-main/server/ws-bridge.js';
import { RENDERER_DIR } from './global-setup.js';
import { startCluster, type Cluster } from '../../src-main/server/cluster.js';
import { agentLogSource } from '../../src-main/bridge/agent-logs.js';
import { clusterInspectSource } from '../../src-main/bridge/inspect.js';
import { dockerOrSkip, removeClusterContainers } from '../fixtures/docker.js';
import { ensurePauseImage, ensureTestImage, PAUSE_IMAGE } from '../fixtures/images.js';

export interface WebMode {
  engine: Engine;
  /** The whole cluster (node agent on Docker, controllers) when a Docker engine answers. */
  cluster?: Cluster;
  ui: WebUi;
  bridge: WsBridge;
  stop(): Promise<void>;
}

export async function startWebMode(): Promise<WebMode> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kubedesk-e2e-'));
  // With Docker (required in CI) this is the whole cluster `npm run serve` runs; without it, the
  // engine alone (the views still work; pods just stay Pending).
  const docker = await dockerOrSkip();
  let cluster: Cluster | undefined;
  let engine: Engine;
  if (docker) {
    await ensureTestImage(docker);
    await ensurePauseImage(docker);
    cluster = await startCluster({ dataDir, apiPort: 0, runtime: 'docker', sandboxImage: PAUSE_IMAGE });
    engine = cluster.engine;
  } else {
    engine = await Engine.start({ dataDir });
  }
  const ui = await startWebUi({ rendererDir: RENDERER_DIR });
  const bridge = attachWsBridge(
    ui,
    new BridgeHandler({
      engine,
      version: 'e2e',
      logs: cluster ? agentLogSource(cluster.agent.io) : undefined,
      inspect: cluster ? clusterInspectSource(cluster) : undefined,
    }),
  );
  return {
    engine,
    cluster,
    ui,
    bridge,
    async stop() {
      bridge.close();
      await ui.close();
      if (cluster) {
        await cluster.stopCluster();
        await removeClusterContainers(docker!, cluster.clusterId);
      } else {
        await engine.stop();
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const SCREENSHOTS = 'test-results/screenshots';
