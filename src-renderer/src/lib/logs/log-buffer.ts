// The log view's line store: a chunked ring of strings with a line cap. Lines are kept in arrival
// order and never reordered; past the cap the oldest are dropped (and counted) so a view that
// follows a chatty container for hours stays in bounded memory. Each line has a sequence number
// (its position since the stream began) that stays valid after older lines are dropped, so search
// matches and selections survive a drop. Pure TypeScript: no DOM, no Svelte.

/** Lines per chunk: big enough that a million lines are ~250 arrays, small enough to free promptly. */
const CHUNK = 4096;

export const DEFAULT_LINE_CAP = 1_000_000;

export class LogBuffer {
  readonly cap: number;
  /** Full chunks of CHUNK lines, except the last one. */
  #chunks: string[][] = [];
  /** Lines at the start of the first chunk that were already dropped. */
  #headSkip = 0;
  /** Of those, how many have been overwritten with '' to release their strings. */
  #released = 0;
  #size = 0;
  #dropped = 0;

  constructor(cap = DEFAULT_LINE_CAP) {
    if (!Number.isInteger(cap) || cap < 1) throw new RangeError(`line cap must be a positive integer, got ${cap}`);
    this.cap = cap;
  }

  /** Lines currently held. */
  get size(): number {
    return this.#size;
  }

  /** Lines dropped from the front because of the cap; also the sequence number of the oldest line held. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Lines ever appended; also the sequence number the next line will get. */
  get total(): number {
    return this.#dropped + this.#size;
  }

  /** Appends a batch in order; drops the oldest lines only when the cap is exceeded. */
  append(lines: readonly string[]): void {
    let i = 0;
    while (i < lines.length) {
      let last = this.#chunks[this.#chunks.length - 1];
      if (!last || last.length === CHUNK) {
        last = [];
        this.#chunks.push(last);
      }
      const n = Math.min(CHUNK - last.length, lines.length - i);
      for (let k = 0; k < n; k++) last.push(lines[i + k]);
      i += n;
      this.#size += n;
    }
    if (this.#size > this.cap) this.#drop(this.#size - this.cap);
  }

  #drop(count: number): void {
    this.#size -= count;
    this.#dropped += count;
    this.#headSkip += count;
    while (this.#headSkip >= CHUNK) {
      this.#chunks.shift();
      this.#headSkip -= CHUNK;
      this.#released = 0;
    }
    // Release the dropped strings of a partly dropped first chunk without shifting it.
    const first = this.#chunks[0];
    if (first) for (; this.#released < this.#headSkip; this.#released++) first[this.#released] = '';
  }

  /** The line with sequence number `seq`, or undefined when it was dropped or has not arrived. */
  get(seq: number): string | undefined {
    const i = seq - this.#dropped;
    if (i < 0 || i >= this.#size) return undefined;
    const p = this.#headSkip + i;
    return this.#chunks[Math.floor(p / CHUNK)][p % CHUNK];
  }

  /** Lines with sequence numbers in [from, to), clamped to what is held. */
  slice(from: number, to: number): string[] {
    const out: string[] = [];
    const end = Math.min(to, this.total);
    for (let seq = Math.max(from, this.#dropped); seq < end; seq++) out.push(this.get(seq)!);
    return out;
  }

  /** Calls `fn` for lines in [from, to) in order, without building an array. */
  forEach(from: number, to: number, fn: (line: string, seq: number) => void): void {
    const end = Math.min(to, this.total);
    let seq = Math.max(from, this.#dropped);
    while (seq < end) {
      const p = this.#headSkip + (seq - this.#dropped);
      const chunk = this.#chunks[Math.floor(p / CHUNK)];
      for (let k = p % CHUNK; k < chunk.length && seq < end; k++, seq++) fn(chunk[k], seq);
    }
  }

  /** Everything held, one line per row (for download). */
  toText(): string {
    const parts: string[] = [];
    for (let c = 0; c < this.#chunks.length; c++) {
      const chunk = c === 0 ? this.#chunks[0].slice(this.#headSkip) : this.#chunks[c];
      if (chunk.length) parts.push(chunk.join('\n'));
    }
    return parts.length ? parts.join('\n') + '\n' : '';
  }

  clear(): void {
    this.#chunks = [];
    this.#headSkip = 0;
    this.#released = 0;
    this.#dropped += this.#size;
    this.#size = 0;
  }
}
