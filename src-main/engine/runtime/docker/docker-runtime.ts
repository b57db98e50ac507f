// The docker runtime: ContainerRuntime on the local Docker engine through dockerode. Each concern
// lives in its own module; this class wires them to one connection and one clock.
import os from 'node:os';
import type { Duplex } from 'node:stream';
import type Dockerode from 'dockerode';
import { realClock, type Clock } from '../../clock.js';
import {
  LABEL_ROLE,
  type ContainerRuntime,
  type ContainerSpec,
  type ContainerStats,
  type ContainerStatus,
  type ExecOptions,
  type ExecResult,
  type ExecSession,
  type LogOptions,
  type LogStream,
  type PullProgress,
  type RuntimeInfo,
  type SandboxSpec,
  type SandboxStatus,
} from '../types.js';
import { call, connectDocker, isNotFound, translate, type DockerConnectionOptions } from './client.js';
import {
  createNamed,
  createOptions,
  inspectOrNull,
  labelFilters,
  LABEL_SANDBOX_ID,
  mapLimit,
  removeContainer,
  stopContainer,
  toContainerStatus,
} from './containers.js';
import { exec, execSync } from './exec.js';
import { connectPublished, execStream, PortForwardError } from '../pod-port.js';
import { watchEvents, type RuntimeEvent } from './events.js';
import { imagePresent, listImages, pullImage } from './images.js';
import { logs } from './logs.js';
import { runSandbox, toSandboxStatus } from './sandbox.js';
import { stats } from './stats.js';
import { ensureNetwork, ensureVolume, removeVolume } from './volumes.js';

export interface DockerRuntimeOptions extends DockerConnectionOptions {
  clock?: Clock;
  /** Cluster id: events are limited to containers labelled `io.kubedesk.cluster=<cluster>`. */
  cluster?: string;
}

const INSPECT_CONCURRENCY = 16;

export class DockerRuntime implements ContainerRuntime {
  readonly type = 'docker';
  readonly docker: Dockerode;
  readonly endpoint: string;
  #clock: Clock;
  #cluster: string | undefined;
  #watchers = new Set<() => void>();

  constructor(options: DockerRuntimeOptions = {}) {
    const { docker, endpoint } = connectDocker(options);
    this.docker = docker;
    this.endpoint = endpoint;
    this.#clock = options.clock ?? realClock;
    this.#cluster = options.cluster;
  }

  async info(): Promise<RuntimeInfo> {
    const [info, version] = await call(this.endpoint, () => Promise.all([this.docker.info(), this.docker.version()]));
    return {
      runtimeVersion: `docker://${version.Version}`,
      os: info.OSType ?? version.Os ?? os.platform(),
      osImage: info.OperatingSystem ?? '',
      kernelVersion: info.KernelVersion ?? version.KernelVersion ?? '',
      architecture: version.Arch ?? info.Architecture ?? os.arch(),
      cpus: info.NCPU ?? os.cpus().length,
      memoryBytes: info.MemTotal ?? os.totalmem(),
      hostname: info.Name ?? os.hostname(),
    };
  }

  async ping(): Promise<boolean> {
    try {
      await this.docker.ping();
      return true;
    } catch {
      return false;
    }
  }

  imagePresent(image: string): Promise<boolean> {
    return imagePresent(this.docker, this.endpoint, image);
  }

  pullImage(image: string, onProgress?: (p: PullProgress) => void, signal?: AbortSignal): Promise<void> {
    return pullImage(this.docker, this.endpoint, image, onProgress, signal);
  }

  listImages(): Promise<{ id: string; tags: string[]; sizeBytes: number }[]> {
    return listImages(this.docker, this.endpoint);
  }

  runSandbox(spec: SandboxSpec): Promise<SandboxStatus> {
    return runSandbox(this.docker, this.endpoint, spec);
  }

  stopSandbox(id: string, timeoutSeconds: number): Promise<void> {
    return stopContainer(this.docker, this.endpoint, id, timeoutSeconds);
  }

  /** Removes the sandbox and every container in it, as CRI RemovePodSandbox does. */
  async removeSandbox(id: string): Promise<void> {
    const members = await call(this.endpoint, () =>
      this.docker.listContainers({ all: true, filters: { label: [`${LABEL_SANDBOX_ID}=${id}`] } }),
    );
    await Promise.all(members.map((c) => removeContainer(this.docker, this.endpoint, c.Id)));
    await removeContainer(this.docker, this.endpoint, id);
  }

  async listSandboxes(labels?: Record<string, string>): Promise<SandboxStatus[]> {
    const infos = await this.#inspectAll(labelFilters(labels, [`${LABEL_ROLE}=sandbox`]));
    return infos.map((info) => toSandboxStatus(info));
  }

  async createContainer(sandboxId: string, spec: ContainerSpec): Promise<string> {
    const sandbox = await inspectOrNull(this.docker, this.endpoint, sandboxId);
    if (!sandbox) throw new Error(`Pod sandbox ${sandboxId} does not exist; run the sandbox before its containers.`);
    const container = await createNamed(
      this.docker,
      this.endpoint,
      createOptions(sandbox.Id, sandbox.Config.Labels ?? {}, spec),
    );
    return container.id;
  }

  async startContainer(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).start();
    } catch (error) {
      // 304: already running — starting is then already done.
      if ((error as { statusCode?: number }).statusCode === 304) return;
      translate(this.endpoint, error);
    }
  }

  stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    return stopContainer(this.docker, this.endpoint, id, timeoutSeconds);
  }

  removeContainer(id: string): Promise<void> {
    return removeContainer(this.docker, this.endpoint, id);
  }

  async inspectContainer(id: string): Promise<ContainerStatus | null> {
    const info = await inspectOrNull(this.docker, this.endpoint, id);
    return info ? toContainerStatus(info) : null;
  }

  /** App and init containers (never sandboxes) carrying all of `labels`. */
  async listContainers(labels?: Record<string, string>): Promise<ContainerStatus[]> {
    const infos = await this.#inspectAll(labelFilters(labels));
    return infos.filter((info) => info.Config.Labels?.[LABEL_ROLE] !== 'sandbox').map(toContainerStatus);
  }

  async waitContainer(id: string, signal?: AbortSignal): Promise<number> {
    try {
      const result = (await this.docker.getContainer(id).wait(signal ? { abortSignal: signal } : {})) as {
        StatusCode: number;
      };
      return result.StatusCode;
    } catch (error) {
      signal?.throwIfAborted();
      if (isNotFound(error))
        throw new Error(`Container ${id} does not exist; there is nothing to wait for.`, { cause: error });
      translate(this.endpoint, error);
    }
  }

  logs(id: string, opts: LogOptions): Promise<LogStream> {
    return logs(this.docker, this.endpoint, id, opts);
  }

  exec(id: string, opts: ExecOptions): Promise<ExecSession> {
    return exec(this.docker, this.endpoint, this.#clock, id, opts);
  }

  async openPodPort(sandbox: SandboxStatus, port: number, execContainerId?: string): Promise<Duplex> {
    const published = sandbox.ports.find((p) => p.containerPort === port && p.protocol === 'TCP' && p.hostPort);
    if (published) {
      const isRefused = execContainerId
        ? async () => {
            const r = await this.execSync(execContainerId, ['nc', '127.0.0.1', String(port)], 2000, 4096);
            return r.exitCode !== 0 && /refused/i.test(r.stderr.toString());
          }
        : undefined;
      return connectPublished(sandbox, port, published.hostPort, published.hostIP, isRefused);
    }
    if (!execContainerId) {
      throw new PortForwardError(
        `port ${port} is not published by the pod and no container of it is running to reach it from`,
      );
    }
    const session = await this.exec(execContainerId, { command: ['nc', '127.0.0.1', String(port)], stdin: true });
    return execStream(session, sandbox.id, port);
  }

  execSync(id: string, command: string[], timeoutMs: number, maxOutputBytes?: number): Promise<ExecResult> {
    return execSync(this.docker, this.endpoint, this.#clock, id, command, timeoutMs, maxOutputBytes);
  }

  stats(id: string): Promise<ContainerStats | null> {
    return stats(this.docker, this.endpoint, this.#clock.now(), id);
  }

  ensureVolume(name: string, labels: Record<string, string>): Promise<void> {
    return ensureVolume(this.docker, this.endpoint, name, labels);
  }

  removeVolume(name: string): Promise<void> {
    return removeVolume(this.docker, this.endpoint, name);
  }

  /** Docker-only: the cluster network pods join (SandboxSpec.network). Returns its id. */
  ensureNetwork(name: string, labels: Record<string, string> = {}): Promise<string> {
    return ensureNetwork(this.docker, this.endpoint, name, labels);
  }

  watchEvents(onEvent: (e: RuntimeEvent) => void): () => void {
    const stop = watchEvents(this.docker, this.#clock, onEvent, this.#cluster);
    const unwatch = (): void => {
      this.#watchers.delete(unwatch);
      stop();
    };
    this.#watchers.add(unwatch);
    return unwatch;
  }

  async close(): Promise<void> {
    for (const unwatch of [...this.#watchers]) unwatch();
  }

  async #inspectAll(filters: string[]): Promise<Dockerode.ContainerInspectInfo[]> {
    const summaries = await call(this.endpoint, () =>
      this.docker.listContainers({ all: true, filters: filters.length > 0 ? { label: filters } : {} }),
    );
    const infos = await mapLimit(summaries, INSPECT_CONCURRENCY, (c) =>
      inspectOrNull(this.docker, this.endpoint, c.Id),
    );
    return infos.filter((info): info is Dockerode.ContainerInspectInfo => info !== null);
  }
}
