// `npm run bench`: every benchmark, each figure beside a baseline from the same run.
import { benchStore } from './store.bench.js';
import { benchApi } from './api.bench.js';
import { benchNode } from './node.bench.js';
import { benchControllers } from './controllers.bench.js';
import { benchRollout } from './rollout.bench.js';
import { benchUi } from './ui.bench.js';
import { benchLogsView } from './logs-view.bench.js';
import { benchStartup } from './startup.bench.js';
import { benchNetwork } from './network.bench.js';
import { benchWorkloads } from './workloads.bench.js';
import { summary } from './report.js';

const only = process.argv[2];
console.log(`KubeDesk benchmarks — node ${process.version}, ${new Date().toISOString()}`);
if (!only || only === 'store') await benchStore();
if (!only || only === 'api') await benchApi();
if (!only || only === 'node') await benchNode();
if (!only || only === 'controllers') await benchControllers();
if (!only || only === 'rollout') await benchRollout();
if (!only || only === 'ui') await benchUi();
if (!only || only === 'logs') await benchLogsView();
if (!only || only === 'startup') await benchStartup();
if (!only || only === 'network') await benchNetwork();
if (!only || only === 'workloads') await benchWorkloads();
summary();
