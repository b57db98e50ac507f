// A line cut into plain and highlighted parts for rendering search matches.
import { matchRanges } from './log-search';

export interface LinePart {
  text: string;
  hit: boolean;
}

/** Lines longer than this are shown cut, so one multi-megabyte line cannot stall layout. */
export const MAX_RENDERED_CHARS = 10_000;

export function lineParts(line: string, pattern: RegExp | null): LinePart[] {
  const text = line.length > MAX_RENDERED_CHARS ? line.slice(0, MAX_RENDERED_CHARS) + ' …' : line;
  if (!pattern) return [{ text, hit: false }];
  const parts: LinePart[] = [];
  let at = 0;
  for (const r of matchRanges(text, pattern)) {
    if (r.start > at) parts.push({ text: text.slice(at, r.start), hit: false });
    parts.push({ text: text.slice(r.start, r.end), hit: true });
    at = r.end;
  }
  if (at < text.length || parts.length === 0) parts.push({ text: text.slice(at), hit: false });
  return parts;
}
