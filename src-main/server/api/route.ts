// Parse Kubernetes REST paths:
//   /api/v1[/watch][/namespaces/{ns}]/{resource}[/{name}[/{subresource}]]
//   /apis/{group}/{version}[/watch][/namespaces/{ns}]/{resource}[/{name}[/{subresource}]]
// plus discovery (/api, /apis, /apis/{group}, /version, /openapi/…) and health endpoints.
import { badRequest, StatusError } from '../../engine/api/errors.js';

export type Route =
  | { type: 'version' }
  | { type: 'health'; which: string }
  | { type: 'api' }
  | { type: 'apis' }
  | { type: 'group'; group: string }
  | { type: 'resources'; group: string; version: string }
  | { type: 'openapi-v2' }
  | { type: 'openapi-v3-index' }
  | { type: 'openapi-v3'; path: string }
  | {
      type: 'resource';
      group: string;
      version: string;
      namespace?: string;
      resource: string;
      name?: string;
      subresource?: string;
      /** Legacy `/watch/` path prefix. */
      watchPath: boolean;
    };

export function parseRoute(pathname: string): Route {
  let decoded: string[];
  try {
    decoded = pathname
      .split('/')
      .filter((s) => s.length > 0)
      .map((s) => decodeURIComponent(s));
  } catch {
    throw badRequest(`malformed path ${JSON.stringify(pathname)}`);
  }
  const seg = decoded;
  if (seg.length === 0) throw notFound(pathname);
  if (seg[0] === 'version' && seg.length === 1) return { type: 'version' };
  if (['healthz', 'livez', 'readyz'].includes(seg[0])) return { type: 'health', which: seg[0] };
  if (seg[0] === 'openapi') {
    if (seg[1] === 'v2' && seg.length === 2) return { type: 'openapi-v2' };
    if (seg[1] === 'v3' && seg.length === 2) return { type: 'openapi-v3-index' };
    if (seg[1] === 'v3') return { type: 'openapi-v3', path: seg.slice(2).join('/') };
    throw notFound(pathname);
  }
  let group: string;
  let version: string;
  let rest: string[];
  if (seg[0] === 'api') {
    if (seg.length === 1) return { type: 'api' };
    group = '';
    version = seg[1];
    rest = seg.slice(2);
  } else if (seg[0] === 'apis') {
    if (seg.length === 1) return { type: 'apis' };
    if (seg.length === 2) return { type: 'group', group: seg[1] };
    group = seg[1];
    version = seg[2];
    rest = seg.slice(3);
  } else {
    throw notFound(pathname);
  }
  if (rest.length === 0) return { type: 'resources', group, version };
  let watchPath = false;
  if (rest[0] === 'watch') {
    watchPath = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  // `namespaces/{ns}/{resource}…` — but `namespaces/{name}` and `namespaces/{name}/status|finalize`
  // address the Namespace object itself.
  if (group === '' && rest[0] === 'namespaces' && rest.length >= 3 && !['status', 'finalize'].includes(rest[2])) {
    namespace = rest[1];
    rest = rest.slice(2);
  } else if (group !== '' && rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  if (rest.length > 3) throw notFound(pathname);
  const [resource, name, subresource] = rest;
  return { type: 'resource', group, version, namespace, resource, name, subresource, watchPath };
}

function notFound(path: string): StatusError {
  return new StatusError(404, 'NotFound', `the server could not find the requested resource (${path})`, {});
}
