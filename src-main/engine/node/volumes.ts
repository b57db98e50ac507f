// Pod volumes (pkg/kubelet/volumemanager, reduced to what a one-node desktop cluster needs):
// emptyDir (a host directory under the data dir, or tmpfs for medium Memory), hostPath,
// configMap / secret / downwardAPI / projected (files written atomically and rewritten in place
// when the source changes, as the kubelet's periodic remount does), and persistentVolumeClaim as
// a named runtime volume `kubedesk-pvc-<namespace>-<claim>` that outlives the pod.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Container, DownwardAPIVolumeFile, KeyToPath, Pod, Volume } from 'kubernetes-types/core/v1';
import type { ContainerRuntime, Mount } from '../runtime/types.js';
import { LABEL_CLUSTER, LABEL_POD_NAMESPACE } from '../runtime/types.js';
import { parseQuantity } from '../api/quantity.js';
import { ConfigSource, fieldValue, resourceValue } from './container-env.js';
import { writeAtomically, type ProjectedFile } from './atomic-writer.js';

/** A volume that cannot be set up yet (FailedMount); the pod stays ContainerCreating. */
export class VolumeSetupError extends Error {
  constructor(
    readonly volume: string,
    message: string,
  ) {
    super(`MountVolume.SetUp failed for volume "${volume}" : ${message}`);
    this.name = 'VolumeSetupError';
  }
}

type Source = Mount['source'];

export function pvcVolumeName(namespace: string, claim: string): string {
  return `kubedesk-pvc-${namespace}-${claim}`;
}

export class VolumeManager {
  #dataDir: string;
  #runtime: ContainerRuntime;
  #clusterId: string;

  constructor(dataDir: string, runtime: ContainerRuntime, clusterId: string) {
    this.#dataDir = dataDir;
    this.#runtime = runtime;
    this.#clusterId = clusterId;
  }

  podDir(uid: string): string {
    return path.join(this.#dataDir, 'pods', uid);
  }

  /** Set up (or refresh) every volume of the pod; returns each volume's mount source. */
  async setUp(pod: Pod, src: ConfigSource, podIP: string | undefined, now: number): Promise<Map<string, Source>> {
    const out = new Map<string, Source>();
    const uid = pod.metadata!.uid!;
    for (const v of pod.spec?.volumes ?? []) {
      out.set(v.name, await this.#setUpOne(pod, uid, v, src, podIP, now));
    }
    return out;
  }

  async #setUpOne(
    pod: Pod,
    uid: string,
    v: Volume,
    src: ConfigSource,
    podIP: string | undefined,
    now: number,
  ): Promise<Source> {
    const dir = (plugin: string) => path.join(this.podDir(uid), 'volumes', plugin, v.name);
    if (v.hostPath) {
      const p = v.hostPath.path;
      if (v.hostPath.type === 'DirectoryOrCreate') await fsp.mkdir(p, { recursive: true, mode: 0o755 });
      if (v.hostPath.type === 'FileOrCreate') {
        await fsp.mkdir(path.dirname(p), { recursive: true });
        await (await fsp.open(p, 'a')).close();
      }
      if (v.hostPath.type === 'Directory' || v.hostPath.type === 'File') {
        const st = await fsp.stat(p).catch(() => null);
        const want = v.hostPath.type === 'Directory' ? st?.isDirectory() : st?.isFile();
        if (!want)
          throw new VolumeSetupError(
            v.name,
            `hostPath type check failed: ${p} is not a ${v.hostPath.type.toLowerCase()}`,
          );
      }
      return { type: 'bind', hostPath: p };
    }
    if (v.persistentVolumeClaim) {
      const name = pvcVolumeName(pod.metadata!.namespace!, v.persistentVolumeClaim.claimName);
      await this.#runtime.ensureVolume(name, {
        [LABEL_CLUSTER]: this.#clusterId,
        [LABEL_POD_NAMESPACE]: pod.metadata!.namespace!,
        'io.kubedesk.pvc': v.persistentVolumeClaim.claimName,
      });
      return { type: 'volume', name };
    }
    if (v.configMap || v.secret) {
      const kind = v.configMap ? 'ConfigMap' : 'Secret';
      const ref = v.configMap ?? v.secret!;
      const name = (v.configMap ? v.configMap.name : v.secret!.secretName) ?? '';
      const data = await src.data(kind, name);
      if (!data && !ref.optional) throw new VolumeSetupError(v.name, ConfigSource.notFound(kind, name));
      const files = keyFiles(
        v.name,
        kind,
        src.namespace,
        name,
        data ?? {},
        ref.items,
        ref.defaultMode ?? 0o644,
        ref.optional,
      );
      const d = dir(v.configMap ? 'kubernetes.io~configmap' : 'kubernetes.io~secret');
      await writeAtomically(d, files, now);
      return { type: 'bind', hostPath: d };
    }
    if (v.downwardAPI) {
      const files = downwardFiles(pod, v.downwardAPI.items ?? [], v.downwardAPI.defaultMode ?? 0o644, podIP);
      const d = dir('kubernetes.io~downward-api');
      await writeAtomically(d, files, now);
      return { type: 'bind', hostPath: d };
    }
    if (v.projected) {
      const files: ProjectedFile[] = [];
      const mode = v.projected.defaultMode ?? 0o644;
      for (const s of v.projected.sources ?? []) {
        if (s.configMap || s.secret) {
          const kind = s.configMap ? 'ConfigMap' : 'Secret';
          const ref = (s.configMap ?? s.secret)!;
          const data = await src.data(kind, ref.name ?? '');
          if (!data && !ref.optional) throw new VolumeSetupError(v.name, ConfigSource.notFound(kind, ref.name ?? ''));
          files.push(
            ...keyFiles(v.name, kind, src.namespace, ref.name ?? '', data ?? {}, ref.items, mode, ref.optional),
          );
        } else if (s.downwardAPI) {
          files.push(...downwardFiles(pod, s.downwardAPI.items ?? [], mode, podIP));
        }
        // serviceAccountToken and clusterTrustBundle need the token controller; not projected yet.
      }
      const d = dir('kubernetes.io~projected');
      await writeAtomically(d, files, now);
      return { type: 'bind', hostPath: d };
    }
    if (v.emptyDir) {
      if (v.emptyDir.medium === 'Memory') {
        const size = v.emptyDir.sizeLimit !== undefined ? parseQuantity(v.emptyDir.sizeLimit)?.value : undefined;
        return { type: 'tmpfs', ...(size ? { sizeBytes: size } : {}) };
      }
      const d = dir('kubernetes.io~empty-dir');
      await fsp.mkdir(d, { recursive: true, mode: 0o777 });
      await fsp.chmod(d, 0o777);
      return { type: 'bind', hostPath: d };
    }
    throw new VolumeSetupError(v.name, 'this volume type is not supported by KubeDesk');
  }

  /** The container's mounts, from its volumeMounts (subPath resolved for host directories). */
  mountsFor(c: Container, sources: Map<string, Source>): Mount[] {
    const mounts: Mount[] = [];
    for (const vm of c.volumeMounts ?? []) {
      const s = sources.get(vm.name);
      if (!s) continue;
      let source = s;
      if (vm.subPath && s.type === 'bind') source = { type: 'bind', hostPath: path.join(s.hostPath, vm.subPath) };
      mounts.push({ containerPath: vm.mountPath, readOnly: vm.readOnly ?? false, source });
    }
    return mounts;
  }

  /** Create subPath directories that do not exist yet (the kubelet creates them too). */
  async prepareSubPaths(c: Container, sources: Map<string, Source>): Promise<void> {
    for (const vm of c.volumeMounts ?? []) {
      const s = sources.get(vm.name);
      if (vm.subPath && s?.type === 'bind') {
        const p = path.join(s.hostPath, vm.subPath);
        if (!(await fsp.stat(p).catch(() => null))) await fsp.mkdir(p, { recursive: true, mode: 0o777 });
      }
    }
  }

  /** Remove the pod's volume directories (never PVC-backed volumes, which outlive pods). */
  async tearDown(uid: string): Promise<void> {
    await fsp.rm(this.podDir(uid), { recursive: true, force: true });
  }
}

function keyFiles(
  volume: string,
  kind: 'ConfigMap' | 'Secret',
  namespace: string,
  name: string,
  data: Record<string, Buffer>,
  items: KeyToPath[] | undefined,
  defaultMode: number,
  optional: boolean | undefined,
): ProjectedFile[] {
  if (!items || items.length === 0) {
    return Object.keys(data)
      .sort()
      .map((k) => ({ path: k, data: data[k], mode: defaultMode }));
  }
  const files: ProjectedFile[] = [];
  for (const it of items) {
    if (!(it.key in data)) {
      if (optional) continue;
      throw new VolumeSetupError(
        volume,
        `configmap references non-existent config key: ${it.key}`.replace(
          'configmap',
          kind === 'ConfigMap' ? 'configmap' : 'secret',
        ) + ` (${namespace}/${name})`,
      );
    }
    files.push({ path: it.path, data: data[it.key], mode: it.mode ?? defaultMode });
  }
  return files;
}

function downwardFiles(
  pod: Pod,
  items: DownwardAPIVolumeFile[],
  defaultMode: number,
  podIP: string | undefined,
): ProjectedFile[] {
  return items.map((it) => {
    let value = '';
    if (it.fieldRef) value = fieldValue(pod, it.fieldRef, podIP);
    else if (it.resourceFieldRef) {
      const c =
        pod.spec?.containers.find((x) => x.name === it.resourceFieldRef!.containerName) ?? pod.spec!.containers[0];
      value = resourceValue(pod, c, it.resourceFieldRef);
    }
    return { path: it.path, data: Buffer.from(value), mode: it.mode ?? defaultMode };
  });
}
