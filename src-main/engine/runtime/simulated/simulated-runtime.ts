// The simulated runtime: ContainerRuntime with no containers at all. Pulls, starts, exits, logs,
// probes and resource use are modelled per image (behaviour.ts) on the injected clock, so unit
// tests drive pods with fake time and benchmarks run thousands of pods. Tests steer it through
// the extra methods below (setImageBehaviour, failProbe, emitLog, crash, occupyHostPort, …).
import { randomBytes } from 'node:crypto';
import { realClock, type Clock } from '../../clock.js';
import {
  ImageNotFoundError,
  LABEL_CONTAINER_NAME,
  LABEL_POD_NAME,
  LABEL_POD_NAMESPACE,
  LABEL_POD_UID,
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
import { normaliseImage, resolveBehaviour, splitImage, type ImageBehaviour } from './behaviour.js';
import { SimContainer } from './container.js';
import { simulatedExec, simulatedExecSync } from './exec.js';
import { IpAllocator, newSandbox, PortAllocator } from './ports.js';

export interface SimulatedRuntimeOptions {
  clock?: Clock;
  /** Images present from the start (e.g. the pause image). */
  images?: string[];
  /** Behaviour of every image unless a tag convention or setImageBehaviour says otherwise. */
  defaultBehaviour?: ImageBehaviour;
  /** Modelled node size. */
  cpus?: number;
  memoryBytes?: number;
  /** Lines of log kept per container. Default 10,000. */
  maxLogLines?: number;
  /**
   * Every pullable image counts as already present (playground nodes: no pull needed, so
   * `imagePullPolicy: Never` works for any image). Images whose behaviour is not pullable
   * (the `:missing` tag) are still absent.
   */
  allImagesPresent?: boolean;
}

type RuntimeEvent = { type: 'start' | 'die' | 'oom'; containerId: string; labels: Record<string, string> };

interface SimSandbox {
  status: SandboxStatus;
  spec: SandboxSpec;
  members: Set<string>;
}

function newId(): string {
  return randomBytes(32).toString('hex');
}

function matches(labels: Record<string, string>, selector: Record<string, string> | undefined): boolean {
  for (const key in selector) if (labels[key] !== selector[key]) return false;
  return true;
}

export class SimulatedRuntime implements ContainerRuntime {
  readonly type = 'simulated';
  readonly clock: Clock;
  #options: SimulatedRuntimeOptions;
  #images = new Map<string, { id: string; sizeBytes: number }>();
  #behaviours = new Map<string, ImageBehaviour>();
  #sandboxes = new Map<string, SimSandbox>();
  #containers = new Map<string, SimContainer>();
  #ports = new PortAllocator();
  #ips = new IpAllocator();
  #listeners = new Set<(e: RuntimeEvent) => void>();
  #containerEvents = {
    started: (c: SimContainer) => this.#emit({ type: 'start', containerId: c.id, labels: c.labels }),
    died: (c: SimContainer, oom: boolean) => {
      if (oom) this.#emit({ type: 'oom', containerId: c.id, labels: c.labels });
      this.#emit({ type: 'die', containerId: c.id, labels: c.labels });
    },
  };

  constructor(options: SimulatedRuntimeOptions = {}) {
    this.#options = options;
    this.clock = options.clock ?? realClock;
    for (const image of options.images ?? []) this.addImage(image);
  }

  // ---- test controls -------------------------------------------------------------------------

  /** Behaviour for an exact image (`app:1`) or for every tag of a repository (`app`). */
  setImageBehaviour(image: string, behaviour: ImageBehaviour): void {
    this.#behaviours.set(image.includes(':') || image.includes('@') ? normaliseImage(image) : image, behaviour);
  }

  /** Makes an image present without a pull (as `docker load` would). */
  addImage(image: string): void {
    const sizeBytes = resolveBehaviour(image, this.#behaviours, this.#options.defaultBehaviour).sizeBytes;
    this.#images.set(normaliseImage(image), { id: `sha256:${newId()}`, sizeBytes });
  }

  removeImage(image: string): void {
    this.#images.delete(normaliseImage(image));
  }

  /** HTTP/TCP probes of the container fail (true) or pass again (false); `cat /tmp/healthy` follows. */
  failProbe(containerId: string, failing: boolean): void {
    const c = this.#container(containerId);
    c.probeFailing = failing;
    if (failing) c.files.delete('/tmp/healthy');
    else c.files.set('/tmp/healthy', 'ok\n');
  }

  /** Writes a line (a newline is added when missing) to the container's log. */
  emitLog(containerId: string, text: string, stream: 'stdout' | 'stderr' = 'stdout'): void {
    this.#container(containerId).write(stream, text.endsWith('\n') ? text : `${text}\n`);
  }

  /** The process exits now with `exitCode`. */
  crash(containerId: string, exitCode = 1): void {
    this.#container(containerId).exit({ code: exitCode });
  }

  /** The kernel OOM-kills the container now. */
  oomKill(containerId: string): void {
    this.#container(containerId).exit({ code: 137, oomKilled: true });
  }

  /** Some process outside the cluster holds this port on 127.0.0.1. */
  occupyHostPort(port: number): void {
    this.#ports.claim(port, 'host', '');
  }

  /** Files of the container (what `cat`, `touch` and `rm` in exec see). */
  files(containerId: string): Map<string, string> {
    return this.#container(containerId).files;
  }

  /** Terminal sizes set on the container's execs, in order. */
  resizes(containerId: string): { cols: number; rows: number }[] {
    return this.#container(containerId).resizes;
  }

  /** What an HTTP probe of the container sees: 200 when it passes, 503 when it fails, null when nothing listens. */
  async probeHttp(containerId: string): Promise<{ statusCode: number } | null> {
    const c = this.#containers.get(containerId);
    if (!c || c.state !== 'running') return null;
    return { statusCode: c.probePasses() ? 200 : 503 };
  }

  /** Whether a TCP probe of the container connects. */
  async probeTcp(containerId: string): Promise<boolean> {
    return this.#containers.get(containerId)?.probePasses() ?? false;
  }

  get containerCount(): number {
    return this.#containers.size;
  }

  // ---- ContainerRuntime ----------------------------------------------------------------------

  async info(): Promise<RuntimeInfo> {
    return {
      runtimeVersion: 'simulated://1',
      os: 'linux',
      osImage: 'KubeDesk simulated node',
      kernelVersion: 'simulated',
      architecture: process.arch === 'x64' ? 'amd64' : process.arch,
      cpus: this.#options.cpus ?? 8,
      memoryBytes: this.#options.memoryBytes ?? 16 * 1024 ** 3,
      hostname: 'kubedesk-simulated',
    };
  }

  async ping(): Promise<boolean> {
    return true;
  }

  async imagePresent(image: string): Promise<boolean> {
    this.#presentOnDemand(image);
    return this.#images.has(normaliseImage(image));
  }

  #presentOnDemand(image: string): void {
    if (!this.#options.allImagesPresent || this.#images.has(normaliseImage(image))) return;
    if (resolveBehaviour(image, this.#behaviours, this.#options.defaultBehaviour).pullable) this.addImage(image);
  }

  async pullImage(image: string, onProgress?: (p: PullProgress) => void, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const behaviour = resolveBehaviour(image, this.#behaviours, this.#options.defaultBehaviour);
    const { repo, tag } = splitImage(image);
    if (!behaviour.pullable) {
      throw new ImageNotFoundError(
        image,
        `Failed to pull image "${image}": manifest for ${repo}:${tag} not found: manifest unknown (simulated)`,
      );
    }
    onProgress?.({ status: `Pulling from ${repo}`, id: tag });
    const layer = newId().slice(0, 12);
    onProgress?.({ status: 'Pulling fs layer', id: layer });
    if (behaviour.pullLatencyMs > 0) {
      await new Promise<void>((resolve, reject) => {
        const timer = this.clock.setTimer(resolve, behaviour.pullLatencyMs);
        signal?.addEventListener('abort', () => (timer.cancel(), reject(signal.reason)), { once: true });
      });
    }
    onProgress?.({ status: 'Downloading', id: layer, current: behaviour.sizeBytes, total: behaviour.sizeBytes });
    onProgress?.({ status: 'Pull complete', id: layer });
    if (!this.#images.has(normaliseImage(image))) this.addImage(image);
    onProgress?.({ status: `Status: Downloaded newer image for ${repo}:${tag}` });
  }

  async listImages(): Promise<{ id: string; tags: string[]; sizeBytes: number }[]> {
    return [...this.#images].map(([tag, { id, sizeBytes }]) => ({ id, tags: [tag], sizeBytes }));
  }

  async runSandbox(spec: SandboxSpec): Promise<SandboxStatus> {
    this.#requireImage(spec.image);
    const status = newSandbox(spec, newId(), this.#ports, this.#ips, this.clock.now());
    this.#sandboxes.set(status.id, { status, spec, members: new Set() });
    return structuredClone(status);
  }

  async stopSandbox(id: string): Promise<void> {
    const sandbox = this.#sandboxes.get(id);
    if (!sandbox || sandbox.status.state === 'notready') return;
    sandbox.status.state = 'notready';
    // Docker frees published ports when the container stops.
    for (const port of sandbox.status.ports) this.#ports.release(port.hostPort, id);
  }

  async removeSandbox(id: string): Promise<void> {
    const sandbox = this.#sandboxes.get(id);
    if (!sandbox) return;
    await this.stopSandbox(id);
    for (const member of sandbox.members) await this.removeContainer(member);
    this.#sandboxes.delete(id);
  }

  async listSandboxes(labels?: Record<string, string>): Promise<SandboxStatus[]> {
    return [...this.#sandboxes.values()]
      .filter((s) => matches(s.status.labels, labels))
      .map((s) => structuredClone(s.status));
  }

  async createContainer(sandboxId: string, spec: ContainerSpec): Promise<string> {
    const sandbox = this.#sandboxes.get(sandboxId);
    if (!sandbox) throw new Error(`Pod sandbox ${sandboxId} does not exist; run the sandbox before its containers.`);
    const image = this.#requireImage(spec.image);
    const id = newId();
    const labels = {
      [LABEL_POD_NAME]: sandbox.spec.podName,
      [LABEL_POD_NAMESPACE]: sandbox.spec.namespace,
      [LABEL_POD_UID]: sandbox.spec.podUid,
      [LABEL_ROLE]: 'app',
      ...spec.labels,
      [LABEL_CONTAINER_NAME]: spec.name,
    };
    const behaviour = resolveBehaviour(spec.image, this.#behaviours, this.#options.defaultBehaviour);
    const container = new SimContainer(
      id,
      sandboxId,
      structuredClone(spec),
      labels,
      image.id,
      this.clock.now(),
      behaviour,
      this.clock,
      this.#containerEvents,
      this.#options.maxLogLines ?? 10_000,
    );
    this.#containers.set(id, container);
    sandbox.members.add(id);
    return id;
  }

  async startContainer(id: string): Promise<void> {
    const c = this.#container(id);
    if (c.state === 'running') return;
    const latency = c.behaviour.startLatencyMs;
    if (latency > 0) await new Promise<void>((resolve) => this.clock.setTimer(resolve, latency));
    // Removed or started meanwhile: nothing to do.
    if (this.#containers.get(id) === c && (c.state as string) !== 'running') c.run();
  }

  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    await this.#containers.get(id)?.stop(timeoutSeconds);
  }

  async removeContainer(id: string): Promise<void> {
    const c = this.#containers.get(id);
    if (!c) return;
    c.dispose();
    this.#containers.delete(id);
    this.#sandboxes.get(c.sandboxId)?.members.delete(id);
  }

  async inspectContainer(id: string): Promise<ContainerStatus | null> {
    return this.#containers.get(id)?.status() ?? null;
  }

  async listContainers(labels?: Record<string, string>): Promise<ContainerStatus[]> {
    const out: ContainerStatus[] = [];
    for (const c of this.#containers.values()) if (matches(c.labels, labels)) out.push(c.status());
    return out;
  }

  async waitContainer(id: string, signal?: AbortSignal): Promise<number> {
    const c = this.#container(id);
    if (!signal) return c.wait();
    signal.throwIfAborted();
    return Promise.race([
      c.wait(),
      new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true })),
    ]);
  }

  async logs(id: string, opts: LogOptions): Promise<LogStream> {
    const c = this.#container(id);
    c.prepareLogs(opts.follow ?? false);
    return c.logs.open(opts, c.state === 'running' || c.state === 'created');
  }

  async exec(id: string, opts: ExecOptions): Promise<ExecSession> {
    return simulatedExec(this.#running(id), opts);
  }

  async execSync(id: string, command: string[], timeoutMs: number, maxOutputBytes?: number): Promise<ExecResult> {
    return simulatedExecSync(this.#running(id), command, timeoutMs, maxOutputBytes);
  }

  async stats(id: string): Promise<ContainerStats | null> {
    const c = this.#containers.get(id);
    if (!c || c.state !== 'running') return null;
    return {
      timestamp: this.clock.now(),
      cpuUsageNanos: Math.round(c.cpuUsageNanos()),
      memoryWorkingSetBytes: c.behaviour.memoryBytes,
      memoryLimitBytes: c.spec.memoryLimitBytes,
    };
  }

  #volumes = new Map<string, Record<string, string>>();

  async ensureVolume(name: string, labels: Record<string, string>): Promise<void> {
    if (!this.#volumes.has(name)) this.#volumes.set(name, { ...labels });
  }

  async removeVolume(name: string): Promise<void> {
    for (const c of this.#containers.values()) {
      if (c.spec.mounts.some((m) => m.source.type === 'volume' && m.source.name === name)) {
        throw new Error(`Volume ${name} is still used by container ${c.id}; remove the container first.`);
      }
    }
    this.#volumes.delete(name);
  }

  /** Names of the volumes that exist (tests). */
  get volumes(): string[] {
    return [...this.#volumes.keys()];
  }

  watchEvents(onEvent: (e: RuntimeEvent) => void): () => void {
    this.#listeners.add(onEvent);
    return () => void this.#listeners.delete(onEvent);
  }

  async close(): Promise<void> {
    this.#listeners.clear();
  }

  // ---- internals -----------------------------------------------------------------------------

  #emit(event: RuntimeEvent): void {
    if (this.#listeners.size === 0) return;
    // Delivered asynchronously, as Docker's events are: a handler may call back into the runtime.
    queueMicrotask(() => {
      for (const listener of this.#listeners) listener(event);
    });
  }

  #container(id: string): SimContainer {
    const c = this.#containers.get(id);
    if (!c) throw new Error(`No such container: ${id}`);
    return c;
  }

  #running(id: string): SimContainer {
    const c = this.#container(id);
    if (c.state !== 'running') throw new Error(`Container ${id} is not running; exec needs a running container.`);
    return c;
  }

  #requireImage(image: string): { id: string } {
    this.#presentOnDemand(image);
    const present = this.#images.get(normaliseImage(image));
    if (!present) {
      throw new ImageNotFoundError(image, `Image "${image}" is not present on the node; pull it first.`);
    }
    return present;
  }
}
