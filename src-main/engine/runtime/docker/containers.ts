// App and init containers: a ContainerSpec becomes a Docker create request, and Docker's inspect
// output becomes a ContainerStatus. Containers join their sandbox's network and IPC namespaces,
// so every container of a pod shares localhost, as in Kubernetes.
import { randomBytes } from 'node:crypto';
import type Dockerode from 'dockerode';
import {
  ImageNotFoundError,
  LABEL_ATTEMPT,
  LABEL_CONTAINER_NAME,
  LABEL_POD_NAME,
  LABEL_POD_NAMESPACE,
  LABEL_POD_UID,
  LABEL_ROLE,
  type ContainerSpec,
  type ContainerState,
  type ContainerStatus,
  type Mount,
} from '../types.js';
import { call, isNotFound, messageOf, parseDockerTime, statusOf, translate } from './client.js';

/** Label on app containers naming the sandbox whose namespaces they share. */
export const LABEL_SANDBOX_ID = 'io.kubedesk.sandbox';

/** dockershim's naming scheme (`k8s_<container>_<pod>_<namespace>_<uid>_<attempt>`), for humans. */
export function containerName(container: string, labels: Record<string, string>): string | undefined {
  const pod = labels[LABEL_POD_NAME];
  const namespace = labels[LABEL_POD_NAMESPACE];
  const uid = labels[LABEL_POD_UID];
  if (!pod || !namespace || !uid) return undefined;
  const name = `k8s_${container}_${pod}_${namespace}_${uid}_${labels[LABEL_ATTEMPT] ?? '0'}`;
  return /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(name) ? name : undefined;
}

/**
 * Creates a container under its dockershim name; if a leftover holds that name (a crash between
 * create and record), the new one gets a random suffix rather than failing.
 */
export async function createNamed(
  docker: Dockerode,
  endpoint: string,
  options: Dockerode.ContainerCreateOptions,
): Promise<Dockerode.Container> {
  try {
    return await docker.createContainer(options);
  } catch (error) {
    if (statusOf(error) === 409 && options.name) {
      const name = `${options.name}_${randomBytes(3).toString('hex')}`;
      return call(endpoint, () => docker.createContainer({ ...options, name }));
    }
    if (isNotFound(error) && /image/i.test(messageOf(error))) {
      throw new ImageNotFoundError(
        String(options.Image),
        `Image "${String(options.Image)}" is not present on the node; pull it first (${messageOf(error)}).`,
      );
    }
    translate(endpoint, error);
  }
}

function toDockerMount(mount: Mount): Dockerode.MountSettings {
  const base = { Target: mount.containerPath, ReadOnly: mount.readOnly ?? false };
  switch (mount.source.type) {
    case 'bind':
      return { ...base, Type: 'bind', Source: mount.source.hostPath };
    case 'volume':
      return { ...base, Type: 'volume', Source: mount.source.name };
    case 'tmpfs':
      return {
        ...base,
        Type: 'tmpfs',
        Source: '',
        // Mode as an emptyDir gets (world-writable, sticky); SizeBytes 0 = Docker's default.
        TmpfsOptions: { SizeBytes: mount.source.sizeBytes ?? 0, Mode: 0o1777 },
      };
  }
}

/**
 * Kubernetes `command` replaces the image's ENTRYPOINT and `args` its CMD; `args` alone keeps the
 * ENTRYPOINT; `command` alone drops the image's CMD (Docker does so when Entrypoint is given).
 * https://kubernetes.io/docs/tasks/inject-data-application/define-command-argument-container/#notes
 */
export function entrypointAndCmd(spec: Pick<ContainerSpec, 'command' | 'args'>): {
  Entrypoint?: string[];
  Cmd?: string[];
} {
  const result: { Entrypoint?: string[]; Cmd?: string[] } = {};
  if (spec.command && spec.command.length > 0) {
    result.Entrypoint = [...spec.command];
    result.Cmd = spec.args ? [...spec.args] : [];
  } else if (spec.args && spec.args.length > 0) {
    result.Cmd = [...spec.args];
  }
  return result;
}

/** The kubelet's CPU shares for a request: milliCPU × 1024 / 1000, at least 2. */
function cpuShares(cores: number): number {
  return Math.max(2, Math.round(cores * 1024));
}

export function createOptions(
  sandboxId: string,
  sandboxLabels: Record<string, string>,
  spec: ContainerSpec,
): Dockerode.ContainerCreateOptions {
  const labels: Record<string, string> = {
    ...pick(sandboxLabels, [LABEL_POD_NAME, LABEL_POD_NAMESPACE, LABEL_POD_UID]),
    [LABEL_ROLE]: 'app',
    ...spec.labels,
    [LABEL_CONTAINER_NAME]: spec.name,
    [LABEL_SANDBOX_ID]: sandboxId,
  };
  const hostConfig: Dockerode.HostConfig = {
    NetworkMode: `container:${sandboxId}`,
    IpcMode: `container:${sandboxId}`,
    Mounts: spec.mounts.map(toDockerMount),
  };
  if (spec.cpuLimit) hostConfig.NanoCpus = Math.round(spec.cpuLimit * 1e9);
  if (spec.cpuRequest) hostConfig.CpuShares = cpuShares(spec.cpuRequest);
  if (spec.memoryLimitBytes) {
    hostConfig.Memory = spec.memoryLimitBytes;
    // No swap beyond the limit, so exceeding it is an OOM kill as on a Kubernetes node.
    hostConfig.MemorySwap = spec.memoryLimitBytes;
  }
  return {
    name: containerName(spec.name, labels),
    Image: spec.image,
    ...entrypointAndCmd(spec),
    Env: spec.env.map(({ name, value }) => `${name}=${value}`),
    WorkingDir: spec.workingDir,
    User: spec.user,
    Tty: spec.tty ?? false,
    OpenStdin: spec.stdin ?? false,
    StdinOnce: spec.stdinOnce ?? false,
    AttachStdin: false,
    Labels: labels,
    HostConfig: hostConfig,
  };
}

function pick(labels: Record<string, string>, keys: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of keys) if (labels[key] !== undefined) out[key] = labels[key];
  return out;
}

function stateOf(status: string | undefined): ContainerState {
  switch (status) {
    case 'created':
      return 'created';
    case 'running':
    case 'paused':
    case 'restarting':
      return 'running';
    case 'exited':
    case 'dead':
      return 'exited';
    default:
      return 'unknown';
  }
}

export function toContainerStatus(info: Dockerode.ContainerInspectInfo): ContainerStatus {
  const labels = info.Config.Labels ?? {};
  const state = stateOf(info.State.Status);
  const status: ContainerStatus = {
    id: info.Id,
    name: labels[LABEL_CONTAINER_NAME] ?? info.Name.replace(/^\//, ''),
    image: info.Config.Image,
    imageId: info.Image,
    state,
    createdAt: parseDockerTime(info.Created) ?? 0,
    startedAt: parseDockerTime(info.State.StartedAt),
    finishedAt: parseDockerTime(info.State.FinishedAt),
    labels,
  };
  if (state === 'exited') status.exitCode = info.State.ExitCode;
  if (info.State.OOMKilled) status.oomKilled = true;
  if (info.State.Error) status.error = info.State.Error;
  return status;
}

export async function inspectOrNull(
  docker: Dockerode,
  endpoint: string,
  id: string,
): Promise<Dockerode.ContainerInspectInfo | null> {
  try {
    return await docker.getContainer(id).inspect();
  } catch (error) {
    if (isNotFound(error)) return null;
    translate(endpoint, error);
  }
}

/** `docker stop -t`: SIGTERM, SIGKILL after the timeout. 304 (already stopped) and 404 are done. */
export async function stopContainer(docker: Dockerode, endpoint: string, id: string, timeoutSeconds: number) {
  try {
    await docker.getContainer(id).stop({ t: Math.max(0, Math.ceil(timeoutSeconds)) });
  } catch (error) {
    if (statusOf(error) === 304 || isNotFound(error)) return;
    translate(endpoint, error);
  }
}

/** Force-removes a container and its anonymous volumes; a container already gone is done. */
export async function removeContainer(docker: Dockerode, endpoint: string, id: string): Promise<void> {
  try {
    await docker.getContainer(id).remove({ force: true, v: true });
  } catch (error) {
    // 409 "removal already in progress" also ends with the container gone.
    if (isNotFound(error) || statusOf(error) === 409) return;
    translate(endpoint, error);
  }
}

export function labelFilters(labels: Record<string, string> | undefined, extra: string[] = []): string[] {
  return [...extra, ...Object.entries(labels ?? {}).map(([key, value]) => `${key}=${value}`)];
}

/** Runs `fn` over `items`, at most `limit` at a time, keeping order. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
