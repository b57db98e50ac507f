// Route parsing and links, pure (unit-tested).
import type { ResourceRef } from '../../../src-main/ipc/contract';

export type Route =
  | { view: 'overview' }
  | { view: 'namespaces' }
  | { view: 'events' }
  | { view: 'new' }
  | { view: 'nodes' }
  | { view: 'list'; group: string; resource: string }
  | { view: 'object'; group: string; resource: string; namespace?: string; name: string; tab: string };

const seg = (s: string) => encodeURIComponent(s);
const group = (g: string) => g || 'core';

export function listHref(g: string, resource: string): string {
  return `#/list/${seg(group(g))}/${seg(resource)}`;
}

export function objectHref(ref: ResourceRef, tab = 'summary'): string {
  return `#/object/${seg(group(ref.group))}/${seg(ref.resource)}/${seg(ref.namespace || '_')}/${seg(ref.name ?? '')}/${seg(tab)}`;
}

export function parseRoute(hash: string): Route {
  let parts: string[];
  try {
    parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return { view: 'overview' };
  }
  const g = (s: string) => (s === 'core' ? '' : s);
  switch (parts[0]) {
    case 'namespaces':
    case 'events':
    case 'new':
    case 'nodes':
      return { view: parts[0] };
    case 'list':
      if (parts.length === 3) return { view: 'list', group: g(parts[1]), resource: parts[2] };
      break;
    case 'object':
      if (parts.length >= 5) {
        return {
          view: 'object',
          group: g(parts[1]),
          resource: parts[2],
          namespace: parts[3] === '_' ? undefined : parts[3],
          name: parts[4],
          tab: parts[5] ?? 'summary',
        };
      }
  }
  return { view: 'overview' };
}
