import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Engine } from '../../../src-main/engine/index.js';
import type { KubeObject } from '../../../src-main/engine/api/types.js';

let dir: string;
let engine: Engine;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'kubedesk-get-copy-'));
  engine = await Engine.start({ dataDir: dir });
});
afterEach(async () => {
  await engine.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('get returns a copy', () => {
  const ref = { group: 'apps', resource: 'deployments', namespace: 'default', name: 'web' };
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'a:1' }] } },
    },
  } as KubeObject;

  it('editing what get returned changes nothing stored, and updating with it bumps the generation', async () => {
    await engine.api.create({ ...ref, name: undefined }, deployment);
    const got = (await engine.api.get(ref)) as KubeObject & {
      spec: { template: { spec: { containers: { image: string }[] } } };
    };
    got.spec.template.spec.containers[0].image = 'a:2';
    const stored = (await engine.api.get(ref)) as typeof got;
    expect(stored.spec.template.spec.containers[0].image).toBe('a:1');
    const updated = await engine.api.update(ref, got);
    expect(updated.metadata.generation).toBe(2);
  });

  it('a scale subresource read is a copy too', async () => {
    await engine.api.create({ ...ref, name: undefined }, deployment);
    const scale = (await engine.api.get({ ...ref, subresource: 'scale' })) as KubeObject & {
      spec: { replicas: number };
    };
    scale.spec.replicas = 7;
    const again = (await engine.api.get({ ...ref, subresource: 'scale' })) as typeof scale;
    expect(again.spec.replicas).toBe(1);
  });
});
