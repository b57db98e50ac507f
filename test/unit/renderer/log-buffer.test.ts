import { describe, expect, it } from 'vitest';
import { LogBuffer } from '../../../src-renderer/src/lib/logs/log-buffer.js';
import { compileQuery, LogSearch, matchRanges } from '../../../src-renderer/src/lib/logs/log-search.js';
import { severityOf } from '../../../src-renderer/src/lib/logs/severity.js';

const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `line ${from + i}`);

function regexOf(query: string, regex = false, caseSensitive = false): RegExp {
  const p = compileQuery(query, { regex, caseSensitive });
  if (!(p instanceof RegExp)) throw new Error(p.error);
  return p;
}

describe('log buffer', () => {
  it('keeps lines in arrival order across batches and chunk boundaries', () => {
    const b = new LogBuffer();
    b.append(lines(0, 3000));
    b.append(lines(3000, 3001));
    b.append(lines(3001, 10_000));
    expect(b.size).toBe(10_000);
    expect(b.slice(0, 10_000)).toEqual(lines(0, 10_000));
    expect(b.get(4095)).toBe('line 4095');
    expect(b.get(4096)).toBe('line 4096');
    expect(b.get(10_000)).toBeUndefined();
  });

  it('drops nothing until the cap is exceeded', () => {
    const b = new LogBuffer(5000);
    b.append(lines(0, 5000));
    expect(b.dropped).toBe(0);
    expect(b.size).toBe(5000);
  });

  it('drops exactly the oldest lines past the cap and counts them, keeping sequence numbers stable', () => {
    const b = new LogBuffer(5000);
    b.append(lines(0, 5000));
    b.append(lines(5000, 5003));
    expect(b.size).toBe(5000);
    expect(b.dropped).toBe(3);
    expect(b.total).toBe(5003);
    expect(b.get(2)).toBeUndefined();
    expect(b.get(3)).toBe('line 3');
    expect(b.get(5002)).toBe('line 5002');
    for (let i = 0; i < 20; i++) b.append(lines(5003 + i * 1000, 5003 + (i + 1) * 1000));
    expect(b.dropped).toBe(20_003);
    expect(b.slice(b.dropped, b.total)).toEqual(lines(20_003, 25_003));
  });

  it('a batch larger than the cap keeps its newest lines', () => {
    const b = new LogBuffer(10);
    b.append(lines(0, 100_000));
    expect(b.slice(0, Infinity)).toEqual(lines(99_990, 100_000));
    expect(b.dropped).toBe(99_990);
  });

  it('serialises what it holds for download, one line per row', () => {
    const b = new LogBuffer(3);
    b.append(['a', 'b', 'c', 'd']);
    expect(b.toText()).toBe('b\nc\nd\n');
    expect(new LogBuffer().toText()).toBe('');
  });

  it('reads back packed (full) chunks exactly: empty lines, unicode, partly dropped first chunk', () => {
    const odd = (i: number) => (i % 5 === 0 ? '' : i % 7 === 0 ? `näive ✓ ${i}\t` : `line ${i}`);
    const all = Array.from({ length: 12_000 }, (_, i) => odd(i));
    const b = new LogBuffer(7000);
    for (let i = 0; i < all.length; i += 999) b.append(all.slice(i, i + 999));
    expect(b.dropped).toBe(5000);
    expect(b.slice(0, Infinity)).toEqual(all.slice(5000));
    expect(b.toText()).toBe(all.slice(5000).join('\n') + '\n');
    const seen: string[] = [];
    b.forEach(8190, 8200, (line, seq) => seen.push(`${seq}:${line}`));
    expect(seen).toEqual(all.slice(8190, 8200).map((l, k) => `${8190 + k}:${l}`));
    expect(b.get(4999)).toBeUndefined();
    expect(b.get(8191)).toBe(all[8191]);
  });

  it('appends 1,000,000 lines in well under a second', () => {
    const batch = lines(0, 1000);
    const b = new LogBuffer();
    const started = performance.now();
    for (let i = 0; i < 1000; i++) b.append(batch);
    const elapsed = performance.now() - started;
    expect(b.size).toBe(1_000_000);
    expect(b.dropped).toBe(0);
    expect(elapsed).toBeLessThan(1000);
  });

  it('stays at the cap with a million more lines appended past it', () => {
    const b = new LogBuffer(1_000_000);
    const batch = lines(0, 2000);
    for (let i = 0; i < 1000; i++) b.append(batch);
    expect(b.size).toBe(1_000_000);
    expect(b.dropped).toBe(1_000_000);
  });
});

describe('log search', () => {
  it('finds plain text case-insensitively by default and escapes regex characters', () => {
    const b = new LogBuffer();
    b.append(['GET /a.b 200', 'get /axb 500', 'POST /a.b 201']);
    const s = new LogSearch(regexOf('get /a.b'));
    s.scan(b);
    expect(s.matches).toEqual([0]);
    const all = new LogSearch(regexOf('/a.b'));
    all.scan(b);
    expect(all.matches).toEqual([0, 2]);
  });

  it('honours regular expressions and the case toggle', () => {
    const b = new LogBuffer();
    b.append(['Error 1', 'error 2', 'warning']);
    const cs = new LogSearch(regexOf('^Error \\d', true, true));
    cs.scan(b);
    expect(cs.matches).toEqual([0]);
    const ci = new LogSearch(regexOf('^error \\d', true, false));
    ci.scan(b);
    expect(ci.matches).toEqual([0, 1]);
  });

  it('reports an invalid pattern instead of throwing', () => {
    expect(compileQuery('a(', { regex: true, caseSensitive: false })).toHaveProperty('error');
  });

  it('scans incrementally within a budget and picks up lines that arrive later', () => {
    const b = new LogBuffer();
    b.append(lines(0, 100_000));
    const s = new LogSearch(regexOf('99'));
    s.scan(b, 1000);
    expect(s.done(b)).toBe(false);
    expect(s.matches.every((m) => m < 1000)).toBe(true);
    while (!s.done(b)) s.scan(b, 1000);
    const count = s.matches.length;
    b.append(['line with 99 again']);
    expect(s.done(b)).toBe(false);
    s.scan(b);
    expect(s.matches.length).toBe(count + 1);
    expect(s.matches[s.matches.length - 1]).toBe(100_000);
  });

  it('forgets matches on dropped lines and finds the next match after a position, wrapping', () => {
    const b = new LogBuffer(4);
    b.append(['x', 'a', 'x', 'b']);
    const s = new LogSearch(regexOf('x'));
    s.scan(b);
    expect(s.nextFrom(1)).toBe(1);
    expect(s.nextFrom(3)).toBe(0);
    b.append(['c', 'x']);
    s.scan(b);
    expect(s.matches).toEqual([2, 5]);
  });

  it('returns highlight ranges and skips empty matches', () => {
    expect(matchRanges('foo bar foo', regexOf('foo'))).toEqual([
      { start: 0, end: 3 },
      { start: 8, end: 11 },
    ]);
    expect(matchRanges('abc', regexOf('x*', true))).toEqual([]);
  });
});

describe('severity detection', () => {
  it.each([
    ['E1122 10:00:00.000000   1 controller.go:12] sync failed', 'error'],
    ['W1122 10:00:00.000000   1 reflector.go:1] watch closed', 'warn'],
    ['I1122 10:00:00.000000   1 main.go:1] started', 'info'],
    ['time="2026-01-01" level=error msg="boom"', 'error'],
    ['{"level":"warn","msg":"slow"}', 'warn'],
    ['[INFO] listening on :8080', 'info'],
    ['2026-01-01T00:00:00Z DEBUG cache miss', 'debug'],
    ['ERROR: connection refused', 'error'],
    ['panic: runtime error: index out of range', 'error'],
    ['Traceback (most recent call last):', 'error'],
    ['WARNING: deprecated flag', 'warn'],
  ])('%s is %s', (line, severity) => {
    expect(severityOf(line)).toBe(severity);
  });

  it('leaves plain lines and words merely containing a level alone', () => {
    expect(severityOf('hello world')).toBeNull();
    expect(severityOf('no terrors here, informative text')).toBeNull();
  });
});
