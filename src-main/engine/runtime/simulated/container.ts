// One simulated container: its state machine (created → running → exited) on the clock, its
// resource model and its log. Idle containers hold no timers; only scheduled exits, a script's
// sleeps and followed rate-logs do.
import type { Clock, TimerHandle } from '../../clock.js';
import type { ContainerSpec, ContainerState, ContainerStatus } from '../types.js';
import type { ResolvedBehaviour } from './behaviour.js';
import { LogBuffer } from './logs.js';
import { parseCommand, ScriptProcess, understood } from './script.js';

export type ExitReason = { code: number; oomKilled?: boolean };

export interface ContainerEvents {
  started(container: SimContainer): void;
  died(container: SimContainer, oomKilled: boolean): void;
}

export class SimContainer {
  state: ContainerState = 'created';
  startedAt: number | undefined;
  finishedAt: number | undefined;
  exitCode: number | undefined;
  oomKilled = false;
  probeFailing: boolean;
  readonly files: Map<string, string>;
  readonly resizes: { cols: number; rows: number }[] = [];
  readonly logs: LogBuffer;
  #cpuNanos = 0;
  #timers: TimerHandle[] = [];
  #logTicker: TimerHandle | undefined;
  #generated = 0;
  #process: ScriptProcess | undefined;
  #waiters: ((code: number) => void)[] = [];

  constructor(
    readonly id: string,
    readonly sandboxId: string,
    readonly spec: ContainerSpec,
    readonly labels: Record<string, string>,
    readonly imageId: string,
    readonly createdAt: number,
    readonly behaviour: ResolvedBehaviour,
    readonly clock: Clock,
    readonly events: ContainerEvents,
    maxLogLines: number,
  ) {
    this.files = new Map(Object.entries(behaviour.files));
    this.probeFailing = behaviour.probeFails;
    this.logs = new LogBuffer(maxLogLines);
  }

  status(): ContainerStatus {
    return {
      id: this.id,
      name: this.spec.name,
      image: this.spec.image,
      imageId: this.imageId,
      state: this.state,
      createdAt: this.createdAt,
      startedAt: this.startedAt,
      finishedAt: this.finishedAt,
      ...(this.state === 'exited' ? { exitCode: this.exitCode } : {}),
      ...(this.oomKilled ? { oomKilled: true } : {}),
      labels: this.labels,
    };
  }

  /** The process starts: a script it understands, or the image's modelled behaviour. */
  run(): void {
    const now = this.clock.now();
    this.state = 'running';
    this.startedAt = now;
    this.finishedAt = undefined;
    this.exitCode = undefined;
    this.oomKilled = false;
    this.events.started(this);
    const b = this.behaviour;
    if (this.spec.memoryLimitBytes && b.memoryBytes > this.spec.memoryLimitBytes) {
      return this.exit({ code: 137, oomKilled: true });
    }
    if (b.oomAfterMs !== undefined) this.#after(b.oomAfterMs, { code: 137, oomKilled: true });
    const argv = [...(this.spec.command ?? []), ...(this.spec.args ?? [])];
    const statements = parseCommand(argv);
    if (understood(statements)) {
      this.#process = new ScriptProcess(
        statements,
        { clock: this.clock, files: this.files, write: (stream, text) => this.write(stream, text) },
        (code) => this.exit({ code }),
        { pid1: true },
      );
      this.#process.start();
    } else if (b.exitAfterMs !== undefined) {
      this.#after(b.exitAfterMs, { code: b.exitCode });
    }
  }

  #after(ms: number, reason: ExitReason): void {
    this.#timers.push(this.clock.setTimer(() => this.exit(reason), ms));
  }

  write(stream: 'stdout' | 'stderr', text: string): void {
    this.#materialise();
    this.logs.write(stream, text, this.clock.now());
  }

  exit(reason: ExitReason): void {
    if (this.state !== 'running') return;
    this.#materialise();
    const now = this.clock.now();
    this.#cpuNanos = this.cpuUsageNanos();
    this.state = 'exited';
    this.finishedAt = now;
    this.exitCode = reason.code;
    this.oomKilled = reason.oomKilled ?? false;
    for (const timer of this.#timers) timer.cancel();
    this.#timers = [];
    this.#logTicker?.cancel();
    this.#logTicker = undefined;
    if (this.#process && !this.#process.exited) this.#process.signal('KILL');
    this.#process = undefined;
    this.logs.end(now);
    this.events.died(this, this.oomKilled);
    for (const resolve of this.#waiters.splice(0)) resolve(reason.code);
  }

  /** SIGTERM now, SIGKILL after the grace period; resolves once the container has exited. */
  stop(timeoutSeconds: number): Promise<void> {
    if (this.state !== 'running') return Promise.resolve();
    const exited = this.wait().then(() => undefined);
    const died = this.#process ? this.#process.signal('TERM') : !this.behaviour.ignoreSigterm;
    if (died) {
      this.exit({ code: this.exitCode ?? 143 });
    } else {
      this.#timers.push(this.clock.setTimer(() => this.exit({ code: 137 }), Math.max(0, timeoutSeconds) * 1000));
    }
    return exited;
  }

  wait(): Promise<number> {
    if (this.state === 'exited') return Promise.resolve(this.exitCode ?? 0);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Removal: timers go, followers end. */
  dispose(): void {
    if (this.state === 'running') this.exit({ code: 137 });
    for (const timer of this.#timers) timer.cancel();
    this.logs.end(this.clock.now());
  }

  cpuUsageNanos(): number {
    if (this.state !== 'running' || this.startedAt === undefined) return this.#cpuNanos;
    return this.#cpuNanos + this.behaviour.cpuCores * (this.clock.now() - this.startedAt) * 1e6;
  }

  probePasses(): boolean {
    if (this.state !== 'running' || this.probeFailing || this.startedAt === undefined) return false;
    return this.clock.now() - this.startedAt >= this.behaviour.readyAfterMs;
  }

  /** Writes the rate-modelled lines due by now (lazily: nothing runs for an unread log). */
  #materialise(): void {
    const rate = this.behaviour.logLinesPerSecond;
    if (rate <= 0 || this.startedAt === undefined || this.state !== 'running') return;
    const due = Math.floor(((this.clock.now() - this.startedAt) * rate) / 1000);
    for (let n = this.#generated + 1; n <= due; n++) {
      const time = this.startedAt + Math.floor((n * 1000) / rate);
      this.logs.write('stdout', `${this.behaviour.logLine?.(n) ?? `${this.spec.name} log line ${n}`}\n`, time);
    }
    this.#generated = Math.max(this.#generated, due);
  }

  /** Brings the log up to date before a read; keeps a timer only while someone follows it. */
  prepareLogs(follow: boolean): void {
    this.#materialise();
    const rate = this.behaviour.logLinesPerSecond;
    if (!follow || rate <= 0 || this.state !== 'running' || this.#logTicker) return;
    const tick = (): void => {
      this.#logTicker = undefined;
      this.#materialise();
      if (this.state === 'running' && this.logs.followed) {
        this.#logTicker = this.clock.setTimer(tick, Math.max(1, 1000 / rate));
      }
    };
    this.#logTicker = this.clock.setTimer(tick, Math.max(1, 1000 / rate));
  }
}
