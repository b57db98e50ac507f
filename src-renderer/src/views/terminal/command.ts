// A custom terminal command typed as one line, split into argv the way a shell would for plain
// words and quotes — but never run through a shell: the result is exec'd directly.

/** argv, or an error message. Supports '…' and "…" quoting and backslash escapes. */
export function parseCommand(line: string): string[] | string {
  const argv: string[] = [];
  let cur = '';
  let has = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === '\\' && quote === '"' && i + 1 < line.length) cur += line[++i];
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      has = true;
    } else if (ch === '\\' && i + 1 < line.length) {
      cur += line[++i];
      has = true;
    } else if (/\s/.test(ch)) {
      if (has) argv.push(cur);
      cur = '';
      has = false;
    } else {
      cur += ch;
      has = true;
    }
  }
  if (quote) return `unclosed ${quote} quote`;
  if (has) argv.push(cur);
  if (argv.length === 0) return 'type a command to run, e.g. /bin/ash';
  return argv;
}
