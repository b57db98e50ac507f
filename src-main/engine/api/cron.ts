// CronJob schedules, parsed as Kubernetes parses them: robfig/cron/v3's ParseStandard (five
// fields: minute hour day-of-month month day-of-week, plus the @-descriptors). Error strings are
// robfig's, since the API server puts them verbatim into `spec.schedule: Invalid value: …`.
// `next()` is what the CronJob controller uses to find the next scheduled time.

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DOW_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const MINUTES: Bounds = { min: 0, max: 59 };
const HOURS: Bounds = { min: 0, max: 23 };
const DOM: Bounds = { min: 1, max: 31 };
const MONTHS: Bounds = { min: 1, max: 12, names: Object.fromEntries(MONTH_NAMES.map((n, i) => [n, i + 1])) };
const DOW: Bounds = { min: 0, max: 6, names: Object.fromEntries(DOW_NAMES.map((n, i) => [n, i])) };

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

export class CronError extends Error {}

/** A parsed schedule. Each field is the set of allowed values. */
export class CronSchedule {
  constructor(
    readonly minutes: ReadonlySet<number>,
    readonly hours: ReadonlySet<number>,
    readonly dom: ReadonlySet<number>,
    readonly months: ReadonlySet<number>,
    readonly dow: ReadonlySet<number>,
    /** Day-of-month or day-of-week was `*`/`?`: then both must match, otherwise either may. */
    readonly domStar: boolean,
    readonly dowStar: boolean,
    /** The zone named by a `TZ=` prefix, if any. */
    readonly timeZone?: string,
  ) {}

  /**
   * The first scheduled time strictly after `afterMs`, in epoch milliseconds, evaluating the
   * schedule on the wall clock of `timeZone` (an IANA name; the host's zone when omitted, as
   * kube-controller-manager uses its local zone). Wall times skipped by a DST jump do not fire;
   * repeated ones fire once, at the first occurrence. Null if nothing matches within 5 years
   * (e.g. `0 0 30 2 *`), like robfig's give-up.
   */
  next(afterMs: number, timeZone?: string): number | null {
    const zone = timeZone ?? this.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
    // Walk wall-clock time, represented as a UTC Date whose fields are the local fields.
    const t = new Date(Math.floor(wallClock(afterMs, zone) / 60_000) * 60_000 + 60_000);
    const limit = t.getUTCFullYear() + 5;
    while (t.getUTCFullYear() <= limit) {
      if (!this.months.has(t.getUTCMonth() + 1)) {
        t.setUTCMonth(t.getUTCMonth() + 1, 1);
        t.setUTCHours(0, 0, 0, 0);
        continue;
      }
      if (!this.dayMatches(t)) {
        t.setUTCDate(t.getUTCDate() + 1);
        t.setUTCHours(0, 0, 0, 0);
        continue;
      }
      if (!this.hours.has(t.getUTCHours())) {
        t.setUTCHours(t.getUTCHours() + 1, 0, 0, 0);
        continue;
      }
      if (!this.minutes.has(t.getUTCMinutes())) {
        t.setUTCMinutes(t.getUTCMinutes() + 1, 0, 0);
        continue;
      }
      const instant = fromWallClock(t.getTime(), zone);
      if (instant !== null && instant > afterMs) return instant;
      t.setUTCMinutes(t.getUTCMinutes() + 1, 0, 0);
    }
    return null;
  }

  private dayMatches(t: Date): boolean {
    const domMatch = this.dom.has(t.getUTCDate());
    const dowMatch = this.dow.has(t.getUTCDay());
    if (this.domStar || this.dowStar) return domMatch && dowMatch;
    return domMatch || dowMatch;
  }
}

/**
 * `@every <duration>` (robfig/cron's ConstantDelaySchedule, which CronJob schedules accept): runs
 * every `delay`, rounded down to whole seconds with a one-second minimum.
 */
export class EverySchedule {
  constructor(readonly delayMs: number) {}

  next(afterMs: number): number | null {
    return Math.floor(afterMs / 1000) * 1000 + this.delayMs;
  }
}

const GO_DURATION_UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Parse a Go duration string (`90s`, `1h30m`, `1.5h`) into milliseconds, or null. */
export function parseGoDuration(text: string): number | null {
  if (!/^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/.test(text)) return null;
  let total = 0;
  for (const m of text.matchAll(/([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/g))
    total += Number(m[1]) * GO_DURATION_UNITS[m[2]];
  return total;
}

/** Parse a standard five-field spec or descriptor; returns a CronError on failure. */
export function parseCron(expr: string): CronSchedule | EverySchedule | CronError {
  try {
    return parse(expr);
  } catch (err) {
    if (err instanceof CronError) return err;
    throw err;
  }
}

function parse(expr: string): CronSchedule | EverySchedule {
  if (expr.length === 0) throw new CronError('empty spec string');
  let spec = expr;
  // robfig accepts a `TZ=Zone ` or `CRON_TZ=Zone ` prefix; CronJob validation then rejects it in
  // favour of spec.timeZone, but the parser itself understands it.
  let zone: string | undefined;
  if (spec.startsWith('TZ=') || spec.startsWith('CRON_TZ=')) {
    const space = spec.indexOf(' ');
    zone = spec.slice(spec.indexOf('=') + 1, space < 0 ? spec.length : space);
    if (!isValidTimeZone(zone)) throw new CronError(`provided bad location ${zone}: unknown time zone ${zone}`);
    spec = space < 0 ? '' : spec.slice(space).trim();
  }
  if (spec.startsWith('@every ')) {
    const duration = spec.slice('@every '.length).trim();
    const ms = parseGoDuration(duration);
    if (ms === null) throw new CronError(`failed to parse duration ${spec}: time: invalid duration "${duration}"`);
    return new EverySchedule(Math.max(1000, Math.floor(ms / 1000) * 1000));
  }
  if (spec.startsWith('@')) {
    const fields = DESCRIPTORS[spec];
    if (!fields) throw new CronError(`unrecognized descriptor: ${spec}`);
    spec = fields;
  }
  const fields = spec.trim().split(/\s+/);
  if (fields.length !== 5) {
    throw new CronError(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  }
  const [minutes, hours, dom, months, dow] = [MINUTES, HOURS, DOM, MONTHS, DOW].map((b, i) => parseField(fields[i], b));
  return new CronSchedule(
    minutes.values,
    hours.values,
    dom.values,
    months.values,
    dow.values,
    dom.star,
    dow.star,
    zone,
  );
}

function parseField(field: string, bounds: Bounds): { values: Set<number>; star: boolean } {
  const values = new Set<number>();
  let star = false;
  for (const expr of field.split(',')) {
    const r = parseRange(expr, bounds);
    star ||= r.star;
    for (let v = r.start; v <= r.end; v += r.step) values.add(v);
  }
  return { values, star };
}

function parseRange(expr: string, b: Bounds): { start: number; end: number; step: number; star: boolean } {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0].split('-');
  const singleDigit = lowAndHigh.length === 1;
  let start: number;
  let end: number;
  let star = false;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = b.min;
    end = b.max;
    star = true;
  } else {
    start = parseIntOrName(lowAndHigh[0], b.names);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1], b.names);
    else throw new CronError(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = mustParseInt(rangeAndStep[1]);
    // "N/step" means "N-max/step".
    if (singleDigit) end = b.max;
    if (step > 1) star = false;
  } else if (rangeAndStep.length > 2) {
    throw new CronError(`too many slashes: ${expr}`);
  }
  if (start < b.min) throw new CronError(`beginning of range (${start}) below minimum (${b.min}): ${expr}`);
  if (end > b.max) throw new CronError(`end of range (${end}) above maximum (${b.max}): ${expr}`);
  if (start > end) throw new CronError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new CronError(`step of range should be a positive number: ${expr}`);
  return { start, end, step, star };
}

function parseIntOrName(expr: string, names?: Record<string, number>): number {
  const named = names?.[expr.toLowerCase()];
  if (named !== undefined) return named;
  return mustParseInt(expr);
}

function mustParseInt(expr: string): number {
  if (!/^[+-]?[0-9]+$/.test(expr))
    throw new CronError(`failed to parse int from ${expr}: strconv.Atoi: parsing "${expr}": invalid syntax`);
  const n = Number.parseInt(expr, 10);
  if (n < 0) throw new CronError(`negative number (${n}) not allowed: ${expr}`);
  return n;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The wall-clock time of `instant` in `zone`, as epoch ms of the same fields in UTC. */
function wallClock(instant: number, zone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(instant))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const ms = ((instant % 1000) + 1000) % 1000;
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second, ms);
}

/** The earliest instant whose wall clock in `zone` is `wall`, or null inside a DST gap. */
function fromWallClock(wall: number, zone: string): number | null {
  // Offsets are at most ±14h and change at most once near any given time: try the offsets in
  // effect a day before and a day after, earliest instant first.
  const candidates = new Set<number>();
  for (const probe of [wall - 86_400_000, wall + 86_400_000]) candidates.add(wall - (wallClock(probe, zone) - probe));
  const matches = [...candidates].filter((c) => wallClock(c, zone) === wall).sort((a, b) => a - b);
  return matches.length > 0 ? matches[0] : null;
}

/** True when `zone` is an IANA time zone name this runtime knows (time.LoadLocation). */
export function isValidTimeZone(zone: string): boolean {
  if (zone === '' || zone.toLowerCase() === 'local') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
