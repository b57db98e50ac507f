// Search over a LogBuffer: plain text or a regular expression, case-sensitive or not. Matching
// lines are found incrementally (`scan` looks at a bounded number of lines per call) so a search
// over a million lines never blocks a frame, and lines that arrive later are scanned as they come.

import type { LogBuffer } from './log-buffer';

export interface SearchOptions {
  regex: boolean;
  caseSensitive: boolean;
}

export interface MatchRange {
  start: number;
  end: number;
}

/** The query as a global RegExp, or the reason it is not a valid pattern. */
export function compileQuery(query: string, opts: SearchOptions): RegExp | { error: string } {
  const source = opts.regex ? query : query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  try {
    return new RegExp(source, opts.caseSensitive ? 'g' : 'gi');
  } catch (e) {
    return { error: e instanceof Error ? e.message.replace(/^Invalid regular expression: /, '') : String(e) };
  }
}

/** Where `pattern` matches in `line` (empty matches skipped), for highlighting. */
export function matchRanges(line: string, pattern: RegExp, limit = 200): MatchRange[] {
  const out: MatchRange[] = [];
  pattern.lastIndex = 0;
  let m: RegExpExecArray | null;
  while (out.length < limit && (m = pattern.exec(line)) !== null) {
    if (m[0].length === 0) {
      pattern.lastIndex++;
      continue;
    }
    out.push({ start: m.index, end: m.index + m[0].length });
  }
  pattern.lastIndex = 0;
  return out;
}

export class LogSearch {
  /** Sequence numbers of matching lines, ascending. */
  readonly matches: number[] = [];
  #next = 0;
  readonly #test: RegExp;

  constructor(readonly pattern: RegExp) {
    // A non-global copy: `test` on a global RegExp carries lastIndex from line to line.
    this.#test = new RegExp(pattern.source, pattern.flags.replace('g', ''));
  }

  /** True when every line that has arrived has been looked at. */
  done(buffer: LogBuffer): boolean {
    return this.#next >= buffer.total;
  }

  /** Looks at up to `budget` more lines; returns how many new matches were found. */
  scan(buffer: LogBuffer, budget = 50_000): number {
    this.#forget(buffer.dropped);
    const from = Math.max(this.#next, buffer.dropped);
    const to = Math.min(buffer.total, from + budget);
    const before = this.matches.length;
    buffer.forEach(from, to, (line, seq) => {
      if (this.#test.test(line)) this.matches.push(seq);
    });
    this.#next = to;
    return this.matches.length - before;
  }

  /** Drops matches on lines the buffer no longer holds. */
  #forget(oldest: number): void {
    let k = 0;
    while (k < this.matches.length && this.matches[k] < oldest) k++;
    if (k) this.matches.splice(0, k);
  }

  /** Index in `matches` of the first match at or after `seq` (wrapping to 0), or -1 when none. */
  nextFrom(seq: number): number {
    if (!this.matches.length) return -1;
    let lo = 0;
    let hi = this.matches.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.matches[mid] < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo === this.matches.length ? 0 : lo;
  }
}
