// Links from an object to its owners (ownerReferences → the owner's detail view).
import type { KindSummary, KubeObject } from '../../../src-main/ipc/contract';
import { objectHref } from './routes';

export interface OwnerLink {
  kind: string;
  name: string;
  href: string | null;
}

export function ownerLinks(obj: KubeObject, kinds: KindSummary[]): OwnerLink[] {
  return (obj.metadata.ownerReferences ?? []).map((o) => {
    const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
    const k = kinds.find((x) => x.kind === o.kind && x.group === group);
    const href = k
      ? objectHref({
          group: k.group,
          resource: k.resource,
          namespace: k.namespaced ? obj.metadata.namespace : undefined,
          name: o.name,
        })
      : null;
    return { kind: o.kind, name: o.name, href };
  });
}
