// Pod columns: printPod from pkg/printers/internalversion/printers.go (Kubernetes v1.30), which
// derives READY, STATUS and RESTARTS from the phase, the init container and container states,
// sidecars (init containers with restartPolicy Always) and the deletion timestamp.
import type { Pod } from 'kubernetes-types/core/v1';
import type { PrinterColumn } from '../printers.js';
import { ageColumn, column, nameColumn, parseTime, translateTimestampSince } from './format.js';

/** node.NodeUnreachablePodReason: set on pods of a node that stopped responding. */
const NODE_UNREACHABLE_POD_REASON = 'NodeLost';

export interface PodSummary {
  ready: number;
  total: number;
  reason: string;
  restarts: number;
  /** When the most recently restarted container last terminated (epoch ms), if known. */
  lastRestart?: number;
}

const summaries = new WeakMap<object, PodSummary>();

function later(a: number | undefined, finishedAt: string | undefined): number | undefined {
  const t = parseTime(finishedAt);
  if (t === undefined) return a;
  return a === undefined || t > a ? t : a;
}

/** READY, STATUS and RESTARTS as kubectl shows them; objects are immutable, so this is cached. */
export function summarizePod(pod: Pod): PodSummary {
  const cached = summaries.get(pod);
  if (cached) return cached;
  const spec = pod.spec ?? { containers: [] };
  const status = pod.status ?? {};
  let restarts = 0;
  let sidecarRestarts = 0;
  let total = spec.containers?.length ?? 0;
  let ready = 0;
  let lastRestart: number | undefined;
  let lastSidecarRestart: number | undefined;

  const phase = status.phase ?? '';
  let reason = status.reason || phase;
  for (const c of status.conditions ?? []) {
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }

  const initSpecs = new Map((spec.initContainers ?? []).map((c) => [c.name, c]));
  const isSidecar = (name: string): boolean => initSpecs.get(name)?.restartPolicy === 'Always';
  for (const c of spec.initContainers ?? []) if (c.restartPolicy === 'Always') total++;

  let initializing = false;
  const initStatuses = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i];
    restarts += c.restartCount ?? 0;
    lastRestart = later(lastRestart, c.lastState?.terminated?.finishedAt);
    if (isSidecar(c.name)) {
      sidecarRestarts += c.restartCount ?? 0;
      lastSidecarRestart = later(lastSidecarRestart, c.lastState?.terminated?.finishedAt);
    }
    const terminated = c.state?.terminated;
    const waiting = c.state?.waiting;
    if (terminated && terminated.exitCode === 0) continue;
    if (isSidecar(c.name) && c.started) {
      if (c.ready) ready++;
      continue;
    }
    if (terminated) {
      // Initialization failed.
      if (!terminated.reason) {
        reason = terminated.signal ? `Init:Signal:${terminated.signal}` : `Init:ExitCode:${terminated.exitCode}`;
      } else {
        reason = `Init:${terminated.reason}`;
      }
    } else if (waiting?.reason && waiting.reason !== 'PodInitializing') {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${i}/${spec.initContainers?.length ?? 0}`;
    }
    initializing = true;
    break;
  }

  const initialized = (status.conditions ?? []).find((c) => c.type === 'Initialized')?.status === 'True';
  if (!initializing || initialized) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    // Walked in reverse so that the first container's state wins, as upstream.
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i];
      restarts += c.restartCount ?? 0;
      lastRestart = later(lastRestart, c.lastState?.terminated?.finishedAt);
      const terminated = c.state?.terminated;
      if (c.state?.waiting?.reason) {
        reason = c.state.waiting.reason;
      } else if (terminated?.reason) {
        reason = terminated.reason;
      } else if (terminated) {
        reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode}`;
      } else if (c.ready && c.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    // A pod whose first container completed while another still runs is not Completed.
    if (reason === 'Completed' && hasRunning) {
      const podReady = (status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
      reason = podReady ? 'Running' : 'NotReady';
    }
  }

  // v1.30 shows Terminating for any pod with a deletion timestamp, whatever its phase
  // (from v1.31 terminal pods keep Succeeded/Failed, kubernetes/kubernetes#122038).
  if (pod.metadata?.deletionTimestamp && status.reason === NODE_UNREACHABLE_POD_REASON) {
    reason = 'Unknown';
  } else if (pod.metadata?.deletionTimestamp) {
    reason = 'Terminating';
  }

  const summary: PodSummary = { ready, total, reason, restarts, lastRestart };
  summaries.set(pod, summary);
  return summary;
}

/** RESTARTS: `3`, or `3 (5m ago)` when the last restart time is known. */
export function podRestarts(pod: Pod, now: number): string {
  const { restarts, lastRestart } = summarizePod(pod);
  if (restarts !== 0 && lastRestart !== undefined) {
    return `${restarts} (${translateTimestampSince(lastRestart, now)} ago)`;
  }
  return String(restarts);
}

function readinessGates(pod: Pod): string {
  const gates = pod.spec?.readinessGates ?? [];
  if (gates.length === 0) return '<none>';
  let trueConditions = 0;
  for (const gate of gates) {
    const condition = (pod.status?.conditions ?? []).find((c) => c.type === gate.conditionType);
    if (condition?.status === 'True') trueConditions++;
  }
  return `${trueConditions}/${gates.length}`;
}

export function podColumns(): PrinterColumn[] {
  return [
    nameColumn(),
    column<Pod>('READY', 'string', 'The aggregate readiness state of this pod for accepting traffic.', (p) => {
      const s = summarizePod(p);
      return `${s.ready}/${s.total}`;
    }),
    column<Pod>(
      'STATUS',
      'string',
      'The aggregate status of the containers in this pod.',
      (p) => summarizePod(p).reason,
    ),
    column<Pod>(
      'RESTARTS',
      'string',
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
      podRestarts,
    ),
    ageColumn(),
    column<Pod>(
      'IP',
      'string',
      'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.',
      (p) => p.status?.podIPs?.[0]?.ip || p.status?.podIP || '<none>',
      1,
    ),
    column<Pod>(
      'NODE',
      'string',
      'NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName.',
      (p) => p.spec?.nodeName || '<none>',
      1,
    ),
    column<Pod>(
      'NOMINATED NODE',
      'string',
      'nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods.',
      (p) => p.status?.nominatedNodeName || '<none>',
      1,
    ),
    column<Pod>(
      'READINESS GATES',
      'string',
      'If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to "True"',
      readinessGates,
      1,
    ),
  ];
}
