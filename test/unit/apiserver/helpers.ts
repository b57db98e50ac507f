import { Engine } from '../../../src-main/engine/index.js';
import { FakeClock } from '../../../src-main/engine/clock.js';
import type { KubeObject } from '../../../src-main/engine/api/types.js';
import { StatusError } from '../../../src-main/engine/api/errors.js';

export async function testEngine(): Promise<{ engine: Engine; clock: FakeClock }> {
  const clock = new FakeClock();
  const engine = await Engine.start({ clock });
  return { engine, clock };
}

export const cmRef = (namespace = 'default', name?: string) => ({ group: '', resource: 'configmaps', namespace, name });
export const deployRef = (namespace = 'default', name?: string, subresource?: string) => ({
  group: 'apps',
  resource: 'deployments',
  namespace,
  name,
  subresource,
});
export const podRef = (namespace = 'default', name?: string, subresource?: string) => ({
  group: '',
  resource: 'pods',
  namespace,
  name,
  subresource,
});

export function deployment(
  name: string,
  extra: Partial<{ replicas: number; image: string; labels: Record<string, string> }> = {},
): KubeObject {
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: extra.labels },
    spec: {
      replicas: extra.replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'main', image: extra.image ?? 'nginx:1.25' }] } },
    },
  };
}

export function pod(
  name: string,
  extra: { nodeName?: string; labels?: Record<string, string>; ownerReferences?: unknown[] } = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: extra.labels, ownerReferences: extra.ownerReferences as never },
    spec: { nodeName: extra.nodeName, containers: [{ name: 'main', image: 'busybox:1.36' }] },
  };
}

export function configMap(
  name: string,
  data: Record<string, string> = {},
  labels?: Record<string, string>,
): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data };
}

/** The StatusError a promise rejects with. */
export async function statusOf(p: Promise<unknown>): Promise<StatusError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}
