// Issue 2 numbers: the store and API server with 10,000 objects.
import { mkdtemp, rm, appendFile, open, readFile, writeFile } from 'node:fs/promises';
import { EventEmitter } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Engine } from '../../src-main/engine/index.js';
import type { KubeObject } from '../../src-main/engine/api/types.js';
import { report, percentile } from './report.js';

const N = 10_000;
const WRITERS = 50;
const podsRef = { group: '', resource: 'pods', namespace: 'default' };

function podManifest(i: number, prefix = 'p'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `${prefix}-${i}`, labels: { app: `app-${i % 10}`, tier: i % 2 ? 'web' : 'db' } },
    spec: {
      containers: [
        {
          name: 'main',
          image: 'nginx:1.25',
          ports: [{ containerPort: 80 }],
          env: [{ name: 'MODE', value: 'bench' }],
          resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } },
          readinessProbe: { httpGet: { path: '/healthz', port: 80 } },
        },
      ],
    },
  };
}

async function tempDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'kubedesk-bench-'));
}

/** Run `total` operations with `concurrency` workers; returns ops/s. */
async function throughput(total: number, concurrency: number, op: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await op(next++);
    }),
  );
  return total / ((performance.now() - t0) / 1000);
}

/** The baseline "store": a Map plus fs.appendFile of each JSON line (no fsync, no validation). */
class MapAppendBaseline {
  map = new Map<string, unknown>();
  emitter = new EventEmitter();
  constructor(readonly file: string) {
    this.emitter.setMaxListeners(100);
  }
  async put(key: string, obj: unknown): Promise<void> {
    this.map.set(key, obj);
    await appendFile(this.file, JSON.stringify(obj) + '\n');
    this.emitter.emit('change', key);
  }
}

export async function benchStore(): Promise<void> {
  console.log('\n## Store and API server (issue 2), 10,000 objects');
  const dir = await tempDir();
  const baseDir = await tempDir();
  try {
    const engine = await Engine.start({ dataDir: dir });
    const baseline = new MapAppendBaseline(path.join(baseDir, 'log.jsonl'));

    // Fill to 10,000 with 50 concurrent writers: this is the throughput figure.
    const rate = await throughput(N, WRITERS, (i) => engine.api.create(podsRef, podManifest(i)));
    const baseRate = await throughput(N, WRITERS, (i) => baseline.put(`p-${i}`, podManifest(i)));
    report({
      name: 'create throughput, 50 concurrent writers, acknowledged = durable (fdatasync)',
      value: rate,
      unit: 'objects/s',
      baseline: { name: 'Map + fs.appendFile, no fsync, no validation', value: baseRate },
      target: { text: '≥ 2,000 objects/s', met: rate >= 2000 },
    });

    // Single create latency with 10,000 objects already stored.
    const lat: number[] = [];
    const baseLat: number[] = [];
    for (let i = 0; i < 500; i++) {
      let t = performance.now();
      await engine.api.create(podsRef, podManifest(i, 'lat'));
      lat.push(performance.now() - t);
      t = performance.now();
      await baseline.put(`lat-${i}`, podManifest(i, 'lat'));
      baseLat.push(performance.now() - t);
    }
    report({
      name: 'single create latency p50',
      value: percentile(lat, 50),
      unit: 'ms',
      baseline: { name: 'Map + appendFile', value: percentile(baseLat, 50) },
      target: { text: '≤ 5 ms', met: percentile(lat, 50) <= 5 },
    });
    report({
      name: 'single create latency p99',
      value: percentile(lat, 99),
      unit: 'ms',
      baseline: { name: 'Map + appendFile', value: percentile(baseLat, 99) },
      target: { text: '≤ 50 ms', met: percentile(lat, 99) <= 50 },
    });

    // Watch delivery to 10 watchers.
    const sinceAck: number[] = [];
    const sinceCall: number[] = [];
    const baseWatch: number[] = [];
    let pending: { start: number; got: number; ackAt?: number; last?: number } | null = null;
    const stops = Array.from({ length: 10 }, () =>
      engine.api.watch(podsRef, { resourceVersion: String(engine.store.resourceVersion) }, (e) => {
        if (pending && e.type === 'ADDED') {
          pending.got++;
          pending.last = performance.now();
        }
      }),
    );
    for (let i = 0; i < 300; i++) {
      pending = { start: performance.now(), got: 0 };
      await engine.api.create(podsRef, podManifest(i, 'watch'));
      pending.ackAt = performance.now();
      while (pending.got < 10) await new Promise((r) => setImmediate(r));
      sinceCall.push(pending.last! - pending.start);
      sinceAck.push(Math.max(0, pending.last! - pending.ackAt));
    }
    for (const s of stops) s.stop();
    let baseGot = 0;
    let baseLast = 0;
    for (let k = 0; k < 10; k++) baseline.emitter.on('change', () => (baseGot++, (baseLast = performance.now())));
    for (let i = 0; i < 300; i++) {
      baseGot = 0;
      const t = performance.now();
      await baseline.put(`watch-${i}`, podManifest(i, 'watch'));
      while (baseGot < 10) await new Promise((r) => setImmediate(r));
      baseWatch.push(baseLast - t);
    }
    report({
      name: 'watch delivery to 10 watchers after acknowledgement, p99',
      value: percentile(sinceAck, 99),
      unit: 'ms',
      target: { text: '≤ 5 ms', met: percentile(sinceAck, 99) <= 5 },
    });
    report({
      name: 'write call → all 10 watchers notified, p99',
      value: percentile(sinceCall, 99),
      unit: 'ms',
      baseline: { name: 'Map + appendFile + EventEmitter', value: percentile(baseWatch, 99) },
    });

    // List 10,000 with a label selector.
    const listTimes: number[] = [];
    const baseList: number[] = [];
    let count = 0;
    for (let i = 0; i < 30; i++) {
      let t = performance.now();
      const l = await engine.api.list(
        { group: '', resource: 'pods' },
        { labelSelector: 'app in (app-3,app-4),tier=web' },
      );
      listTimes.push(performance.now() - t);
      count = l.items.length;
      t = performance.now();
      const b = [...baseline.map.values()].filter((o) => {
        const labels = (o as KubeObject).metadata.labels!;
        return (labels.app === 'app-3' || labels.app === 'app-4') && labels.tier === 'web';
      });
      baseList.push(performance.now() - t);
      void b;
    }
    report({
      name: `list of ${engine.store.list('/pods').length} pods with a label selector (${count} match), p50`,
      value: percentile(listTimes, 50),
      unit: 'ms',
      baseline: { name: 'Array.filter over a Map', value: percentile(baseList, 50) },
      target: { text: '≤ 50 ms', met: percentile(listTimes, 50) <= 50 },
    });

    const stored = engine.store.size;
    await engine.stop();

    // Cold start from the journal only, then from a compacted snapshot.
    let t = performance.now();
    const e2 = await Engine.start({ dataDir: dir });
    const fromJournal = performance.now() - t;
    await e2.store.compact();
    await e2.stop();
    t = performance.now();
    const e3 = await Engine.start({ dataDir: dir });
    const fromSnapshot = performance.now() - t;
    await e3.stop();
    const snapshotText = await readFile(path.join(dir, 'store.json'), 'utf8');
    await writeFile(path.join(baseDir, 'plain.json'), snapshotText);
    t = performance.now();
    JSON.parse(await readFile(path.join(baseDir, 'plain.json'), 'utf8'));
    const baseLoad = performance.now() - t;
    report({
      name: `cold start, ${stored} objects from the journal`,
      value: fromJournal,
      unit: 'ms',
      baseline: { name: 'readFile + JSON.parse of the same objects', value: baseLoad },
      target: { text: '≤ 1,000 ms', met: fromJournal <= 1000 },
    });
    report({
      name: `cold start, ${stored} objects from the lowdb snapshot`,
      value: fromSnapshot,
      unit: 'ms',
      baseline: { name: 'readFile + JSON.parse of the same objects', value: baseLoad },
      target: { text: '≤ 1,000 ms', met: fromSnapshot <= 1000 },
    });
    void open;
  } finally {
    await rm(dir, { recursive: true, force: true });
    await rm(baseDir, { recursive: true, force: true });
  }
}
