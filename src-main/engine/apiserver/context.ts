// What every verb handler needs: the store, the clock, and how to turn a ResourceRef into a kind
// and a storage key.
import type { Clock } from '../clock.js';
import type { ObjectStore } from '../store/object-store.js';
import { kindByResource, type KindInfo } from '../api/registry.js';
import { notFound, badRequest, methodNotAllowed, StatusError } from '../api/errors.js';
import { objectKey, resourceKey } from '../store/keys.js';
import type { ResourceRef } from './types.js';

export interface ApiContext {
  store: ObjectStore;
  clock: Clock;
  /** Where Services get their clusterIP (set from the cluster network; default 10.96.0.0/12). */
  serviceCIDR?: string;
}

export interface ResolvedRef {
  info: KindInfo;
  /** Version the client speaks (may differ from storage for HPA v1). */
  version: string;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
  /** `<group>/<resource>` in the store. */
  resource: string;
}

/** Names may not contain path separators or traversal; Kubernetes rejects these at the router. */
function badName(value: string): boolean {
  return value.includes('/') || value.includes('\\') || value.includes('\0') || value === '.' || value === '..';
}

export function resolveRef(ref: ResourceRef): ResolvedRef {
  const info = kindByResource(ref.group, ref.resource);
  if (!info) {
    throw new StatusError(
      404,
      'NotFound',
      `the server could not find the requested resource (${ref.resource}${ref.group ? `.${ref.group}` : ''})`,
    );
  }
  const version = ref.version ?? info.version;
  if (version !== info.version && !(info.alsoServedAs ?? []).includes(version)) {
    throw new StatusError(
      404,
      'NotFound',
      `the server could not find the requested resource (${ref.resource}.${version}.${ref.group})`,
    );
  }
  if (ref.subresource && !info.subresources.includes(ref.subresource)) {
    throw new StatusError(
      404,
      'NotFound',
      `the server could not find the requested resource (${ref.resource}/${ref.subresource})`,
    );
  }
  for (const [what, value] of [
    ['name', ref.name],
    ['namespace', ref.namespace],
  ] as const) {
    if (value !== undefined && badName(value)) {
      throw badRequest(`invalid ${what} ${JSON.stringify(value)}: may not contain '/', '\\', NUL, or be '.' or '..'`);
    }
  }
  let namespace = ref.namespace;
  if (info.namespaced) {
    // A namespaced kind addressed without a namespace is a cross-namespace list or watch.
  } else {
    if (namespace) throw notFound('', 'namespaces', namespace); // cluster-scoped under /namespaces/x/ does not route
    namespace = undefined;
  }
  return {
    info,
    version,
    namespace,
    name: ref.name,
    subresource: ref.subresource,
    resource: resourceKey(info.group, info.plural),
  };
}

export function keyFor(r: ResolvedRef, name: string, namespace = r.namespace): string {
  return objectKey(r.info.group, r.info.plural, r.info.namespaced ? namespace : '', name);
}

export function requireName(r: ResolvedRef, verb: string): string {
  if (!r.name) throw methodNotAllowed(`${verb} requires a name`);
  return r.name;
}

export function requireNamespace(r: ResolvedRef): string {
  if (r.info.namespaced && !r.namespace) throw badRequest('a namespace must be given for namespaced resources');
  return r.namespace ?? '';
}
