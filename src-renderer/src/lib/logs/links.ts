// Where a pod's logs live: the pod's `logs` tab, optionally naming the container to show
// (`*` for all containers) as one more path segment.
import { objectHref } from '../routes';

export const ALL_CONTAINERS = '*';

export function logsHref(namespace: string | undefined, pod: string, container?: string): string {
  const base = objectHref({ group: '', resource: 'pods', namespace, name: pod }, 'logs');
  return container ? `${base}/${encodeURIComponent(container)}` : base;
}

/** The container named in a logs hash (`#/object/core/pods/ns/name/logs/<container>`), if any. */
export function containerFromHash(hash: string): string | undefined {
  const parts = hash.replace(/^#\/?/, '').split('/');
  if (parts[0] !== 'object' || parts[5] !== 'logs' || !parts[6]) return undefined;
  try {
    return decodeURIComponent(parts[6]);
  } catch {
    return undefined;
  }
}
