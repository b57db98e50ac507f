// The rollout timeline: the workload's events (ScalingReplicaSet, SuccessfulCreate, …) merged with
// pod transitions seen on the watch (created, phase, Ready, deleted). Pure; the view feeds it.
import type { KubeObject } from '../../../../src-main/ipc/contract';

export interface TimelineEntry {
  /** Epoch ms. */
  t: number;
  kind: 'event' | 'pod';
  warning: boolean;
  subject: string;
  text: string;
  key: string;
}

export interface PodState {
  phase: string;
  ready: boolean;
}

export function podStateOf(pod: KubeObject): PodState {
  const status = (pod.status ?? {}) as { phase?: string; conditions?: { type: string; status: string }[] };
  return {
    phase: pod.metadata.deletionTimestamp ? 'Terminating' : (status.phase ?? 'Pending'),
    ready: status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
  };
}

/**
 * What changed between the pods seen before and now, as timeline entries at `t`; updates `seen`.
 * The first call (an empty `seen` and `initial`) only remembers, so opening the view does not
 * report every existing pod as new.
 */
export function podTransitions(
  seen: Map<string, PodState>,
  pods: readonly KubeObject[],
  t: number,
  initial = false,
): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  const present = new Set<string>();
  for (const pod of pods) {
    const name = pod.metadata.name ?? '';
    present.add(name);
    const now = podStateOf(pod);
    const before = seen.get(name);
    seen.set(name, now);
    if (initial) continue;
    const entry = (text: string, warning = false) =>
      out.push({ t, kind: 'pod', warning, subject: `pod/${name}`, text, key: `${name}:${t}:${text}` });
    if (!before) entry(`created (${now.phase})`);
    else {
      if (before.phase !== now.phase) entry(`${before.phase} → ${now.phase}`, now.phase === 'Failed');
      if (before.ready !== now.ready) entry(now.ready ? 'became Ready' : 'is no longer Ready', !now.ready);
    }
  }
  for (const name of [...seen.keys()]) {
    if (present.has(name)) continue;
    seen.delete(name);
    if (!initial)
      out.push({
        t,
        kind: 'pod',
        warning: false,
        subject: `pod/${name}`,
        text: 'deleted',
        key: `${name}:${t}:deleted`,
      });
  }
  return out;
}

/** Events whose object is the workload, one of its ReplicaSets/ControllerRevisions, or one of its pods. */
export function eventEntries(events: readonly KubeObject[], names: ReadonlySet<string>): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  for (const e of events) {
    const involved = e['involvedObject'] as { kind?: string; name?: string } | undefined;
    if (!involved?.name || !names.has(involved.name)) continue;
    const ts = (e['lastTimestamp'] ?? e['eventTime'] ?? e.metadata.creationTimestamp) as string | undefined;
    const t = ts ? Date.parse(ts) : 0;
    const count = Number(e['count'] ?? 1);
    out.push({
      t,
      kind: 'event',
      warning: e['type'] === 'Warning',
      subject: `${(involved.kind ?? '').toLowerCase()}/${involved.name}`,
      text: `${String(e['reason'] ?? '')}: ${String(e['message'] ?? '')}${count > 1 ? ` (×${count})` : ''}`,
      key: e.metadata.uid ?? `${e.metadata.name}`,
    });
  }
  return out;
}

/** Newest first, at most `limit`. */
export function mergeTimeline(a: readonly TimelineEntry[], b: readonly TimelineEntry[], limit = 200): TimelineEntry[] {
  return [...a, ...b].sort((x, y) => y.t - x.t).slice(0, limit);
}
