// Container start/die/oom events, so the node agent reacts without polling. The events stream is
// a long-lived HTTP response; when it drops (daemon restart, network blip) it is reopened with
// `since` set to the last event seen, so nothing in between is missed, and repeats are skipped.
import type { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import type { Clock, TimerHandle } from '../../clock.js';
import { LABEL_CLUSTER } from '../types.js';
import { jsonLines } from './json-lines.js';

export type RuntimeEvent = { type: 'start' | 'die' | 'oom'; containerId: string; labels: Record<string, string> };

interface DockerEvent {
  Type?: string;
  Action?: string;
  status?: string;
  id?: string;
  timeNano?: number;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

/** Attributes Docker adds to a container event that are not the container's labels. */
const NON_LABEL_ATTRIBUTES = new Set(['name', 'image', 'exitCode', 'execDuration', 'signal']);
const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 10_000;

export function toRuntimeEvent(event: DockerEvent): RuntimeEvent | undefined {
  const action = event.Action ?? event.status;
  if (event.Type !== 'container' || (action !== 'start' && action !== 'die' && action !== 'oom')) return undefined;
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(event.Actor?.Attributes ?? {})) {
    if (!NON_LABEL_ATTRIBUTES.has(key)) labels[key] = value;
  }
  return { type: action, containerId: event.Actor?.ID ?? event.id ?? '', labels };
}

export function watchEvents(
  docker: Dockerode,
  clock: Clock,
  onEvent: (e: RuntimeEvent) => void,
  cluster?: string,
): () => void {
  let stopped = false;
  let stream: Readable | undefined;
  let retry: TimerHandle | undefined;
  let delay = RECONNECT_MIN_MS;
  let lastNano = 0;
  const seenAtLast = new Set<string>();

  const deliver = (event: DockerEvent): void => {
    const nano = event.timeNano ?? 0;
    const key = `${event.Actor?.ID}/${event.Action}`;
    if (nano < lastNano || (nano === lastNano && seenAtLast.has(key))) return; // replayed after reconnect
    if (nano > lastNano) seenAtLast.clear();
    lastNano = nano;
    seenAtLast.add(key);
    const parsed = toRuntimeEvent(event);
    if (parsed) onEvent(parsed);
  };

  const connect = async (): Promise<void> => {
    retry = undefined;
    try {
      const opened = (await docker.getEvents({
        ...(lastNano ? { since: Math.floor(lastNano / 1e9) } : {}),
        filters: {
          type: ['container'],
          event: ['start', 'die', 'oom'],
          label: [cluster ? `${LABEL_CLUSTER}=${cluster}` : LABEL_CLUSTER],
        },
      })) as unknown as Readable;
      if (stopped) {
        opened.destroy();
        return;
      }
      stream = opened;
      for await (const event of jsonLines<DockerEvent>(opened)) {
        delay = RECONNECT_MIN_MS;
        if (!stopped) deliver(event);
      }
    } catch {
      // fall through to reconnect: the daemon may be restarting
    }
    stream = undefined;
    if (stopped) return;
    retry = clock.setTimer(() => void connect(), delay);
    delay = Math.min(delay * 2, RECONNECT_MAX_MS);
  };
  void connect();

  return () => {
    stopped = true;
    retry?.cancel();
    stream?.destroy();
  };
}
