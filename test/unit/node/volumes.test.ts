import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { harness, pod, containerState, type Harness } from './helpers.js';

let h: Harness;
afterEach(async () => h?.close());

describe('volumes', () => {
  it('projects configMap, secret and downwardAPI files, updates them in place, and backs PVCs with named volumes', async () => {
    h = await harness();
    const cm = { group: '', resource: 'configmaps', namespace: 'default', name: 'site' };
    await h.engine.api.create(cm, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'site' },
      data: { 'index.html': 'v1', other: 'x' },
    });
    await h.engine.api.create(
      { group: '', resource: 'secrets', namespace: 'default' },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'tls' },
        data: { key: Buffer.from('s3cret').toString('base64') },
      },
    );
    const created = await h.createPod(
      pod(
        'vols',
        [
          {
            name: 'web',
            image: 'app:1',
            volumeMounts: [
              { name: 'site', mountPath: '/www' },
              { name: 'tls', mountPath: '/tls', readOnly: true },
              { name: 'info', mountPath: '/info' },
              { name: 'data', mountPath: '/data' },
              { name: 'cache', mountPath: '/cache' },
            ],
          },
        ],
        {
          volumes: [
            { name: 'site', configMap: { name: 'site', items: [{ key: 'index.html', path: 'html/index.html' }] } },
            { name: 'tls', secret: { secretName: 'tls', defaultMode: 0o400 } },
            { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
            { name: 'data', persistentVolumeClaim: { claimName: 'db' } },
            { name: 'cache', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
          ],
        },
        { labels: { app: 'vols' } },
      ),
    );
    const uid = created.metadata.uid!;
    const vol = (plugin: string, name: string) => path.join(h.dataDir, 'pods', uid, 'volumes', plugin, name);
    expect(readFileSync(path.join(vol('kubernetes.io~configmap', 'site'), 'html/index.html'), 'utf8')).toBe('v1');
    const key = path.join(vol('kubernetes.io~secret', 'tls'), 'key');
    expect(readFileSync(key, 'utf8')).toBe('s3cret');
    expect(statSync(key).mode & 0o777).toBe(0o400);
    expect(readFileSync(path.join(vol('kubernetes.io~downward-api', 'info'), 'labels'), 'utf8')).toBe('app="vols"');
    const [c] = await h.runtime.listContainers({ 'io.kubernetes.pod.uid': uid });
    const mounts = h.createdSpecs.get(c.id)!.mounts;
    expect(mounts.find((m) => m.containerPath === '/data')!.source).toEqual({
      type: 'volume',
      name: 'kubedesk-pvc-default-db',
    });
    expect(mounts.find((m) => m.containerPath === '/cache')!.source).toEqual({
      type: 'tmpfs',
      sizeBytes: 64 * 1024 * 1024,
    });
    expect(mounts.find((m) => m.containerPath === '/tls')!.readOnly).toBe(true);
    expect(h.runtime.volumes).toContain('kubedesk-pvc-default-db');

    await h.engine.api.patch(cm, 'merge', { data: { 'index.html': 'v2' } });
    await h.settle();
    expect(readFileSync(path.join(vol('kubernetes.io~configmap', 'site'), 'html/index.html'), 'utf8')).toBe('v2');
    // Updated in place: the container was not restarted.
    expect(containerState(await h.status('vols'), 'web')!.restartCount).toBe(0);
  });

  it('a missing configMap volume keeps the pod ContainerCreating with a FailedMount event', async () => {
    h = await harness();
    await h.createPod(
      pod('nomount', [{ name: 'web', image: 'app:1', volumeMounts: [{ name: 'cfg', mountPath: '/cfg' }] }], {
        volumes: [{ name: 'cfg', configMap: { name: 'absent' } }],
      }),
    );
    expect(containerState(await h.status('nomount'), 'web')!.state?.waiting?.reason).toBe('ContainerCreating');
    expect((await h.events('nomount')).map((e) => e.message)).toContain(
      'MountVolume.SetUp failed for volume "cfg" : configmap "absent" not found',
    );
  });
});
