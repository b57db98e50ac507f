// PodStatus from what the runtime shows, as the kubelet computes it (pkg/kubelet/kubelet_pods.go
// generateAPIPodStatus / getPhase / convertToAPIContainerStatuses, pkg/kubelet/status/generate.go).
// Pure: the pod worker gathers observations, this turns them into the API shape.
import type {
  ContainerState as K8sContainerState,
  ContainerStateTerminated,
  ContainerStatus as K8sContainerStatus,
  Pod,
  PodCondition,
  PodStatus,
} from 'kubernetes-types/core/v1';
import { rfc3339 } from '../clock.js';
import type { ContainerStatus } from '../runtime/types.js';
import { LABEL_ATTEMPT } from '../runtime/types.js';
import { PodReason, Waiting } from './constants.js';

export interface ContainerObservation {
  name: string;
  image: string;
  /** The newest container for this name, and the one it replaced. */
  current: ContainerStatus | null;
  previous: ContainerStatus | null;
  /** Why it is not running, when the worker knows better than the runtime (back-off, pull error…). */
  waiting?: { reason: string; message?: string };
  ready: boolean;
  started: boolean;
}

export interface PodObservation {
  sandboxReady: boolean;
  podIP?: string;
  init: ContainerObservation[];
  app: ContainerObservation[];
  /** `docker` → containerID `docker://<id>`. */
  runtimeScheme: string;
  now: number;
}

export function attemptOf(c: ContainerStatus | null | undefined): number {
  const n = Number(c?.labels[LABEL_ATTEMPT] ?? 0);
  return Number.isFinite(n) ? n : 0;
}

function terminated(c: ContainerStatus, scheme: string): ContainerStateTerminated {
  const exitCode = c.exitCode ?? 0;
  const reason = c.oomKilled ? 'OOMKilled' : exitCode === 0 ? 'Completed' : 'Error';
  return {
    exitCode,
    reason,
    ...(c.error ? { message: c.error } : {}),
    // A zero metav1.Time is serialised as null.
    startedAt: (c.startedAt ? rfc3339(c.startedAt) : null) as string,
    finishedAt: (c.finishedAt ? rfc3339(c.finishedAt) : null) as string,
    containerID: `${scheme}://${c.id}`,
  };
}

function toApi(o: ContainerObservation, scheme: string, defaultWaiting: string): K8sContainerStatus {
  const cur = o.current;
  const prev = o.previous;
  const status: K8sContainerStatus = {
    name: o.name,
    image: o.image,
    imageID: cur?.imageId ?? '',
    ...(cur ? { containerID: `${scheme}://${cur.id}` } : {}),
    ready: o.ready,
    started: o.started,
    restartCount: attemptOf(cur),
    state: {},
    lastState: {},
  };
  const lastFrom = (c: ContainerStatus | null): K8sContainerState =>
    c && c.state === 'exited' ? { terminated: terminated(c, scheme) } : {};
  if (o.waiting) {
    status.state = {
      waiting: { reason: o.waiting.reason, ...(o.waiting.message ? { message: o.waiting.message } : {}) },
    };
    // A container waiting to be restarted shows the run that just ended as its last state.
    status.lastState = cur?.state === 'exited' ? lastFrom(cur) : lastFrom(prev);
  } else if (cur?.state === 'running') {
    status.state = { running: { startedAt: rfc3339(cur.startedAt ?? cur.createdAt) } };
    status.lastState = lastFrom(prev);
  } else if (cur?.state === 'exited') {
    status.state = { terminated: terminated(cur, scheme) };
    status.lastState = lastFrom(prev);
  } else {
    status.state = { waiting: { reason: defaultWaiting } };
    status.lastState = lastFrom(prev);
  }
  return status;
}

/** getPhase: Pending until initialised and every container has run; then by restart policy. */
export function podPhase(pod: Pod, init: K8sContainerStatus[], app: K8sContainerStatus[]): PodStatus['phase'] {
  const policy = pod.spec?.restartPolicy ?? 'Always';
  let pendingInit = false;
  let failedInit = false;
  for (const s of init) {
    const t = s.state?.terminated;
    if (t && t.exitCode === 0) continue;
    if (t || (s.state?.waiting && s.lastState?.terminated && s.lastState.terminated.exitCode !== 0)) failedInit = true;
    pendingInit = true;
  }
  if (failedInit && policy === 'Never') return 'Failed';
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const s of app) {
    if (s.state?.running) running++;
    else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.state?.waiting) {
      if (s.lastState?.terminated) stopped++;
      else waiting++;
    }
  }
  if (pendingInit || waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

/** The whole status; conditions keep their lastTransitionTime while their status holds. */
export function buildPodStatus(pod: Pod, o: PodObservation): PodStatus {
  const hasInit = o.init.length > 0;
  const init = o.init.map((c) => toApi(c, o.runtimeScheme, Waiting.PodInitializing));
  const initDone = init.every((s) => s.state?.terminated?.exitCode === 0);
  const app = o.app.map((c) =>
    toApi(c, o.runtimeScheme, initDone ? Waiting.ContainerCreating : Waiting.PodInitializing),
  );
  const phase = podPhase(pod, init, app);
  const old = (pod.status ?? {}) as PodStatus;
  const now = rfc3339(o.now);
  const conditions: PodCondition[] = [];
  const add = (type: string, ok: boolean, reason?: string, message?: string) => {
    const status = ok ? 'True' : 'False';
    const prev = old.conditions?.find((c) => c.type === type);
    conditions.push({
      type,
      status,
      lastProbeTime: null as unknown as string,
      lastTransitionTime: prev && prev.status === status && prev.lastTransitionTime ? prev.lastTransitionTime : now,
      ...(reason ? { reason } : {}),
      ...(message ? { message } : {}),
    });
  };
  add('PodReadyToStartContainers', o.sandboxReady);
  const incomplete = init.filter((s) => s.state?.terminated?.exitCode !== 0).map((s) => s.name);
  if (phase === 'Succeeded' && hasInit) add('Initialized', true, PodReason.PodCompleted);
  else if (incomplete.length === 0) add('Initialized', true);
  else
    add(
      'Initialized',
      false,
      PodReason.ContainersNotInitialized,
      `containers with incomplete status: [${incomplete.join(' ')}]`,
    );
  const unready = app.filter((s) => !s.ready).map((s) => s.name);
  if (phase === 'Succeeded') {
    add('Ready', false, PodReason.PodCompleted);
    add('ContainersReady', false, PodReason.PodCompleted);
  } else if (unready.length === 0) {
    add('Ready', true);
    add('ContainersReady', true);
  } else {
    const msg = `containers with unready status: [${unready.join(' ')}]`;
    add('Ready', false, PodReason.ContainersNotReady, msg);
    add('ContainersReady', false, PodReason.ContainersNotReady, msg);
  }
  const scheduled = old.conditions?.find((c) => c.type === 'PodScheduled');
  conditions.push(
    scheduled ?? {
      type: 'PodScheduled',
      status: 'True',
      lastProbeTime: null as unknown as string,
      lastTransitionTime: now,
    },
  );
  const podIP = o.podIP ?? old.podIP;
  return {
    ...old,
    phase,
    conditions,
    hostIP: '127.0.0.1',
    hostIPs: [{ ip: '127.0.0.1' }],
    ...(podIP ? { podIP, podIPs: [{ ip: podIP }] } : {}),
    startTime: old.startTime ?? now,
    ...(hasInit ? { initContainerStatuses: init } : {}),
    containerStatuses: app,
  };
}
