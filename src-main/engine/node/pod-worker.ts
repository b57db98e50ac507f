// The pod worker: one serialised sync per pod (the queue is keyed by pod uid), following the
// kubelet's SyncPod (pkg/kubelet/kuberuntime/kuberuntime_manager.go computePodActions/SyncPod):
// ensure the sandbox, set up volumes, kill containers a probe condemned, run init containers in
// order to completion, start app containers (restarting per restartPolicy with CrashLoopBackOff),
// then write the status — only when it changed. Safe to run again at any time: everything it
// decides is read back from the store and the runtime.
import type { Container, Pod, Service } from 'kubernetes-types/core/v1';
import type { KubeObject } from '../api/types.js';
import { isStatusError } from '../api/errors.js';
import type { ContainerSpec, ContainerStatus, SandboxStatus } from '../runtime/types.js';
import {
  LABEL_ATTEMPT,
  LABEL_CLUSTER,
  LABEL_CONTAINER_NAME,
  LABEL_POD_NAME,
  LABEL_POD_NAMESPACE,
  LABEL_POD_UID,
  LABEL_ROLE,
} from '../runtime/types.js';
import { BACKOFF_RESET_MS, EventReason, Waiting } from './constants.js';
import { formatDuration } from './backoff.js';
import { ConfigSource, ContainerConfigError, buildEnv, expand, resourcesOf } from './container-env.js';
import { ImageError } from './images.js';
import { VolumeSetupError } from './volumes.js';
import { buildPodStatus, attemptOf, type ContainerObservation } from './pod-status.js';
import type { RunningContainer } from './probe-manager.js';
import { runHook } from './hooks.js';
import { ensureSandbox, SandboxError } from './sandbox.js';
import { serviceEnvVars, servicesForPod } from '../network/service-env.js';
import { containerFieldPath, errorMessage, isJsonEqual, podDesc } from './util.js';
import type { AgentContext, PodState } from './agent-context.js';

type Role = 'init' | 'app';

/** Containers of one pod grouped by name, newest attempt first. */
export function groupByName(containers: ContainerStatus[]): Map<string, ContainerStatus[]> {
  const m = new Map<string, ContainerStatus[]>();
  for (const c of containers) {
    const name = c.labels[LABEL_CONTAINER_NAME];
    if (!name) continue;
    let list = m.get(name);
    if (!list) m.set(name, (list = []));
    list.push(c);
  }
  for (const list of m.values()) list.sort((a, b) => attemptOf(b) - attemptOf(a) || b.createdAt - a.createdAt);
  return m;
}

export async function listPodContainers(ctx: AgentContext, uid: string): Promise<ContainerStatus[]> {
  return (await ctx.runtime.listContainers({ [LABEL_POD_UID]: uid, [LABEL_CLUSTER]: ctx.clusterId })).filter(
    (c) => c.labels[LABEL_ROLE] !== 'sandbox' && c.labels[LABEL_CONTAINER_NAME] !== 'POD',
  );
}

export class PodSync {
  #ctx: AgentContext;
  #pod: Pod & KubeObject;
  #state: PodState;
  #sandbox: SandboxStatus | null = null;
  #byName = new Map<string, ContainerStatus[]>();
  /** Earliest time the pod needs another pass (back-off ends, pull retry). */
  #requeueMs = Infinity;

  constructor(ctx: AgentContext, pod: Pod & KubeObject, state: PodState) {
    this.#ctx = ctx;
    this.#pod = pod;
    this.#state = state;
  }

  get uid(): string {
    return this.#pod.metadata.uid!;
  }

  async run(): Promise<number> {
    const { runtime } = this.#ctx;
    await this.#refresh();
    const phase = (this.#pod.status as { phase?: string } | undefined)?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') {
      // Finished pods keep their containers (logs stay readable) but free their ports.
      this.#ctx.probes.removePod(this.uid);
      for (const s of await runtime.listSandboxes({
        [LABEL_POD_UID]: this.uid,
        [LABEL_CLUSTER]: this.#ctx.clusterId,
      })) {
        if (s.state === 'ready') await runtime.stopSandbox(s.id, 0);
      }
      return Infinity;
    }
    try {
      this.#sandbox = await ensureSandbox(this.#ctx, this.#pod, this.#state, this.#byName);
    } catch (err) {
      if (!(err instanceof SandboxError)) throw err;
      await this.#writeStatus();
      return err.retryInMs;
    }
    await this.#refresh();
    let sources;
    const src = new ConfigSource(this.#ctx.api, this.#pod.metadata.namespace!);
    try {
      sources = await this.#ctx.volumes.setUp(this.#pod, src, this.#sandbox.ip, this.#ctx.clock.now());
    } catch (err) {
      if (!(err instanceof VolumeSetupError)) throw err;
      this.#event('Warning', EventReason.FailedMount, err.message);
      await this.#writeStatus();
      return 2_000;
    }
    await this.#killCondemned();
    const spec = this.#pod.spec!;
    let initDone = true;
    for (const c of spec.initContainers ?? []) {
      const cur = this.#current(c.name);
      if (cur?.state === 'exited' && cur.exitCode === 0) continue;
      initDone = false;
      if (cur?.state === 'running') break;
      if (cur?.state === 'exited' && spec.restartPolicy === 'Never') break; // the pod has failed
      await this.#startWithBackoff(c, 'init', cur, src, sources);
      break;
    }
    if (initDone) {
      for (const c of spec.containers) {
        const cur = this.#current(c.name);
        if (cur?.state === 'running') continue;
        if (cur?.state === 'exited' && !shouldRestart(spec.restartPolicy, cur.exitCode ?? 0)) continue;
        await this.#startWithBackoff(c, 'app', cur, src, sources);
      }
    }
    await this.#refresh();
    await this.#writeStatus();
    return this.#requeueMs;
  }

  async #refresh(): Promise<void> {
    this.#byName = groupByName(await listPodContainers(this.#ctx, this.uid));
  }

  #current(name: string): ContainerStatus | null {
    return this.#byName.get(name)?.[0] ?? null;
  }

  #container(name: string): Container | undefined {
    return [...(this.#pod.spec!.initContainers ?? []), ...this.#pod.spec!.containers].find((c) => c.name === name);
  }

  #event(type: 'Normal' | 'Warning', reason: string, message: string, container?: string): void {
    void this.#ctx.recorder.event(
      this.#pod,
      type,
      reason,
      message,
      container ? containerFieldPath(this.#pod, container) : undefined,
    );
  }

  #requeue(ms: number): void {
    this.#requeueMs = Math.min(this.#requeueMs, Math.max(ms, 1));
  }

  /** Containers whose liveness or startup probe failed: Killing, preStop, stop. */
  async #killCondemned(): Promise<void> {
    for (const [name, kill] of [...this.#state.kills]) {
      this.#state.kills.delete(name);
      const cur = this.#current(name);
      const c = this.#container(name);
      if (!cur || !c || cur.id !== kill.containerId || cur.state !== 'running') continue;
      this.#event(
        'Normal',
        EventReason.Killing,
        `Container ${name} failed ${kill.probe} probe, will be restarted`,
        name,
      );
      const probe = kill.probe === 'liveness' ? c.livenessProbe : c.startupProbe;
      const grace = probe?.terminationGracePeriodSeconds ?? this.#pod.spec!.terminationGracePeriodSeconds ?? 30;
      await this.stopContainer(c, cur, grace);
    }
    await this.#refresh();
  }

  /** preStop, then SIGTERM and SIGKILL after what is left of `graceSeconds`. */
  async stopContainer(c: Container, cur: ContainerStatus, graceSeconds: number): Promise<void> {
    const t0 = this.#ctx.clock.now();
    const failed = await runHook('PreStop', c.lifecycle?.preStop, this.#hookTarget(c, cur.id), graceSeconds * 1000);
    if (failed) this.#event('Warning', EventReason.FailedPreStopHook, failed, c.name);
    const left = Math.max(0, graceSeconds - Math.floor((this.#ctx.clock.now() - t0) / 1000));
    await this.#ctx.runtime.stopContainer(cur.id, left);
  }

  #hookTarget(c: Container, id: string) {
    return {
      runtime: this.#ctx.runtime,
      pod: this.#pod,
      container: c,
      containerId: id,
      ports: this.#sandbox?.ports ?? [],
    };
  }

  /** Restart (or first start) subject to CrashLoopBackOff, as kuberuntime's doBackOff. */
  async #startWithBackoff(
    c: Container,
    role: Role,
    cur: ContainerStatus | null,
    src: ConfigSource,
    sources: Awaited<ReturnType<AgentContext['volumes']['setUp']>>,
  ): Promise<void> {
    const key = `${this.uid}/${c.name}`;
    const { backoff, clock } = this.#ctx;
    if (cur?.state === 'exited') {
      const finished = cur.finishedAt ?? clock.now();
      if (cur.startedAt && finished - cur.startedAt >= BACKOFF_RESET_MS) backoff.reset(key);
      const remaining = backoff.remaining(key, finished);
      if (remaining > 0) {
        const delay = formatDuration(backoff.get(key));
        this.#state.waiting.set(c.name, {
          reason: Waiting.CrashLoopBackOff,
          message: `back-off ${delay} restarting failed container=${c.name} pod=${podDesc(this.#pod)}`,
        });
        this.#event(
          'Warning',
          EventReason.BackOff,
          `Back-off restarting failed container ${c.name} in pod ${podDesc(this.#pod)}`,
          c.name,
        );
        this.#requeue(remaining);
        return;
      }
      backoff.next(key, finished);
    }
    await this.#createAndStart(c, role, cur, src, sources);
  }

  async #createAndStart(
    c: Container,
    role: Role,
    cur: ContainerStatus | null,
    src: ConfigSource,
    sources: Awaited<ReturnType<AgentContext['volumes']['setUp']>>,
  ): Promise<void> {
    const { runtime, images } = this.#ctx;
    const waiting = this.#state.waiting;
    waiting.set(c.name, { reason: Waiting.ContainerCreating });
    const record = (type: 'Normal' | 'Warning', reason: string, message: string) =>
      this.#event(type, reason, message, c.name);
    try {
      await images.ensure(this.#pod, c, record);
    } catch (err) {
      if (!(err instanceof ImageError)) throw err;
      waiting.set(c.name, { reason: err.reason, message: err.message });
      record('Warning', EventReason.Failed, `Error: ${err.reason}`);
      const retry = images.retryIn(this.#pod, c.image ?? '');
      this.#requeue(retry > 0 ? retry : 10_000);
      return;
    }
    let env;
    try {
      const services = servicesForPod(this.#pod, this.#ctx.api.store.list('/services') as Service[]);
      env = await buildEnv(this.#pod, c, src, this.#sandbox?.ip, serviceEnvVars(services));
    } catch (err) {
      if (!(err instanceof ContainerConfigError)) throw err;
      waiting.set(c.name, { reason: Waiting.CreateContainerConfigError, message: err.message });
      record('Warning', EventReason.Failed, `Error: ${err.message}`);
      this.#requeue(10_000);
      return;
    }
    await this.#ctx.volumes.prepareSubPaths(c, sources);
    const envMap = Object.fromEntries(env.map((e) => [e.name, e.value]));
    const attempt = Math.max(cur ? attemptOf(cur) + 1 : 0, this.#state.nextAttempt.get(c.name) ?? 0);
    const spec: ContainerSpec = {
      name: c.name,
      image: c.image ?? '',
      ...(c.command ? { command: c.command.map((s) => expand(s, envMap)) } : {}),
      ...(c.args ? { args: c.args.map((s) => expand(s, envMap)) } : {}),
      ...(c.workingDir ? { workingDir: c.workingDir } : {}),
      env,
      mounts: this.#ctx.volumes.mountsFor(c, sources),
      ...resourcesOf(c),
      tty: c.tty ?? false,
      stdin: c.stdin ?? false,
      stdinOnce: c.stdinOnce ?? false,
      labels: {
        [LABEL_POD_NAME]: this.#pod.metadata.name!,
        [LABEL_POD_NAMESPACE]: this.#pod.metadata.namespace!,
        [LABEL_POD_UID]: this.uid,
        [LABEL_CONTAINER_NAME]: c.name,
        [LABEL_CLUSTER]: this.#ctx.clusterId,
        [LABEL_ATTEMPT]: String(attempt),
        [LABEL_ROLE]: role,
      },
      ...(c.securityContext?.runAsUser !== undefined
        ? {
            user: `${c.securityContext.runAsUser}${c.securityContext.runAsGroup !== undefined ? `:${c.securityContext.runAsGroup}` : ''}`,
          }
        : {}),
    };
    // Keep the newest dead container (for `logs --previous`); older ones go.
    for (const old of (this.#byName.get(c.name) ?? []).slice(1)) {
      if (old.state !== 'running') await runtime.removeContainer(old.id).catch(() => undefined);
    }
    let id: string;
    try {
      id = await runtime.createContainer(this.#sandbox!.id, spec);
    } catch (err) {
      waiting.set(c.name, { reason: Waiting.CreateContainerError, message: errorMessage(err) });
      record('Warning', EventReason.Failed, `Error: ${errorMessage(err)}`);
      this.#requeue(10_000);
      return;
    }
    record('Normal', EventReason.Created, `Created container: ${c.name}`);
    try {
      await runtime.startContainer(id);
    } catch (err) {
      const msg = `failed to start container "${c.name}": ${errorMessage(err)}`;
      waiting.set(c.name, { reason: Waiting.RunContainerError, message: msg });
      record('Warning', EventReason.Failed, `Error: ${msg}`);
      this.#requeue(10_000);
      return;
    }
    waiting.delete(c.name);
    record('Normal', EventReason.Started, `Started container ${c.name}`);
    const failed = await runHook(
      'PostStart',
      c.lifecycle?.postStart,
      this.#hookTarget(c, id),
      (this.#pod.spec!.terminationGracePeriodSeconds ?? 30) * 1000,
    );
    if (failed) {
      record('Warning', EventReason.FailedPostStartHook, failed);
      record('Normal', EventReason.Killing, `FailedPostStartHook`);
      await runtime.stopContainer(id, this.#pod.spec!.terminationGracePeriodSeconds ?? 30);
    }
  }

  #observe(c: Container): ContainerObservation {
    const list = this.#byName.get(c.name) ?? [];
    const current = list[0] ?? null;
    const running = current?.state === 'running';
    let waiting = this.#state.waiting.get(c.name);
    // A recorded reason is stale once a container of a newer attempt runs.
    if (running) {
      this.#state.waiting.delete(c.name);
      waiting = undefined;
    }
    return {
      name: c.name,
      image: c.image ?? '',
      current,
      previous: list[1] ?? null,
      ...(waiting ? { waiting } : {}),
      ready: running && this.#ctx.probes.ready(this.uid, c.name),
      started: running && this.#ctx.probes.started(this.uid, c.name),
    };
  }

  async #writeStatus(): Promise<void> {
    const spec = this.#pod.spec!;
    // Probes first: they decide `ready`/`started`.
    const running = new Map<string, RunningContainer>();
    for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
      const cur = this.#current(c.name);
      if (cur?.state === 'running' && this.#sandbox) {
        running.set(c.name, {
          containerId: cur.id,
          startedAt: cur.startedAt ?? cur.createdAt,
          ports: this.#sandbox.ports,
        });
      }
    }
    this.#ctx.probes.sync(this.#pod, running);
    const status = buildPodStatus(this.#pod, {
      sandboxReady: this.#sandbox?.state === 'ready',
      podIP: this.#sandbox?.ip,
      init: (spec.initContainers ?? []).map((c) => this.#observe(c)),
      app: spec.containers.map((c) => this.#observe(c)),
      runtimeScheme: this.#ctx.runtime.type,
      now: this.#ctx.clock.now(),
    });
    await writePodStatus(this.#ctx, this.#pod, status);
  }
}

export function shouldRestart(policy: string | undefined, exitCode: number): boolean {
  if (policy === 'Never') return false;
  if (policy === 'OnFailure') return exitCode !== 0;
  return true;
}

/** Write status through the status subresource when it changed, retrying on conflicts. */
export async function writePodStatus(ctx: AgentContext, pod: KubeObject, status: unknown): Promise<void> {
  const ref = {
    group: '',
    resource: 'pods',
    namespace: pod.metadata.namespace,
    name: pod.metadata.name,
    subresource: 'status',
  };
  let current = pod;
  for (let attempt = 0; attempt < 5; attempt++) {
    if (isJsonEqual(current.status, status)) return;
    try {
      await ctx.api.update(ref, { ...current, status });
      return;
    } catch (err) {
      if (!isStatusError(err)) throw err;
      if (err.code === 404) return;
      if (err.code !== 409) throw err;
      current = await ctx.api.get({ ...ref, subresource: undefined });
      if (current.metadata.uid !== pod.metadata.uid) return;
    }
  }
}
