// The container runtime interface: everything the node agent needs from a container engine, and
// nothing more. Two implementations: `docker` (dockerode, the local engine) and `simulated` (no
// containers; start latency, exit codes, readiness and resource use modelled on the injected
// clock). Both pass the same contract suite (test/unit/runtime/contract.ts).
//
// Containers are identified by the runtime's id; KubeDesk finds its own through labels:
//   io.kubernetes.pod.name, io.kubernetes.pod.namespace, io.kubernetes.pod.uid,
//   io.kubernetes.container.name ("POD" for the sandbox), io.kubedesk.cluster (cluster id),
//   io.kubedesk.attempt (restart count), io.kubedesk.role ("sandbox" | "init" | "app").
import type { Duplex, Readable, Writable } from 'node:stream';

export const LABEL_POD_NAME = 'io.kubernetes.pod.name';
export const LABEL_POD_NAMESPACE = 'io.kubernetes.pod.namespace';
export const LABEL_POD_UID = 'io.kubernetes.pod.uid';
export const LABEL_CONTAINER_NAME = 'io.kubernetes.container.name';
export const LABEL_CLUSTER = 'io.kubedesk.cluster';
export const LABEL_ATTEMPT = 'io.kubedesk.attempt';
export const LABEL_ROLE = 'io.kubedesk.role';
/** Container name of the pod sandbox, as dockershim named it. */
export const SANDBOX_CONTAINER_NAME = 'POD';

export interface RuntimeInfo {
  /** e.g. `docker://28.2.2` or `simulated://1` — Node.status.nodeInfo.containerRuntimeVersion. */
  runtimeVersion: string;
  os: string;
  osImage: string;
  kernelVersion: string;
  architecture: string;
  cpus: number;
  memoryBytes: number;
  hostname: string;
}

export interface PortBinding {
  containerPort: number;
  protocol: 'TCP' | 'UDP' | 'SCTP';
  /** Host port on 127.0.0.1; 0 or undefined = ephemeral, chosen by the runtime. */
  hostPort?: number;
  hostIP?: string;
}

export interface Mount {
  /** Absolute path in the container. */
  containerPath: string;
  readOnly?: boolean;
  /** One of: a host directory/file, a named volume (outlives the pod), or a tmpfs. */
  source: { type: 'bind'; hostPath: string } | { type: 'volume'; name: string } | { type: 'tmpfs'; sizeBytes?: number };
}

export interface SandboxSpec {
  podUid: string;
  podName: string;
  namespace: string;
  hostname: string;
  /** Every port any container of the pod exposes, published on 127.0.0.1 through the sandbox. */
  ports: PortBinding[];
  /** Image for the sandbox (pause) container. */
  image: string;
  labels: Record<string, string>;
  dnsSearch?: string[];
  dnsServers?: string[];
  extraHosts?: string[];
  /** Docker network to join (the cluster network); undefined = runtime default. */
  network?: string;
  /** DNS domain of the pod (`<subdomain>.<ns>.svc.cluster.local`), so `hostname -f` gives its FQDN. */
  domainname?: string;
  /** Resolver options (resolv.conf `options`, e.g. `ndots:5`). */
  dnsOptions?: string[];
}

export interface SandboxStatus {
  id: string;
  podUid: string;
  state: 'ready' | 'notready';
  /** The pod's IP on its network. */
  ip?: string;
  /** containerPort/protocol → host port on 127.0.0.1 as actually bound. */
  ports: (PortBinding & { hostPort: number })[];
  labels: Record<string, string>;
  createdAt: number;
}

export interface ContainerSpec {
  /** Kubernetes container name. */
  name: string;
  image: string;
  /** Entrypoint override (Kubernetes `command`); argument array, never a shell string. */
  command?: string[];
  /** Arguments (Kubernetes `args`). */
  args?: string[];
  workingDir?: string;
  env: { name: string; value: string }[];
  mounts: Mount[];
  /** CPU limit in cores (→ NanoCpus) and memory limit in bytes. */
  cpuLimit?: number;
  memoryLimitBytes?: number;
  cpuRequest?: number;
  memoryRequestBytes?: number;
  tty?: boolean;
  stdin?: boolean;
  stdinOnce?: boolean;
  labels: Record<string, string>;
  /** Run as this user (uid[:gid]) when set. */
  user?: string;
}

export type ContainerState = 'created' | 'running' | 'exited' | 'unknown';

export interface ContainerStatus {
  id: string;
  name: string;
  image: string;
  /** Image id/digest as the runtime reports it (`docker-pullable://…` style not required). */
  imageId: string;
  state: ContainerState;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  exitCode?: number;
  /** True when the kernel OOM killer ended it. */
  oomKilled?: boolean;
  /** Runtime's error text when it failed to start. */
  error?: string;
  labels: Record<string, string>;
}

export interface PullProgress {
  /** e.g. `Pulling fs layer`, `Downloading`, `Pull complete`. */
  status: string;
  id?: string;
  current?: number;
  total?: number;
}

export interface LogOptions {
  follow?: boolean;
  /** Only the last N lines. */
  tail?: number;
  /** Only lines at or after this time (ms since epoch). */
  sinceMs?: number;
  /** Prefix each line with its RFC 3339 nanosecond timestamp (Docker's format). */
  timestamps?: boolean;
}

/** One line (or partial chunk) of container output, demultiplexed. */
export interface LogChunk {
  stream: 'stdout' | 'stderr';
  /** Raw bytes; lines end with `\n`; with `timestamps` each line starts with `<RFC3339Nano> `. */
  data: Buffer;
}

export interface LogStream {
  /** Async iteration yields chunks in order; it ends when the container ends (follow) or the log does. */
  [Symbol.asyncIterator](): AsyncIterator<LogChunk>;
  /** Stop following and release the underlying stream. */
  close(): void;
}

export interface ExecOptions {
  /** Argument array; never a shell string. */
  command: string[];
  tty?: boolean;
  stdin?: boolean;
  env?: string[];
  workingDir?: string;
}

export interface ExecSession {
  /** stdin of the process (when `stdin` was requested). */
  stdin: Writable | null;
  /** stdout (with `tty`, the combined terminal output). */
  stdout: Readable;
  /** stderr (null with `tty`). */
  stderr: Readable | null;
  resize(cols: number, rows: number): Promise<void>;
  /** Resolves with the exit code once the process ends. */
  exitCode: Promise<number>;
  /** Kill the session's stream (the process may linger until it reads EOF). */
  close(): void;
}

export interface ExecResult {
  exitCode: number;
  stdout: Buffer;
  stderr: Buffer;
  timedOut: boolean;
}

export interface ContainerStats {
  /** ms since epoch of the sample. */
  timestamp: number;
  /** Cumulative CPU time used, in nanoseconds (deltas give cores). */
  cpuUsageNanos: number;
  /** Working set in bytes (usage minus inactive file cache, as the kubelet computes it). */
  memoryWorkingSetBytes: number;
  memoryLimitBytes?: number;
}

export class RuntimeUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RuntimeUnavailableError';
  }
}

export class ImageNotFoundError extends Error {
  constructor(
    readonly image: string,
    message: string,
  ) {
    super(message);
    this.name = 'ImageNotFoundError';
  }
}

export class PortInUseError extends Error {
  constructor(
    readonly hostPort: number,
    message: string,
  ) {
    super(message);
    this.name = 'PortInUseError';
  }
}

export interface ContainerRuntime {
  /** `docker` or `simulated`. */
  readonly type: string;
  /** Throws RuntimeUnavailableError (with how to start it) when the engine does not answer. */
  info(): Promise<RuntimeInfo>;
  ping(): Promise<boolean>;

  imagePresent(image: string): Promise<boolean>;
  /** Pull; progress callback per line; rejects with ImageNotFoundError / an error naming the image. */
  pullImage(image: string, onProgress?: (p: PullProgress) => void, signal?: AbortSignal): Promise<void>;
  listImages(): Promise<{ id: string; tags: string[]; sizeBytes: number }[]>;

  /** Create and start the pod sandbox (network namespace holder, published ports). */
  runSandbox(spec: SandboxSpec): Promise<SandboxStatus>;
  stopSandbox(id: string, timeoutSeconds: number): Promise<void>;
  removeSandbox(id: string): Promise<void>;
  listSandboxes(labels?: Record<string, string>): Promise<SandboxStatus[]>;

  /** Create a container in the sandbox's namespaces (shares localhost). Not started. */
  createContainer(sandboxId: string, spec: ContainerSpec): Promise<string>;
  startContainer(id: string): Promise<void>;
  /** SIGTERM, then SIGKILL after `timeoutSeconds`. Stopping a stopped container succeeds. */
  stopContainer(id: string, timeoutSeconds: number): Promise<void>;
  removeContainer(id: string): Promise<void>;
  inspectContainer(id: string): Promise<ContainerStatus | null>;
  listContainers(labels?: Record<string, string>): Promise<ContainerStatus[]>;
  /** Wait for the container to exit; resolves with its exit code. */
  waitContainer(id: string, signal?: AbortSignal): Promise<number>;

  logs(id: string, opts: LogOptions): Promise<LogStream>;
  exec(id: string, opts: ExecOptions): Promise<ExecSession>;
  /** Run to completion with a timeout (exec probes and hooks); output capped at `maxOutputBytes`. */
  execSync(id: string, command: string[], timeoutMs: number, maxOutputBytes?: number): Promise<ExecResult>;
  stats(id: string): Promise<ContainerStats | null>;
  /**
   * A TCP stream to `port` on the pod's own loopback (port-forward): through the sandbox's
   * published port when there is one, else from inside `execContainerId`. Rejects (or the stream
   * fails) with a PortForwardError in the kubelet's words. Absent where pods run no processes.
   */
  openPodPort?(sandbox: SandboxStatus, port: number, execContainerId?: string): Promise<Duplex>;

  /** Named volumes (persistentVolumeClaim backing). */
  ensureVolume(name: string, labels: Record<string, string>): Promise<void>;
  removeVolume(name: string): Promise<void>;

  /** Emits container die/start/oom events so the agent reacts without polling; returns a stop function. */
  watchEvents(
    onEvent: (e: { type: 'start' | 'die' | 'oom'; containerId: string; labels: Record<string, string> }) => void,
  ): () => void;

  close(): Promise<void>;
}
