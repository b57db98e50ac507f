// kubectl rollout for DaemonSets and StatefulSets (ControllerRevisions), on a simulated cluster
// with two extra simulated nodes.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile, spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { serveSimulatedCluster } from './harness.js';

const run = promisify(execFile);
const haveKubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
if (!haveKubectl) console.warn('SKIPPED: kubectl DaemonSet/StatefulSet tests — kubectl is not on PATH');

let h: Awaited<ReturnType<typeof serveSimulatedCluster>>;
const kubectl = async (args: string[]) =>
  (await run('kubectl', ['--kubeconfig', h.cluster.api.kubeconfigPath, ...args], { timeout: 60_000 })).stdout;

const manifest = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:
      terminationGracePeriodSeconds: 0
      containers:
      - name: a
        image: agent:v1
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: web
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      terminationGracePeriodSeconds: 0
      containers:
      - name: w
        image: web:v1
`;

describe.skipIf(!haveKubectl)('kubectl rollout for DaemonSets and StatefulSets', () => {
  beforeAll(async () => {
    h = await serveSimulatedCluster(2);
    const file = path.join(tmpdir(), `kubedesk-ds-sts-${process.pid}.yaml`);
    await writeFile(file, manifest);
    await kubectl(['apply', '-f', file]);
  });
  afterAll(async () => h?.stop());

  it('a DaemonSet runs one pod per node, rolls to a new image, and undo brings the old one back', async () => {
    expect(await kubectl(['rollout', 'status', 'ds/agent', '--timeout=30s'])).toContain('successfully rolled out');
    const nodes = (await kubectl(['get', 'pods', '-l', 'app=agent', '-o', 'jsonpath={.items[*].spec.nodeName}']))
      .split(' ')
      .sort();
    expect(nodes).toEqual(['kubedesk', 'sim-1', 'sim-2']);
    await kubectl(['set', 'image', 'ds/agent', 'a=agent:v2']);
    await kubectl(['rollout', 'status', 'ds/agent', '--timeout=30s']);
    const history = (await kubectl(['rollout', 'history', 'ds/agent'])).trim().split('\n').slice(2);
    expect(history.map((l) => l.trim().split(/\s+/)[0])).toEqual(['1', '2']);
    expect(await kubectl(['rollout', 'undo', 'ds/agent'])).toContain('rolled back');
    await kubectl(['rollout', 'status', 'ds/agent', '--timeout=30s']);
    expect(await kubectl(['get', 'ds', 'agent', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'])).toBe(
      'agent:v1',
    );
    const images = (
      await kubectl(['get', 'pods', '-l', 'app=agent', '-o', 'jsonpath={.items[*].spec.containers[0].image}'])
    ).split(' ');
    expect(images).toEqual(['agent:v1', 'agent:v1', 'agent:v1']);
  });

  it('a StatefulSet has ordinal pods, rolls, and undo brings the old image back', async () => {
    expect(await kubectl(['rollout', 'status', 'sts/web', '--timeout=30s'])).toContain('2 new pods have been updated');
    expect((await kubectl(['get', 'pods', '-l', 'app=web', '-o', 'name'])).trim().split('\n')).toEqual([
      'pod/web-0',
      'pod/web-1',
    ]);
    await kubectl(['set', 'image', 'sts/web', 'w=web:v2']);
    await kubectl(['rollout', 'status', 'sts/web', '--timeout=30s']);
    expect(await kubectl(['rollout', 'undo', 'sts/web'])).toContain('rolled back');
    await kubectl(['rollout', 'status', 'sts/web', '--timeout=30s']);
    expect(await kubectl(['get', 'sts', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'])).toBe(
      'web:v1',
    );
  });
});
