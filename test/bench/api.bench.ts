// Issue 3 numbers: the HTTPS Kubernetes API with 1,000 pods.
import https from 'node:https';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Engine } from '../../src-main/engine/index.js';
import { startApiListener } from '../../src-main/server/api-listener.js';
import { ensurePki } from '../../src-main/server/pki.js';
import type { KubeObject } from '../../src-main/engine/api/types.js';
import { report, percentile } from './report.js';

const KUBECTL_TABLE_ACCEPT =
  'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

function pod(i: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `pod-${i}`, labels: { app: `app-${i % 10}` } },
    spec: { nodeName: 'kubedesk', containers: [{ name: 'main', image: 'nginx:1.25', ports: [{ containerPort: 80 }] }] },
  };
}

function get(agent: https.Agent, url: string, headers: Record<string, string>): Promise<{ ms: number; bytes: number }> {
  const t = performance.now();
  return new Promise((resolve, reject) => {
    const req = https.get(url, { agent, headers }, (res) => {
      let bytes = 0;
      res.on('data', (d: Buffer) => (bytes += d.length));
      res.on('end', () =>
        res.statusCode === 200
          ? resolve({ ms: performance.now() - t, bytes })
          : reject(new Error(`${url}: ${res.statusCode}`)),
      );
    });
    req.on('error', reject);
  });
}

async function timed(n: number, fn: () => Promise<{ ms: number }>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await fn()).ms);
  return out;
}

export async function benchApi(): Promise<void> {
  console.log('\n## HTTPS Kubernetes API (issue 3), 1,000 pods');
  const dir = await mkdtemp(path.join(tmpdir(), 'kubedesk-bench-api-'));
  try {
    const engine = await Engine.start({ dataDir: dir });
    await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        engine.api.create({ group: '', resource: 'pods', namespace: 'default' }, pod(i)),
      ),
    );
    const api = await startApiListener({ engine, dataDir: dir, port: 0 });
    const agent = new https.Agent({ keepAlive: true, ca: api.caCertPem, maxSockets: 1 });
    const auth = { Authorization: `Bearer ${api.token}` };
    const listUrl = `${api.url}/api/v1/namespaces/default/pods`;

    // Baseline: a bare HTTPS server with the same certificate answering a prebuilt body of the same size.
    const jsonBody = Buffer.from(
      JSON.stringify(await engine.api.list({ group: '', resource: 'pods', namespace: 'default' })),
    );
    const pki = await ensurePki(dir);
    const bare = https.createServer({ cert: pki.certPem, key: pki.keyPem }, (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': jsonBody.length });
      res.end(jsonBody);
    });
    await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
    const bareUrl = `https://127.0.0.1:${(bare.address() as AddressInfo).port}/`;
    const bareAgent = new https.Agent({ keepAlive: true, ca: api.caCertPem, maxSockets: 1 });

    await timed(5, () => get(agent, listUrl, { ...auth, Accept: KUBECTL_TABLE_ACCEPT })); // warm up
    const table = await timed(50, () => get(agent, `${listUrl}?limit=500`, { ...auth, Accept: KUBECTL_TABLE_ACCEPT }));
    const tableAll = await timed(50, () => get(agent, listUrl, { ...auth, Accept: KUBECTL_TABLE_ACCEPT }));
    const json = await timed(50, () => get(agent, listUrl, { ...auth, Accept: 'application/json' }));
    await timed(5, () => get(bareAgent, bareUrl, {}));
    const baseline = await timed(50, () => get(bareAgent, bareUrl, {}));
    report({
      name: '`kubectl get pods` Table of 1,000 pods (one request, no limit), round trip p50',
      value: percentile(tableAll, 50),
      unit: 'ms',
      baseline: {
        name: 'bare HTTPS server sending a prebuilt body of the JSON list size',
        value: percentile(baseline, 50),
      },
      target: { text: '≤ 50 ms', met: percentile(tableAll, 50) <= 50 },
    });
    report({
      name: 'Table of the first 500 pods (kubectl pages with limit=500), round trip p50',
      value: percentile(table, 50),
      unit: 'ms',
    });
    report({
      name: 'list of 1,000 pods as JSON, round trip p50',
      value: percentile(json, 50),
      unit: 'ms',
      baseline: { name: 'bare HTTPS server, same body size', value: percentile(baseline, 50) },
      target: { text: '≤ 30 ms', met: percentile(json, 50) <= 30 },
    });

    // Watch delivery: store write → the event line arrives at a streaming HTTPS client.
    const lat: number[] = [];
    let pending: { t: number; resolve: () => void } | null = null;
    const watchReq = https.get(
      `${api.url}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${engine.store.resourceVersion}`,
      { agent: new https.Agent({ ca: api.caCertPem }), headers: auth },
      (res) => {
        let buf = '';
        res.on('data', (d: Buffer) => {
          buf += d.toString();
          let nl: number;
          while ((nl = buf.indexOf('\n')) >= 0) {
            buf = buf.slice(nl + 1);
            if (pending) {
              lat.push(performance.now() - pending.t);
              pending.resolve();
            }
          }
        });
      },
    );
    await new Promise((r) => setTimeout(r, 200));
    for (let i = 0; i < 300; i++) {
      await new Promise<void>((resolve) => {
        pending = { t: performance.now(), resolve };
        void engine.api.create(
          { group: '', resource: 'configmaps', namespace: 'default' },
          { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `w-${i}` } },
        );
      });
      pending = null;
    }
    watchReq.destroy();
    // Baseline: the same TLS stream, a line written straight from memory.
    const baseLat: number[] = [];
    let baseRes: import('node:http').ServerResponse | null = null;
    const streamSrv = https.createServer({ cert: pki.certPem, key: pki.keyPem }, (_q, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.flushHeaders();
      baseRes = res;
    });
    await new Promise<void>((r) => streamSrv.listen(0, '127.0.0.1', r));
    let basePending: { t: number; resolve: () => void } | null = null;
    const bReq = https.get(
      `https://127.0.0.1:${(streamSrv.address() as AddressInfo).port}/`,
      { agent: new https.Agent({ ca: api.caCertPem }) },
      (res) => {
        res.on('data', () => {
          if (basePending) {
            baseLat.push(performance.now() - basePending.t);
            basePending.resolve();
          }
        });
      },
    );
    while (!baseRes) await new Promise((r) => setTimeout(r, 10));
    for (let i = 0; i < 300; i++) {
      await new Promise<void>((resolve) => {
        basePending = { t: performance.now(), resolve };
        (baseRes as unknown as import('node:http').ServerResponse).write(
          JSON.stringify({ type: 'ADDED', object: { i } }) + '\n',
        );
      });
    }
    bReq.destroy();
    streamSrv.close();
    streamSrv.closeAllConnections();
    report({
      name: 'watch event delivery, durable store write → streaming HTTPS client, p99',
      value: percentile(lat, 99),
      unit: 'ms',
      baseline: { name: 'a line written to an open TLS stream from memory', value: percentile(baseLat, 99) },
      target: { text: '≤ 20 ms', met: percentile(lat, 99) <= 20 },
    });

    agent.destroy();
    bareAgent.destroy();
    bare.close();
    bare.closeAllConnections();
    await api.close();
    await engine.stop();

    // API ready after `serve` starts, 1,000+ objects stored.
    const serveJs = path.resolve('out/main/serve.js');
    if (!existsSync(serveJs)) execFileSync('npm', ['run', 'build'], { stdio: 'ignore' });
    const ready = await timeToReady(
      process.execPath,
      [serveJs, '--data-dir', dir, '--api-port', '0', '--ui-port', '0'],
      dir,
    );
    const baseScript = `const h=require('node:https'),f=require('node:fs');h.createServer({cert:f.readFileSync(process.argv[1]+'/pki/apiserver.crt'),key:f.readFileSync(process.argv[1]+'/pki/apiserver.key')},(q,s)=>s.end('ok')).listen(0,'127.0.0.1',function(){console.log('  Kubernetes API: https://127.0.0.1:'+this.address().port)})`;
    const baseReady = await timeToReady(process.execPath, ['-e', baseScript, dir], dir, false);
    report({
      name: 'API ready after `serve` starts (1,000 pods stored), spawn → first 200 on /readyz',
      value: ready,
      unit: 'ms',
      baseline: { name: 'spawn of a bare Node HTTPS server → first answer', value: baseReady },
      target: { text: '≤ 1,000 ms', met: ready <= 1000 },
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function timeToReady(cmd: string, args: string[], dataDir: string, withToken = true): Promise<number> {
  const t0 = performance.now();
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  try {
    let url: string | undefined;
    while (!url) {
      url = /Kubernetes API: (https:\/\/\S+)/.exec(out)?.[1];
      if (child.exitCode !== null) throw new Error(`exited: ${out}`);
      if (!url) await new Promise((r) => setTimeout(r, 2));
    }
    const ca = await readFile(path.join(dataDir, 'pki/ca.crt'), 'utf8');
    const token = withToken ? (await readFile(path.join(dataDir, 'token'), 'utf8')).trim() : '';
    const agent = new https.Agent({ ca });
    for (;;) {
      try {
        await get(agent, `${url}/readyz`, withToken ? { Authorization: `Bearer ${token}` } : {});
        return performance.now() - t0;
      } catch {
        await new Promise((r) => setTimeout(r, 2));
      }
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}
