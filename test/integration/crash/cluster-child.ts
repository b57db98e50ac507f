// Child process for the recovery test: a whole cluster (engine, node agent on Docker, HTTPS API).
import { startCluster } from '../../../src-main/server/cluster.js';
import { PAUSE_IMAGE } from '../../fixtures/images.js';

const cluster = await startCluster({
  dataDir: process.argv[2],
  apiPort: 0,
  runtime: 'docker',
  sandboxImage: PAUSE_IMAGE,
});
process.stdout.write(`API ${cluster.api.url}\n`);
setInterval(() => undefined, 1 << 30);
