// Headless entry (`npm run serve`): the engine under plain Node, no Electron anywhere in this graph
// (the build fails if one creeps in). The HTTPS API and web UI hosting attach here later.
import { parseServeArgs, SERVE_USAGE } from './serve-args.js';
import { startCluster, type Cluster } from './cluster.js';
import { mergeKubeconfig } from './kubeconfig.js';
import { startWebUi, type WebUi } from './web-ui.js';
import { attachWsBridge } from './ws-bridge.js';
import { BridgeHandler } from '../bridge/handler.js';
import { clusterInspectSource } from '../bridge/inspect.js';
import { agentLogSource } from '../bridge/agent-logs.js';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import path from 'node:path';

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The built renderer: next to the built main (out/main → out/renderer), or out/renderer from source. */
function rendererDir(): string {
  const candidates = [new URL('../renderer/', import.meta.url), new URL('../../out/renderer/', import.meta.url)];
  const found = candidates.map((u) => fileURLToPath(u)).find((d) => existsSync(path.join(d, 'index.html')));
  return found ?? fileURLToPath(candidates[0]);
}

async function main(): Promise<void> {
  const command = parseServeArgs(process.argv.slice(2));
  if (command.kind === 'help') {
    console.log(SERVE_USAGE);
    return;
  }
  if (command.kind === 'usage-error') {
    console.error(`kubedesk serve: ${command.message}\n\n${SERVE_USAGE}`);
    process.exit(2);
  }

  const started = performance.now();
  let cluster: Cluster;
  try {
    cluster = await startCluster({
      dataDir: command.dataDir,
      apiPort: command.apiPort,
      host: command.host,
      runtime: command.runtime,
      sandboxImage: command.sandboxImage,
      ...(command.networkImage ? { networkImage: command.networkImage } : {}),
      ...(command.networkSubnet ? { networkSubnet: command.networkSubnet } : {}),
      simulatedNodes: command.simulatedNodes,
    });
  } catch (error) {
    console.error(`kubedesk serve: the cluster could not start with data dir ${command.dataDir}: ${describe(error)}`);
    process.exit(1);
  }
  const { engine, api } = cluster;
  let ui: WebUi;
  try {
    ui = await startWebUi({
      rendererDir: rendererDir(),
      host: command.host,
      port: command.uiPort,
    });
  } catch (error) {
    await cluster.stop();
    console.error(
      `kubedesk serve: the web UI could not listen on ${command.host}:${command.uiPort ?? 0}: ${describe(error)}`,
    );
    process.exit(1);
  }
  const bridge = attachWsBridge(
    ui,
    new BridgeHandler({
      engine,
      version: process.env['npm_package_version'] ?? 'dev',
      logs: agentLogSource(cluster.agent.io),
      inspect: clusterInspectSource(cluster),
    }),
  );
  const elapsed = Math.round(performance.now() - started);
  if (command.insecureExpose) {
    console.warn(
      `WARNING: the API listens on ${command.host}, reachable from other machines. Anyone with the token in ${command.dataDir}/token controls this cluster.`,
    );
  }
  for (const w of engine.store.warnings) console.warn(`WARNING: ${w}`);
  console.log(
    `KubeDesk engine ready (data dir: ${command.dataDir}, ${engine.store.size} objects, started in ${elapsed} ms)`,
  );
  console.log(`  Kubernetes API: ${api.url}`);
  console.log(`  Web UI:         ${ui.loginUrl()}   (one-time login link)`);
  console.log(`  kubeconfig:     ${api.kubeconfigPath}`);
  console.log(`  try:            kubectl --kubeconfig ${api.kubeconfigPath} get all -A`);
  if (command.mergeKubeconfig) {
    const target = await mergeKubeconfig(api.kubeconfigPath);
    console.log(`  merged the kubedesk context into ${target} (now the current context)`);
  }

  // The first signal stops the engine cleanly (store flushed, watches closed); a second one while
  // that is under way means the user is done waiting.
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      console.error(`kubedesk serve: ${signal} again, exiting without waiting for the engine`);
      process.exit(130);
    }
    stopping = true;
    console.log(`kubedesk serve: ${signal} received, stopping the engine…`);
    bridge.close();
    void ui.close();
    (command.stopPodsOnExit ? cluster.stopCluster() : cluster.stop()).then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`kubedesk serve: the engine did not stop cleanly: ${describe(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

void main();
