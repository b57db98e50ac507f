// A served KubeDesk on a temporary data dir and random port, for compatibility tests.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Engine } from '../../src-main/engine/index.js';
import { startApiListener, type ApiListener } from '../../src-main/server/api-listener.js';

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
