// Why a container is Waiting and what happens next: the kubelet's reason turned into a sentence
// and an action (image absent with pull policy Never → say so; CrashLoopBackOff → when the next
// restart comes, with the previous container's logs one click away). Pure, unit-tested.
import type { Container, ContainerStatus } from 'kubernetes-types/core/v1';
import { formatDuration } from '../probes/timeline';

export interface WaitingAdvice {
  container: string;
  reason: string;
  message: string;
  /** What to do about it, in words. */
  advice: string;
  tone: 'bad' | 'pending';
  /** For CrashLoopBackOff: ms since epoch of the next restart, when it can be told. */
  nextRetryAt?: number;
  /** The previous (crashed) container's logs are worth a look. */
  previousLogs: boolean;
}

/** Go duration text as back-off messages carry it (`10s`, `2m40s`, `5m0s`) → ms; null if none. */
export function parseGoDuration(text: string): number | null {
  const m = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+(?:\.\d+)?)s)?$/.exec(text);
  if (!m || (!m[1] && !m[2] && !m[3])) return null;
  return ((Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 1000;
}

/** The back-off in a CrashLoopBackOff message: `back-off 20s restarting failed container=…`. */
export function backoffOf(message: string | undefined): number | null {
  const m = /back-off (\S+) restarting/.exec(message ?? '');
  return m ? parseGoDuration(m[1]) : null;
}

/** `next restart in 12 s`, or `restarting now` once the time has come. */
export function countdownText(nextRetryAt: number, now: number): string {
  const left = nextRetryAt - now;
  return left <= 0 ? 'restarting now…' : `next restart in ${formatDuration(Math.ceil(left / 1000) * 1000)}`;
}

export function waitingAdvice(container: Container | undefined, status: ContainerStatus): WaitingAdvice | null {
  const w = status.state?.waiting;
  if (!w) return null;
  const reason = w.reason ?? 'Waiting';
  const message = w.message ?? '';
  const image = container?.image ?? status.image;
  const base = { container: status.name, reason, message, previousLogs: false };
  switch (reason) {
    case 'ErrImageNeverPull':
      return {
        ...base,
        tone: 'bad',
        advice: `The pull policy is Never and the image ${image} is absent from this node. Build or load it into the local Docker engine (docker build -t ${image} …, or docker load), or change imagePullPolicy to IfNotPresent.`,
      };
    case 'ErrImagePull':
    case 'ImagePullBackOff':
      return {
        ...base,
        tone: 'bad',
        advice: `The image ${image} could not be pulled${reason === 'ImagePullBackOff' ? ' and the kubelet is backing off' : ''}. Check the name and tag, whether the registry is reachable, or make the image available locally (docker pull / docker build).`,
      };
    case 'InvalidImageName':
      return { ...base, tone: 'bad', advice: `${image} is not a valid image reference; fix the image field.` };
    case 'CreateContainerConfigError':
      return {
        ...base,
        tone: 'bad',
        advice:
          'The container’s configuration refers to something missing (a ConfigMap, Secret or key); create it or fix the reference.',
      };
    case 'CrashLoopBackOff': {
      const finished = status.lastState?.terminated?.finishedAt;
      const backoff = backoffOf(message);
      const last = status.lastState?.terminated;
      return {
        ...base,
        tone: 'bad',
        previousLogs: true,
        advice: `The container keeps exiting${last ? ` (last: ${last.reason ?? 'Error'}, exit code ${last.exitCode})` : ''}; the kubelet waits longer before each restart (10 s doubling to 5 min). Its previous logs usually say why.`,
        ...(finished && backoff !== null ? { nextRetryAt: Date.parse(finished) + backoff } : {}),
      };
    }
    case 'ContainerCreating':
    case 'PodInitializing':
      return { ...base, tone: 'pending', advice: 'The container is being created; this usually takes a moment.' };
    default:
      return { ...base, tone: 'pending', advice: message || 'The container has not started yet.' };
  }
}
