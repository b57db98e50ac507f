import { describe, it, expect, afterEach } from 'vitest';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { kubeconfigFor, mergeKubeconfig, writeKubeconfig } from '../../../src-main/server/kubeconfig.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function dir(): Promise<string> {
  const d = await mkdtemp(path.join(tmpdir(), 'kubedesk-kc-'));
  dirs.push(d);
  return d;
}

const existing = `apiVersion: v1
kind: Config
clusters:
- name: prod
  cluster: {server: https://prod.example:6443}
- name: kubedesk
  cluster: {server: https://127.0.0.1:1}
users:
- name: prod-admin
  user: {token: keep-me}
contexts:
- name: prod
  context: {cluster: prod, user: prod-admin}
current-context: prod
preferences: {colors: true}
`;

describe('kubeconfig', () => {
  it('names cluster, user and context kubedesk, embeds the CA and is written 0600', async () => {
    const d = await dir();
    const file = await writeKubeconfig(d, 'https://127.0.0.1:6443', '-----BEGIN CERTIFICATE-----\nX\n', 'tok');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const kc = parse(await readFile(file, 'utf8')) as ReturnType<typeof kubeconfigFor>;
    expect(kc['current-context']).toBe('kubedesk');
    expect(kc.clusters![0]).toEqual({
      name: 'kubedesk',
      cluster: {
        server: 'https://127.0.0.1:6443',
        'certificate-authority-data': Buffer.from('-----BEGIN CERTIFICATE-----\nX\n').toString('base64'),
      },
    });
    expect(kc.users![0]).toEqual({ name: 'kubedesk', user: { token: 'tok' } });
  });

  it('merging into ~/.kube/config replaces only the kubedesk entries and keeps every other one', async () => {
    const d = await dir();
    const ours = await writeKubeconfig(d, 'https://127.0.0.1:6443', 'CA', 'tok');
    const target = path.join(d, 'home', '.kube', 'config');
    await mergeKubeconfig(ours, target); // creates it when missing
    await writeFile(target, existing);
    await mergeKubeconfig(ours, target, false);
    const merged = parse(await readFile(target, 'utf8')) as Record<string, { name: string }[] | unknown>;
    expect(
      (merged.clusters as { name: string; cluster: { server: string } }[]).map((c) => [c.name, c.cluster.server]),
    ).toEqual([
      ['prod', 'https://prod.example:6443'],
      ['kubedesk', 'https://127.0.0.1:6443'],
    ]);
    expect((merged.users as { name: string }[]).map((u) => u.name)).toEqual(['prod-admin', 'kubedesk']);
    expect((merged.contexts as { name: string }[]).map((c) => c.name)).toEqual(['prod', 'kubedesk']);
    expect(merged['current-context']).toBe('prod');
    expect(merged.preferences).toEqual({ colors: true });
    await mergeKubeconfig(ours, target, true);
    expect((parse(await readFile(target, 'utf8')) as { 'current-context': string })['current-context']).toBe(
      'kubedesk',
    );
  });
});
