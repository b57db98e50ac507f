// Why a container has no logs to show yet, in words, from the pod's status.
import type { ContainerStatus, Pod } from 'kubernetes-types/core/v1';

export interface WaitingMessage {
  title: string;
  detail: string;
}

export function waitingMessage(pod: Pod | undefined, containers: string[], previous: boolean): WaitingMessage | null {
  if (!pod) return null;
  const statuses: ContainerStatus[] = [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
  ];
  for (const name of containers) {
    const s = statuses.find((x) => x.name === name);
    if (previous) {
      if (!s?.lastState?.terminated) {
        return {
          title: `${name} has no previous instance.`,
          detail: 'It has not restarted, so there is no earlier container to read; untick “Previous” to see its logs.',
        };
      }
      continue;
    }
    if (!s || s.state?.waiting || (!s.state?.running && !s.state?.terminated)) {
      const reason = s?.state?.waiting?.reason ?? (pod.spec?.nodeName ? 'ContainerCreating' : 'Pending');
      const message = s?.state?.waiting?.message;
      return {
        title: `${name} is waiting to start (${reason}).`,
        detail: message
          ? `${message} Logs appear here once it runs.`
          : pod.spec?.nodeName
            ? 'Logs appear here as soon as it runs.'
            : 'The pod is not scheduled to a node yet; logs appear once it runs.',
      };
    }
  }
  return null;
}
