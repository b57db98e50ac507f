// A line's severity from the patterns common loggers print: klog's `E1122 10:00:00` prefix,
// `level=error` (logfmt), `"level":"warn"` (JSON), `[ERROR]`, `WARN:`, and words like panic or
// Traceback. Only the first part of a line is looked at, so a huge line costs no more than a short one.

export type Severity = 'error' | 'warn' | 'info' | 'debug';

const HEAD = 240;
const KLOG = /^(?:\[[^\]]{1,40}\]\s)?([EWID])\d{4}\s\d{2}:\d{2}:\d{2}/;
const LEVEL =
  /(?:^|[\s[("'|:=,{])(fatal|panic|crit(?:ical)?|emerg(?:ency)?|alert|err(?:or)?|severe|warn(?:ing)?|info|notice|debug|trace|dbg)(?=$|[\s\]):"'|,=}.-])/i;
const KLOG_LEVEL: Record<string, Severity> = { E: 'error', W: 'warn', I: 'info', D: 'debug' };
const ERROR_WORDS = /Traceback \(most recent call last\)|\b(?:Exception|Unhandled|Uncaught|segmentation fault)\b/;

export function severityOf(line: string): Severity | null {
  const head = line.length > HEAD ? line.slice(0, HEAD) : line;
  const klog = KLOG.exec(head);
  if (klog) return KLOG_LEVEL[klog[1]];
  const m = LEVEL.exec(head);
  if (m) {
    const word = m[1].toLowerCase();
    if (/^(fatal|panic|crit|critical|emerg|emergency|alert|err|error|severe)$/.test(word)) return 'error';
    if (word.startsWith('warn')) return 'warn';
    if (word === 'info' || word === 'notice') return 'info';
    return 'debug';
  }
  return ERROR_WORDS.test(head) ? 'error' : null;
}
