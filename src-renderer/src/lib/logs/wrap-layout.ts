// Heights of wrapped lines for the virtual list: with a monospace font a line of n characters
// takes ceil(n / columns) rows, so prefix sums of those counts place any line without measuring
// the DOM. Kept incrementally as lines arrive; rebuilt only when the width changes or many lines
// have been dropped from the front.
import type { LogBuffer } from './log-buffer';

export class WrapLayout {
  #columns = 0;
  /** Sequence number of the line `#prefix[0]` starts at. */
  #origin = 0;
  /** #prefix[k] = visual rows of lines origin … origin+k-1; valid for k ≤ #known. */
  #prefix = new Float64Array(1024);
  #known = 0;

  /** Brings the sums up to date with lines [buffer.dropped, end) at `columns` characters per row. */
  update(buffer: LogBuffer, end: number, columns: number): void {
    const start = buffer.dropped;
    const cols = Math.max(1, Math.floor(columns));
    if (cols !== this.#columns || start < this.#origin || start - this.#origin > this.#known / 2 + 4096) {
      this.#columns = cols;
      this.#origin = start;
      this.#known = 0;
    }
    const need = end - this.#origin;
    if (need + 1 > this.#prefix.length) {
      let size = this.#prefix.length;
      while (size < need + 1) size *= 2;
      const grown = new Float64Array(size);
      grown.set(this.#prefix.subarray(0, this.#known + 1));
      this.#prefix = grown;
    }
    let sum = this.#prefix[this.#known];
    buffer.forEach(this.#origin + this.#known, end, (line) => {
      sum += line.length <= cols ? 1 : Math.ceil(line.length / cols);
      this.#prefix[++this.#known] = sum;
    });
  }

  /** Visual rows before line `seq`, counted from the buffer's oldest line `start`. */
  rowsBefore(seq: number, start: number): number {
    return this.#prefix[seq - this.#origin] - this.#prefix[start - this.#origin];
  }

  /** Visual rows of line `seq`. */
  rowsOf(seq: number): number {
    const k = seq - this.#origin;
    return this.#prefix[k + 1] - this.#prefix[k];
  }

  /** The line at visual row `row` (counted from line `start`), clamped to [start, end). */
  lineAt(row: number, start: number, end: number): number {
    const base = this.#prefix[start - this.#origin];
    let lo = start;
    let hi = end - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.#prefix[mid - this.#origin] - base <= row) lo = mid;
      else hi = mid - 1;
    }
    return Math.max(start, lo);
  }
}
