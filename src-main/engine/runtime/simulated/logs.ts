// A simulated container's log: timestamped lines kept in memory (the oldest dropped past a cap,
// as Docker's log rotation would), read with tail/since/timestamps, and followed until exit.
import type { LogChunk, LogOptions, LogStream } from '../types.js';

export interface LogEntry {
  time: number;
  stream: 'stdout' | 'stderr';
  /** One line including its `\n` (a final partial line has none). */
  text: string;
}

/** Docker's fixed-width RFC 3339 nanosecond timestamp (`2026-01-01T00:00:00.123000000Z`). */
export function rfc3339Nano(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

export function toChunk(entry: LogEntry, timestamps: boolean): LogChunk {
  return {
    stream: entry.stream,
    data: Buffer.from(timestamps ? `${rfc3339Nano(entry.time)} ${entry.text}` : entry.text),
  };
}

export class LogBuffer {
  #entries: LogEntry[] = [];
  #start = 0; // index of the oldest kept entry (avoids shifting a big array)
  #partial: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };
  #followers = new Set<SimulatedLogStream>();
  readonly #maxLines: number;

  constructor(maxLines: number) {
    this.#maxLines = maxLines;
  }

  get followed(): boolean {
    return this.#followers.size > 0;
  }

  /** Appends output; complete lines become entries (and reach followers) at once. */
  write(stream: 'stdout' | 'stderr', text: string, time: number): void {
    const all = this.#partial[stream] + text;
    const lines = all.split('\n');
    this.#partial[stream] = lines.pop() ?? '';
    for (const line of lines) this.#append({ time, stream, text: `${line}\n` });
  }

  /** The process ended: a trailing partial line is flushed and followers end. */
  end(time: number): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.#partial[stream]) this.#append({ time, stream, text: this.#partial[stream] });
      this.#partial[stream] = '';
    }
    for (const follower of this.#followers) follower.finish();
  }

  #append(entry: LogEntry): void {
    this.#entries.push(entry);
    if (this.#entries.length - this.#start > this.#maxLines) this.#start++;
    if (this.#start > 4096 && this.#start * 2 > this.#entries.length) {
      this.#entries = this.#entries.slice(this.#start);
      this.#start = 0;
    }
    for (const follower of this.#followers) follower.push(entry);
  }

  select(opts: LogOptions): LogEntry[] {
    let entries = this.#entries.slice(this.#start);
    if (opts.sinceMs !== undefined) entries = entries.filter((e) => e.time >= (opts.sinceMs as number));
    if (opts.tail !== undefined) entries = opts.tail <= 0 ? [] : entries.slice(-opts.tail);
    return entries;
  }

  open(opts: LogOptions, running: boolean): LogStream {
    const stream = new SimulatedLogStream(opts.timestamps ?? false, () => this.#followers.delete(stream));
    for (const entry of this.select(opts)) stream.push(entry);
    if (opts.follow && running) this.#followers.add(stream);
    else stream.finish();
    return stream;
  }
}

class SimulatedLogStream implements LogStream {
  #queue: LogChunk[] = [];
  #head = 0;
  #done = false;
  #wake: (() => void) | undefined;
  #timestamps: boolean;
  #detach: () => void;

  constructor(timestamps: boolean, detach: () => void) {
    this.#timestamps = timestamps;
    this.#detach = detach;
  }

  push(entry: LogEntry): void {
    if (this.#done) return;
    this.#queue.push(toChunk(entry, this.#timestamps));
    this.#wake?.();
  }

  finish(): void {
    this.#done = true;
    this.#detach();
    this.#wake?.();
  }

  close(): void {
    this.#queue = [];
    this.#head = 0;
    this.finish();
  }

  async *#iterate(): AsyncGenerator<LogChunk> {
    for (;;) {
      if (this.#head < this.#queue.length) {
        const chunk = this.#queue[this.#head++];
        if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
          this.#queue = this.#queue.slice(this.#head);
          this.#head = 0;
        }
        yield chunk;
      } else if (this.#done) {
        return;
      } else {
        await new Promise<void>((resolve) => (this.#wake = resolve));
        this.#wake = undefined;
      }
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<LogChunk> {
    return this.#iterate();
  }
}
