// Probe history shaped for the timeline: one lane per probe type with its attempts as points, the
// container restarts and Ready transitions as markers, and a one-line summary of where each probe
// stands ("readiness failing for 2 m 10 s — last: HTTP 503"). Pure functions, unit-tested.
import type { ProbeAttempt } from '../../../../src-main/ipc/contract';

export type ProbeKind = ProbeAttempt['probe'];
export const PROBE_KINDS: readonly ProbeKind[] = ['startup', 'liveness', 'readiness'];

/** The shortest time axis drawn. */
export const MIN_SPAN_MS = 30_000;

export interface TimelinePoint {
  t: number;
  probe: ProbeKind;
  result: ProbeAttempt['result'];
  latencyMs: number;
  /** What came back, short: `HTTP 503`, `exit code 1`, `timeout`, `connection refused`. */
  outcome: string;
  output: string;
  containerId: string;
}

export interface TimelineMarker {
  t: number;
  kind: 'restart' | 'ready' | 'not-ready';
  label: string;
}

export interface Timeline {
  lanes: { probe: ProbeKind; points: TimelinePoint[] }[];
  markers: TimelineMarker[];
  start: number;
  end: number;
}

export interface Thresholds {
  successThreshold?: number;
  failureThreshold?: number;
}

/** `HTTP 503`, `exit code 1`, `timeout after 1000 ms`, or the prober's message. */
export function outcomeOf(
  a: Pick<ProbeAttempt, 'result' | 'httpStatus' | 'exitCode' | 'message' | 'latencyMs'>,
): string {
  if (a.result === 'timeout') return `timeout after ${Math.round(a.latencyMs)} ms`;
  if (a.httpStatus !== undefined) return `HTTP ${a.httpStatus}`;
  if (a.exitCode !== undefined) return `exit code ${a.exitCode}`;
  if (a.message) return a.message.length > 80 ? `${a.message.slice(0, 79)}…` : a.message;
  return a.result === 'success' ? 'ok' : 'failed';
}

/** `2 m 10 s`, `45 s`, `1 h 3 m`, `800 ms`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} m ${s % 60} s` : `${m} m`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} m` : `${h} h`;
}

/**
 * Where readiness flips, replayed from the attempts with the probe's thresholds as the kubelet
 * applies them: Ready after `successThreshold` successes in a row, not Ready after
 * `failureThreshold` failures in a row. A new container starts not Ready.
 */
export function readyTransitions(attempts: readonly ProbeAttempt[], thresholds: Thresholds = {}): TimelineMarker[] {
  const success = Math.max(1, thresholds.successThreshold ?? 1);
  const failure = Math.max(1, thresholds.failureThreshold ?? 3);
  const markers: TimelineMarker[] = [];
  let ready = false;
  let container = '';
  let ok = 0;
  let bad = 0;
  for (const a of attempts) {
    if (a.probe !== 'readiness') continue;
    if (a.containerId !== container) {
      container = a.containerId;
      ready = false;
      ok = 0;
      bad = 0;
    }
    if (a.result === 'success') {
      ok++;
      bad = 0;
      if (!ready && ok >= success) {
        ready = true;
        markers.push({ t: Date.parse(a.time), kind: 'ready', label: 'Ready' });
      }
    } else {
      bad++;
      ok = 0;
      if (ready && bad >= failure) {
        ready = false;
        markers.push({ t: Date.parse(a.time), kind: 'not-ready', label: `Not ready (${outcomeOf(a)})` });
      }
    }
  }
  return markers;
}

/** A restart wherever the container id changes between attempts (the kubelet started a new one). */
export function restartMarkers(attempts: readonly ProbeAttempt[]): TimelineMarker[] {
  const markers: TimelineMarker[] = [];
  let previous = '';
  let n = 0;
  for (const a of attempts) {
    if (previous && a.containerId !== previous) {
      n++;
      markers.push({ t: Date.parse(a.time), kind: 'restart', label: `Restart ${n}` });
    }
    previous = a.containerId;
  }
  return markers;
}

/**
 * The timeline for one container's attempts (oldest first) within `[now - windowMs, now]`
 * (all of them without a window). Markers are computed over the whole history so a flip just
 * before the window is not lost, then clipped.
 */
export function buildTimeline(
  attempts: readonly ProbeAttempt[],
  now: number,
  opts: { windowMs?: number; readiness?: Thresholds } = {},
): Timeline {
  const sorted = [...attempts].sort((a, b) => a.time.localeCompare(b.time));
  // The axis starts at the window's start or the first attempt, whichever is later (a young pod's
  // few attempts are not squeezed into the right edge), and spans at least MIN_SPAN_MS.
  const first = sorted.length ? Date.parse(sorted[0].time) : now;
  const start = Math.min(now - MIN_SPAN_MS, opts.windowMs ? Math.max(now - opts.windowMs, first) : first);
  const lanes = PROBE_KINDS.map((probe) => ({ probe, points: [] as TimelinePoint[] }));
  for (const a of sorted) {
    const t = Date.parse(a.time);
    if (t < start) continue;
    lanes[PROBE_KINDS.indexOf(a.probe)]?.points.push({
      t,
      probe: a.probe,
      result: a.result,
      latencyMs: a.latencyMs,
      outcome: outcomeOf(a),
      output: a.output,
      containerId: a.containerId,
    });
  }
  const markers = [...restartMarkers(sorted), ...readyTransitions(sorted, opts.readiness)]
    .filter((m) => m.t >= start)
    .sort((a, b) => a.t - b.t);
  return { lanes: lanes.filter((l) => l.points.length > 0), markers, start, end: Math.max(now, start + 1) };
}

export interface ProbeSummary {
  probe: ProbeKind;
  state: 'passing' | 'failing';
  /** How long it has been in this state (since the first attempt of the current streak). */
  forMs: number;
  last: string;
  text: string;
}

/**
 * Each probe's current streak: `readiness failing for 2 m 10 s — last: HTTP 503` or
 * `liveness passing — last: HTTP 200 in 3 ms`. Failing probes first.
 */
export function summarize(attempts: readonly ProbeAttempt[], now: number): ProbeSummary[] {
  const out: ProbeSummary[] = [];
  for (const probe of PROBE_KINDS) {
    const mine = attempts.filter((a) => a.probe === probe).sort((a, b) => a.time.localeCompare(b.time));
    const last = mine.at(-1);
    if (!last) continue;
    const failing = last.result !== 'success';
    let since = Date.parse(last.time);
    for (let i = mine.length - 1; i >= 0 && (mine[i].result !== 'success') === failing; i--) {
      since = Date.parse(mine[i].time);
    }
    const forMs = Math.max(0, now - since);
    const lastText = failing ? outcomeOf(last) : `${outcomeOf(last)} in ${Math.round(last.latencyMs)} ms`;
    out.push({
      probe,
      state: failing ? 'failing' : 'passing',
      forMs,
      last: lastText,
      text: `${probe} ${failing ? 'failing' : 'passing'} for ${formatDuration(forMs)} — last: ${lastText}`,
    });
  }
  return out.sort((a, b) => Number(b.state === 'failing') - Number(a.state === 'failing'));
}

/** As many attempts per container as the node agent keeps. */
export const ATTEMPTS_KEPT = 500;

/**
 * `have` with the `next` attempts appended (both oldest first), keeping the newest ATTEMPTS_KEPT
 * per container as the agent does. Returns a new array (the views compare by identity).
 */
export function mergeAttempts(have: readonly ProbeAttempt[], next: readonly ProbeAttempt[]): ProbeAttempt[] {
  const all = [...have, ...next];
  const counts = new Map<string, number>();
  for (const a of all) counts.set(a.container, (counts.get(a.container) ?? 0) + 1);
  if ([...counts.values()].every((n) => n <= ATTEMPTS_KEPT)) return all;
  const drop = new Map([...counts].map(([c, n]) => [c, Math.max(0, n - ATTEMPTS_KEPT)]));
  return all.filter((a) => {
    const d = drop.get(a.container) ?? 0;
    if (d > 0) {
      drop.set(a.container, d - 1);
      return false;
    }
    return true;
  });
}
