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

export interface WebMode {
  engine: Engine;
  ui: WebUi;
  bridge: WsBridge;
  stop(): Promise<void>;
}

export async function startWebMode(): Promise<WebMode> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kubedesk-e2e-'));
  const engine = await Engine.start({ dataDir });
  const ui = await startWebUi({ rendererDir: RENDERER_DIR });
  const bridge = attachWsBridge(ui, new BridgeHandler({ engine, version: 'e2e' }));
  return {
    engine,
    ui,
    bridge,
    async stop() {
      bridge.close();
      await ui.close();
      await engine.stop();
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
