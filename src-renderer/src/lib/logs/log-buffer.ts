// The log view's line store: a chunked ring of strings with a line cap. Lines are kept in arrival
// order and never reordered; past the cap the oldest are dropped (and counted) so a view that
// follows a chatty container for hours stays in bounded memory. Each line has a sequence number
// (its position since the stream began) that stays valid after older lines are dropped, so search
// matches and selections survive a drop. Pure TypeScript: no DOM, no Svelte.
//
// A full chunk is packed into one string plus an offset table, so a million lines are ~250 heap
// objects rather than a million: garbage collection (which must visit every live object) stays
// short while a chatty container fills the buffer. Reading a packed line takes a slice, which V8
// makes without copying.

/** Lines per chunk: big enough that a million lines are ~250 arrays, small enough to free promptly. */
const CHUNK = 4096;

export const DEFAULT_LINE_CAP = 1_000_000;

export class LogBuffer {
  readonly cap: number;
  /** Full chunks of CHUNK lines, packed, and the last one still filling. */
  #chunks: Chunk[] = [];
  /** Lines at the start of the first chunk that were already dropped. */
  #headSkip = 0;
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
      if (!Array.isArray(last)) {
        last = [];
        this.#chunks.push(last);
      }
      const n = Math.min(CHUNK - last.length, lines.length - i);
      for (let k = 0; k < n; k++) last.push(lines[i + k]);
      i += n;
      this.#size += n;
      if (last.length === CHUNK) this.#chunks[this.#chunks.length - 1] = pack(last);
    }
    if (this.#size > this.cap) this.#drop(this.#size - this.cap);
  }

  #drop(count: number): void {
    this.#size -= count;
    this.#dropped += count;
    this.#headSkip += count;
    // A partly dropped first chunk is kept whole until all of it goes: at most CHUNK lines extra.
    while (this.#headSkip >= CHUNK) {
      this.#chunks.shift();
      this.#headSkip -= CHUNK;
    }
  }

  /** The line with sequence number `seq`, or undefined when it was dropped or has not arrived. */
  get(seq: number): string | undefined {
    const i = seq - this.#dropped;
    if (i < 0 || i >= this.#size) return undefined;
    const p = this.#headSkip + i;
    return lineOf(this.#chunks[Math.floor(p / CHUNK)], p % CHUNK);
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
      const n = Array.isArray(chunk) ? chunk.length : CHUNK;
      for (let k = p % CHUNK; k < n && seq < end; k++, seq++) fn(lineOf(chunk, k), seq);
    }
  }

  /** Everything held, one line per row (for download). */
  toText(): string {
    const parts: string[] = [];
    for (let c = 0; c < this.#chunks.length; c++) {
      const chunk = this.#chunks[c];
      const from = c === 0 ? this.#headSkip : 0;
      if (Array.isArray(chunk)) {
        if (chunk.length > from) parts.push((from ? chunk.slice(from) : chunk).join('\n'));
      } else if (from < CHUNK) {
        parts.push(chunk.text.slice(chunk.ends[from] - lengthAt(chunk, from), chunk.ends[CHUNK - 1]));
      }
    }
    return parts.length ? parts.join('\n') + '\n' : '';
  }

  clear(): void {
    this.#chunks = [];
    this.#headSkip = 0;
    this.#dropped += this.#size;
    this.#size = 0;
  }
}

/** A filling chunk (its lines) or a full one packed: lines joined by '\n' and each line's end offset. */
type Chunk = string[] | { text: string; ends: Uint32Array };

function pack(lines: string[]): Chunk {
  const text = lines.join('\n');
  const ends = new Uint32Array(lines.length);
  let at = 0;
  for (let k = 0; k < lines.length; k++) {
    at += lines[k].length;
    ends[k] = at;
    at += 1; // the '\n' after it
  }
  return { text, ends };
}

function lengthAt(chunk: { ends: Uint32Array }, k: number): number {
  return chunk.ends[k] - (k === 0 ? 0 : chunk.ends[k - 1] + 1);
}

function lineOf(chunk: Chunk, k: number): string {
  if (Array.isArray(chunk)) return chunk[k];
  const end = chunk.ends[k];
  return chunk.text.slice(end - lengthAt(chunk, k), end);
}
