// The real kubectl against KubeDesk's HTTPS API. Skipped, with the reason printed, when kubectl is
// not on PATH.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile, spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { serve, type Served } from './harness.js';

const run = promisify(execFile);
const fixtures = path.join(import.meta.dirname, 'fixtures');
const haveKubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
if (!haveKubectl) console.warn('SKIPPED: kubectl compatibility tests — kubectl is not on PATH');

let s: Served;

async function kubectl(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run('kubectl', ['--kubeconfig', s.api.kubeconfigPath, ...args], {
      env: { ...process.env, ...env },
      timeout: 60_000,
    });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; code?: number };
    return { stdout: e.stdout ?? '', stderr: e.stderr ?? '', code: typeof e.code === 'number' ? e.code : 1 };
  }
}

async function ok(args: string[], env?: Record<string, string>): Promise<string> {
  const r = await kubectl(args, env);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

describe.skipIf(!haveKubectl)('kubectl against the HTTPS API', () => {
  beforeAll(async () => {
    s = await serve();
  });
  afterAll(async () => s?.stop());

  it('version and api-resources', async () => {
    expect(await ok(['version', '-o', 'json'])).toContain('"gitVersion": "v1.30.0-kubedesk"');
    const res = await ok(['api-resources']);
    expect(res).toMatch(/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    expect(res).toMatch(/^pods\s+po\s+v1\s+true\s+Pod$/m);
    expect(res).toMatch(/^horizontalpodautoscalers\s+hpa\s+autoscaling\/v2\s+true\s+HorizontalPodAutoscaler$/m);
  });

  it('create namespace, apply a multi-document file twice, and get in every output format', async () => {
    expect(await ok(['create', 'namespace', 'kd'])).toContain('namespace/kd created');
    const first = await ok(['apply', '-n', 'kd', '-f', path.join(fixtures, 'app-v1.yaml')]);
    expect(first).toContain('configmap/app-config created');
    expect(first).toContain('deployment.apps/web created');
    expect(first).toContain('service/web created');
    const second = await ok(['apply', '-n', 'kd', '-f', path.join(fixtures, 'app-v2.yaml')]);
    expect(second).toContain('configmap/app-config configured');
    expect(second).toContain('deployment.apps/web configured');
    expect(second).toContain('service/web unchanged');
    const yaml = await ok(['get', 'deployment', 'web', '-n', 'kd', '-o', 'yaml']);
    expect(yaml).toContain('replicas: 3');
    expect(yaml).toContain('value: two');
    const json = JSON.parse(await ok(['get', 'configmap', 'app-config', '-n', 'kd', '-o', 'json'])) as {
      data: { mode: string };
    };
    expect(json.data.mode).toBe('two');
    const wide = await ok(['get', 'deploy', '-n', 'kd', '-o', 'wide']);
    expect(wide).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$/m);
    expect(wide).toMatch(/^web\s+0\/3\s+0\s+0\s+\S+\s+web\s+nginx:1.25\s+app=web$/m);
    expect((await ok(['get', 'svc,cm', '-n', 'kd', '-o', 'name'])).trim().split('\n')).toEqual(
      expect.arrayContaining(['service/web', 'configmap/app-config']),
    );
    const all = await ok(['get', 'all', '-n', 'kd']);
    expect(all).toContain('deployment.apps/web');
    expect(all).toContain('service/web');
  });

  it('gets with set-based label selectors and field selectors', async () => {
    const sel = await ok(['get', 'cm,svc,deploy', '-n', 'kd', '-l', 'app in (a,b)', '-o', 'name']);
    expect(sel.trim().split('\n').sort()).toEqual(['configmap/app-config', 'deployment.apps/web', 'service/web']);
    const fs = await ok(['get', 'cm', '-n', 'kd', '--field-selector', 'metadata.name=app-config', '-o', 'name']);
    expect(fs.trim()).toBe('configmap/app-config');
  });

  it('label, annotate, describe with events, and edit via KUBE_EDITOR', async () => {
    expect(await ok(['label', 'deployment', 'web', '-n', 'kd', 'team=blue'])).toContain('deployment.apps/web labeled');
    expect(await ok(['annotate', 'deployment', 'web', '-n', 'kd', 'note=hello'])).toContain(
      'deployment.apps/web annotated',
    );
    const d = await s.engine.api.get({ group: 'apps', resource: 'deployments', namespace: 'kd', name: 'web' });
    expect(d.metadata.labels).toMatchObject({ team: 'blue' });
    expect(d.metadata.annotations).toMatchObject({ note: 'hello' });
    await s.engine
      .recorder('deployment-controller')
      .event(d, 'Normal', 'ScalingReplicaSet', 'Scaled up replica set web-abc to 3');
    const described = await ok(['describe', 'deployment', 'web', '-n', 'kd']);
    expect(described).toMatch(/Replicas:\s+3 desired/);
    expect(described).toMatch(
      /Normal\s+ScalingReplicaSet\s+\S+\s+deployment-controller\s+Scaled up replica set web-abc to 3/,
    );
    const editor = `${process.execPath} ${path.join(fixtures, 'editor.mjs')}`;
    expect(await ok(['edit', 'configmap', 'app-config', '-n', 'kd'], { KUBE_EDITOR: editor })).toContain(
      'configmap/app-config edited',
    );
    const cm = await s.engine.api.get({ group: '', resource: 'configmaps', namespace: 'kd', name: 'app-config' });
    expect(cm.metadata.labels).toMatchObject({ edited: 'by-kubectl' });
  });

  it('get -w sees a change', async () => {
    const child = spawn(
      'kubectl',
      ['--kubeconfig', s.api.kubeconfigPath, 'get', 'cm', '-n', 'kd', '-w', '--output-watch-events'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await waitFor(() => out.includes('app-config'));
      await s.engine.api.create(
        { group: '', resource: 'configmaps', namespace: 'kd' },
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'watched' } },
      );
      await waitFor(() => /ADDED\s+watched/.test(out));
    } finally {
      child.kill();
    }
  });

  it('create -f makes objects from a file (with strict server-side validation) and refuses to create twice', async () => {
    const out = await ok(['create', '-n', 'kd', '-f', path.join(fixtures, 'created.yaml')]);
    expect(out).toContain('deployment.apps/created created');
    const again = await kubectl(['create', '-n', 'kd', '-f', path.join(fixtures, 'created.yaml')]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('deployments.apps "created" already exists');
  });

  it('create configmap --from-literal and create secret generic', async () => {
    expect(await ok(['create', 'configmap', 'lit', '-n', 'kd', '--from-literal=a=1', '--from-literal=b=2'])).toContain(
      'configmap/lit created',
    );
    expect(await ok(['create', 'secret', 'generic', 'sec', '-n', 'kd', '--from-literal=password=s3cret'])).toContain(
      'secret/sec created',
    );
    const sec = await s.engine.api.get({ group: '', resource: 'secrets', namespace: 'kd', name: 'sec' });
    expect(sec.data).toEqual({ password: Buffer.from('s3cret').toString('base64') });
    expect((await ok(['get', 'secret', 'sec', '-n', 'kd'])).split('\n')[1]).toMatch(/^sec\s+Opaque\s+1\s+\S+$/);
  });

  it('an invalid manifest prints an error naming the field', async () => {
    const r = await kubectl(['apply', '-n', 'kd', '-f', path.join(fixtures, 'invalid.yaml')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('spec.template.spec.containers[0].image: Required value');
  });

  it('server-side apply records field managers and reports conflicts unless forced', async () => {
    const file = path.join(fixtures, 'app-v1.yaml');
    expect(await ok(['apply', '--server-side', '-n', 'ssa-free', '-f', file]).catch((e: Error) => e.message)).toContain(
      'namespaces "ssa-free" not found',
    );
    await ok(['create', 'namespace', 'ssa']);
    expect(await ok(['apply', '--server-side', '-n', 'ssa', '-f', file])).toContain(
      'deployment.apps/web serverside-applied',
    );
    await ok(['patch', 'deployment', 'web', '-n', 'ssa', '--type', 'merge', '-p', '{"spec":{"replicas":5}}']);
    const conflict = await kubectl(['apply', '--server-side', '-n', 'ssa', '-f', file]);
    expect(conflict.code).not.toBe(0);
    expect(conflict.stderr).toContain('conflict with "kubectl-patch"');
    expect(conflict.stderr).toContain('.spec.replicas');
    expect(await ok(['apply', '--server-side', '--force-conflicts', '-n', 'ssa', '-f', file])).toContain(
      'deployment.apps/web serverside-applied',
    );
    const d = JSON.parse(await ok(['get', 'deployment', 'web', '-n', 'ssa', '-o', 'json'])) as {
      spec: { replicas: number };
    };
    expect(d.spec.replicas).toBe(1);
  });

  it('an unknown field is rejected by server-side strict validation, naming it', async () => {
    const r = await kubectl(['apply', '-n', 'kd', '-f', path.join(fixtures, 'unknown-field.yaml')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('unknown field "spec.replicsa"');
  });

  it('delete -f waits until the objects are gone', async () => {
    const out = await ok(['delete', '-n', 'kd', '-f', path.join(fixtures, 'app-v2.yaml')]);
    expect(out).toContain('deployment.apps "web" deleted');
    const left = await kubectl(['get', 'deployment', 'web', '-n', 'kd']);
    expect(left.code).not.toBe(0);
    expect(left.stderr).toContain('deployments.apps "web" not found');
  });
});

async function waitFor(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
