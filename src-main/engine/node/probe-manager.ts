// Probes, as the kubelet's prober (pkg/kubelet/prober/worker.go, prober_manager.go): one worker
// per container and probe type, ticking every periodSeconds on the injected clock.
// - A startup probe gates the others: liveness and readiness do not run until it has succeeded.
// - Probes are skipped until initialDelaySeconds after the container started.
// - A result only counts once it repeats successThreshold / failureThreshold times in a row.
// - A liveness or startup failure asks for the container to be killed and puts the worker on
//   hold until a new container (id) replaces it; readiness only flips Ready.
// Every attempt is kept in a bounded per-container history for the UI.
import type { Pod, Probe } from 'kubernetes-types/core/v1';
import type { Clock, TimerHandle } from '../clock.js';
import { rfc3339Micro } from '../clock.js';
import type { ContainerRuntime, PortBinding } from '../runtime/types.js';
import type { ProbeType } from './constants.js';
import { runHandler, type HandlerOutcome } from './handlers.js';

export const PROBE_HISTORY_LIMIT = 500;

export interface ProbeRecord {
  /** RFC 3339 (microseconds) time of the attempt. */
  time: string;
  probe: ProbeType;
  container: string;
  containerId: string;
  result: 'success' | 'failure' | 'timeout';
  latencyMs: number;
  httpStatus?: number;
  exitCode?: number;
  /** First 1 KiB of output / body. */
  output: string;
  message?: string;
}

/** What the pod worker tells the prober about one running container. */
export interface RunningContainer {
  containerId: string;
  /** ms since epoch */
  startedAt: number;
  ports: (PortBinding & { hostPort: number })[];
}

export interface ProbeCallbacks {
  /** A result that affects status changed: resync the pod. */
  onChange(uid: string): void;
  /** One failed attempt (the kubelet records Unhealthy for each). */
  onFailedAttempt(pod: Pod, container: string, type: ProbeType, message: string): void;
  /** Liveness / startup failed past the threshold: kill and restart per policy. */
  onKill(uid: string, container: string, containerId: string, type: ProbeType): void;
}

type Result = 'success' | 'failure' | undefined;

class ProbeWorker {
  result: Result;
  #lastResult: Result;
  #resultRun = 0;
  #onHold = false;
  #timer: TimerHandle | null = null;
  #stopped = false;
  #busy = false;

  constructor(
    readonly m: ProbeManager,
    readonly pod: Pod,
    readonly container: string,
    readonly type: ProbeType,
    readonly spec: Probe,
    readonly target: RunningContainer,
  ) {
    // Initial results (prober_manager.go): readiness starts as failure, liveness as success,
    // startup as unknown (not started).
    this.result = type === 'readiness' ? 'failure' : type === 'liveness' ? 'success' : undefined;
    this.#tick();
  }

  stop(): void {
    this.#stopped = true;
    this.#timer?.cancel();
  }

  #tick(): void {
    if (this.#stopped) return;
    void this.#probeOnce().finally(() => {
      if (this.#stopped) return;
      this.#timer = this.m.clock.setTimer(() => this.#tick(), (this.spec.periodSeconds ?? 10) * 1000);
    });
  }

  async #probeOnce(): Promise<void> {
    if (this.#onHold || this.#busy) return;
    const uid = this.pod.metadata!.uid!;
    const now = this.m.clock.now();
    if (now - this.target.startedAt < (this.spec.initialDelaySeconds ?? 0) * 1000) return;
    const started = this.m.started(uid, this.container);
    if (this.type === 'startup' && started) return;
    if (this.type !== 'startup' && !started) return;
    this.#busy = true;
    let outcome: HandlerOutcome;
    try {
      outcome = await this.m.run(this.pod, this.container, this.spec, this.target);
    } finally {
      this.#busy = false;
    }
    if (this.#stopped) return;
    this.m.record(uid, {
      time: rfc3339Micro(now),
      probe: this.type,
      container: this.container,
      containerId: this.target.containerId,
      result: outcome.result,
      latencyMs: outcome.latencyMs,
      ...(outcome.httpStatus !== undefined ? { httpStatus: outcome.httpStatus } : {}),
      ...(outcome.exitCode !== undefined ? { exitCode: outcome.exitCode } : {}),
      output: outcome.output,
      ...(outcome.message ? { message: outcome.message } : {}),
    });
    const result: Result = outcome.result === 'success' ? 'success' : 'failure';
    if (result === 'failure') this.m.callbacks.onFailedAttempt(this.pod, this.container, this.type, outcome.message);
    if (result === this.#lastResult) this.#resultRun++;
    else {
      this.#lastResult = result;
      this.#resultRun = 1;
    }
    if (
      (result === 'failure' && this.#resultRun < (this.spec.failureThreshold ?? 3)) ||
      (result === 'success' && this.#resultRun < (this.spec.successThreshold ?? 1))
    ) {
      return;
    }
    const changed = this.result !== result;
    this.result = result;
    if ((this.type === 'liveness' || this.type === 'startup') && result === 'failure') {
      this.#onHold = true;
      this.#resultRun = 0;
      this.m.callbacks.onKill(uid, this.container, this.target.containerId, this.type);
    }
    if (changed) this.m.callbacks.onChange(uid);
  }
}

export class ProbeManager {
  readonly clock: Clock;
  readonly callbacks: ProbeCallbacks;
  #runtime: ContainerRuntime;
  #workers = new Map<string, ProbeWorker>();
  #history = new Map<string, ProbeRecord[]>();
  #limit: number;

  constructor(clock: Clock, runtime: ContainerRuntime, callbacks: ProbeCallbacks, historyLimit = PROBE_HISTORY_LIMIT) {
    this.clock = clock;
    this.callbacks = callbacks;
    this.#runtime = runtime;
    this.#limit = historyLimit;
  }

  /** Start, keep or stop workers to match the pod's running containers. */
  sync(pod: Pod, running: Map<string, RunningContainer>): void {
    const uid = pod.metadata!.uid!;
    const want = new Set<string>();
    for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
      const r = running.get(c.name);
      if (!r) continue;
      const probes: [ProbeType, Probe | undefined][] = [
        ['startup', c.startupProbe],
        ['liveness', c.livenessProbe],
        ['readiness', c.readinessProbe],
      ];
      for (const [type, spec] of probes) {
        if (!spec) continue;
        const key = `${uid}/${c.name}/${type}`;
        want.add(key);
        const w = this.#workers.get(key);
        if (w && w.target.containerId === r.containerId) continue;
        w?.stop();
        this.#workers.set(key, new ProbeWorker(this, pod, c.name, type, spec, r));
      }
    }
    for (const [key, w] of this.#workers) {
      if (key.startsWith(`${uid}/`) && !want.has(key)) {
        w.stop();
        this.#workers.delete(key);
      }
    }
  }

  /** Whether the container counts as started: its startup probe succeeded, or it has none. */
  started(uid: string, container: string): boolean {
    const w = this.#workers.get(`${uid}/${container}/startup`);
    return !w || w.result === 'success';
  }

  /** Readiness: its readiness probe's result, or true when it has none (and is started). */
  ready(uid: string, container: string): boolean {
    if (!this.started(uid, container)) return false;
    const w = this.#workers.get(`${uid}/${container}/readiness`);
    return !w || w.result === 'success';
  }

  run(pod: Pod, container: string, spec: Probe, target: RunningContainer): Promise<HandlerOutcome> {
    const c = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].find((x) => x.name === container)!;
    return runHandler(
      spec,
      { runtime: this.#runtime, containerId: target.containerId, container: c, ports: target.ports },
      (spec.timeoutSeconds ?? 1) * 1000,
    );
  }

  record(uid: string, r: ProbeRecord): void {
    const key = `${uid}/${r.container}`;
    let ring = this.#history.get(key);
    if (!ring) this.#history.set(key, (ring = []));
    ring.push(r);
    if (ring.length > this.#limit) ring.splice(0, ring.length - this.#limit);
  }

  history(uid: string, container?: string): ProbeRecord[] {
    if (container) return [...(this.#history.get(`${uid}/${container}`) ?? [])];
    const all: ProbeRecord[] = [];
    for (const [k, ring] of this.#history) if (k.startsWith(`${uid}/`)) all.push(...ring);
    return all.sort((a, b) => a.time.localeCompare(b.time));
  }

  /** Stop the pod's workers; keep its history unless `forget`. */
  removePod(uid: string, forget = false): void {
    for (const [key, w] of this.#workers) {
      if (key.startsWith(`${uid}/`)) {
        w.stop();
        this.#workers.delete(key);
      }
    }
    if (forget) for (const k of [...this.#history.keys()]) if (k.startsWith(`${uid}/`)) this.#history.delete(k);
  }

  stop(): void {
    for (const w of this.#workers.values()) w.stop();
    this.#workers.clear();
  }
}
