// One open log view's streams: one `logs` subscription per container shown ("all containers"
// opens one each and merges them by arrival, prefixing each line with its container's name).
// Lines are collected as they arrive and appended to the buffer once per animation frame, so a
// burst of thousands of lines costs one buffer append and one render, not thousands.
import type { ErrorInfo, LogsMessage, LogsRequest } from '../../../../src-main/ipc/contract';
import { api } from '../api';
import { toErrorInfo } from '../errors';
import { LogBuffer } from './log-buffer';

export interface LogTarget {
  namespace: string;
  pod: string;
  /** The containers to stream; more than one → lines are prefixed with `[name] `. */
  containers: string[];
  previous: boolean;
  timestamps: boolean;
}

/** How much history a newly opened view asks for (the buffer keeps far more as it follows). */
const TAIL_LINES = 50_000;

const nextFrame: (fn: () => void) => unknown =
  typeof requestAnimationFrame === 'function' ? requestAnimationFrame : (fn) => setTimeout(fn, 16);

export class LogSession {
  readonly buffer: LogBuffer;
  /** Bumped once per flushed batch; views derive from it. */
  version = $state(0);
  error = $state<ErrorInfo | null>(null);
  /** Streams still open (0 → every container's stream ended, e.g. the container exited). */
  open = $state(0);
  started = $state(false);
  #pending: string[] = [];
  #scheduled = false;
  #closers: (() => void)[] = [];
  #stopped = false;

  constructor(
    readonly target: LogTarget,
    cap?: number,
  ) {
    this.buffer = new LogBuffer(cap);
    const prefix = target.containers.length > 1;
    for (const container of target.containers) void this.#open(container, prefix);
  }

  async #open(container: string, prefix: boolean): Promise<void> {
    const request: LogsRequest = {
      namespace: this.target.namespace,
      pod: this.target.pod,
      container,
      follow: !this.target.previous,
      previous: this.target.previous,
      timestamps: this.target.timestamps,
      tailLines: TAIL_LINES,
    };
    this.open++;
    const tag = `[${container}] `;
    try {
      const close = await api.subscribe('logs', request, (m) => {
        if ('message' in m) {
          const { lines } = m.message as LogsMessage;
          this.#receive(prefix ? lines.map((l) => tag + l) : lines);
        } else {
          this.open--;
          if ('error' in m) this.error = m.error;
        }
      });
      this.started = true;
      if (this.#stopped) close();
      else this.#closers.push(close);
    } catch (e) {
      this.open--;
      this.started = true;
      this.error = toErrorInfo(e);
    }
  }

  #receive(lines: string[]): void {
    if (this.#stopped || lines.length === 0) return;
    for (const l of lines) this.#pending.push(l);
    if (this.#scheduled) return;
    this.#scheduled = true;
    nextFrame(() => this.flush());
  }

  /** Moves what arrived since the last frame into the buffer. */
  flush(): void {
    this.#scheduled = false;
    if (this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    this.buffer.append(batch);
    this.version++;
  }

  stop(): void {
    this.#stopped = true;
    for (const close of this.#closers) close();
    this.#closers = [];
  }
}
