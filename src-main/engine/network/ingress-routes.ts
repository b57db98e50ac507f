// The Ingress routing table (pure): which Service port answers a request for host + path.
// Kubernetes' rules (https://kubernetes.io/docs/concepts/services-networking/ingress/):
//  - host: exact (case-insensitive, port ignored) or a wildcard `*.example.com`, which matches
//    exactly one DNS label (`foo.example.com`, not `example.com` nor `a.b.example.com`). As
//    ingress-nginx does, a request is served by the most specific host group — exact, else
//    wildcard, else the rules without a host — and never falls through to a less specific one.
//  - path: `Exact` matches the path as is; `Prefix` matches element-wise on `/`-separated parts,
//    ignoring a trailing slash (`/foo` matches `/foo`, `/foo/`, `/foo/bar`, not `/foobar`);
//    `ImplementationSpecific` is treated as `Prefix`. The longest matching path wins; on a tie,
//    `Exact` beats `Prefix`; on a further tie, the older Ingress wins.
//  - no rule matches: the oldest `spec.defaultBackend` among the Ingresses, else 404.
//  - `nginx.ingress.kubernetes.io/rewrite-target`: as ingress-nginx, the Ingress's paths become
//    case-insensitive regular expressions anchored at the start, and the request path is replaced
//    by the target with `$1`…`$9` filled from the match (the query string is kept).
import type { Ingress, IngressBackend } from 'kubernetes-types/networking/v1';

export const REWRITE_TARGET_ANNOTATION = 'nginx.ingress.kubernetes.io/rewrite-target';

export interface IngressBackendRef {
  namespace: string;
  service: string;
  /** The Service port's number or name. */
  port: number | string;
}

export interface RouteMatch {
  backend: IngressBackendRef | { error: string };
  /** `namespace/name` of the Ingress that matched. */
  ingress: string;
  /** The path to send upstream (after any rewrite), with the query string. */
  path: string;
  /** True when this came from a defaultBackend rather than a rule. */
  isDefault: boolean;
}

interface CompiledPath {
  ingress: string;
  order: number;
  pathType: 'Exact' | 'Prefix';
  path: string;
  regex?: RegExp;
  rewrite?: string;
  backend: IngressBackendRef | { error: string };
}

interface HostGroup {
  paths: CompiledPath[];
}

export interface RoutingTable {
  exact: Map<string, HostGroup>;
  /** Keyed by the suffix after `*` (e.g. `.example.com`). */
  wildcard: Map<string, HostGroup>;
  any: HostGroup;
  defaultBackend?: { ingress: string; backend: IngressBackendRef | { error: string } };
}

function toBackendRef(namespace: string, b: IngressBackend | undefined): IngressBackendRef | { error: string } {
  if (!b?.service) {
    return { error: b?.resource ? 'resource backends are not supported by KubeDesk' : 'the backend names no Service' };
  }
  const port = b.service.port?.number ?? b.service.port?.name;
  if (port === undefined || port === '') return { error: `the backend of Service ${b.service.name} names no port` };
  return { namespace, service: b.service.name, port };
}

/** Oldest first (ingress-nginx resolves conflicts in favour of the oldest Ingress), then by name. */
function byAge(a: Ingress, b: Ingress): number {
  const ta = a.metadata?.creationTimestamp ?? '';
  const tb = b.metadata?.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  const ka = `${a.metadata?.namespace}/${a.metadata?.name}`;
  const kb = `${b.metadata?.namespace}/${b.metadata?.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

export function buildRoutingTable(ingresses: Ingress[]): RoutingTable {
  const table: RoutingTable = { exact: new Map(), wildcard: new Map(), any: { paths: [] } };
  let order = 0;
  for (const ing of [...ingresses].sort(byAge)) {
    const namespace = ing.metadata?.namespace ?? 'default';
    const key = `${namespace}/${ing.metadata?.name ?? ''}`;
    const rewrite = ing.metadata?.annotations?.[REWRITE_TARGET_ANNOTATION];
    if (ing.spec?.defaultBackend && !table.defaultBackend) {
      table.defaultBackend = { ingress: key, backend: toBackendRef(namespace, ing.spec.defaultBackend) };
    }
    for (const rule of ing.spec?.rules ?? []) {
      const host = rule.host?.toLowerCase();
      let group: HostGroup;
      if (!host) group = table.any;
      else if (host.startsWith('*.')) {
        const suffix = host.slice(1);
        group = table.wildcard.get(suffix) ?? { paths: [] };
        table.wildcard.set(suffix, group);
      } else {
        group = table.exact.get(host) ?? { paths: [] };
        table.exact.set(host, group);
      }
      for (const p of rule.http?.paths ?? []) {
        const path = p.path || '/';
        const compiled: CompiledPath = {
          ingress: key,
          order: order++,
          pathType: p.pathType === 'Exact' ? 'Exact' : 'Prefix',
          path,
          backend: toBackendRef(namespace, p.backend),
        };
        if (rewrite !== undefined) {
          compiled.rewrite = rewrite;
          try {
            compiled.regex = new RegExp(`^${path}`, 'i');
          } catch {
            compiled.backend = { error: `path ${JSON.stringify(path)} is not a valid regular expression` };
          }
        }
        group.paths.push(compiled);
      }
    }
  }
  return table;
}

/** Lower-cases and drops the port (`Example.com:8080` → `example.com`; IPv6 literals kept whole). */
export function normalizeHost(hostHeader: string | undefined): string {
  if (!hostHeader) return '';
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.lastIndexOf(':');
  return colon >= 0 ? h.slice(0, colon) : h;
}

/** Element-wise prefix match; a trailing slash on either side is ignored. */
export function prefixMatches(rulePath: string, requestPath: string): boolean {
  const rule = rulePath.split('/').filter(Boolean);
  if (rule.length === 0) return true;
  const reqParts = requestPath.split('/').filter(Boolean);
  if (reqParts.length < rule.length) return false;
  return rule.every((part, i) => reqParts[i] === part);
}

function hostGroup(table: RoutingTable, host: string): HostGroup {
  const exact = table.exact.get(host);
  if (exact) return exact;
  const dot = host.indexOf('.');
  if (dot > 0) {
    const wild = table.wildcard.get(host.slice(dot));
    if (wild) return wild;
  }
  return table.any;
}

function rewritePath(target: string, match: RegExpExecArray): string {
  return target.replace(/\$(\d)/g, (_, n: string) => match[Number(n)] ?? '');
}

/** The route for a request, or undefined (answer 404). `rawPath` may carry a query string. */
export function route(table: RoutingTable, hostHeader: string | undefined, rawPath: string): RouteMatch | undefined {
  const q = rawPath.indexOf('?');
  const path = q >= 0 ? rawPath.slice(0, q) : rawPath;
  const query = q >= 0 ? rawPath.slice(q) : '';
  const group = hostGroup(table, normalizeHost(hostHeader));
  let best: { p: CompiledPath; m?: RegExpExecArray } | undefined;
  for (const p of group.paths) {
    let m: RegExpExecArray | undefined;
    if (p.regex) {
      const hit = p.regex.exec(path);
      if (!hit) continue;
      m = hit;
    } else if (p.pathType === 'Exact' ? path !== p.path : !prefixMatches(p.path, path)) continue;
    if (!best || better(p, best.p)) best = { p, m };
  }
  if (best) {
    const out = best.p.rewrite !== undefined && best.m ? rewritePath(best.p.rewrite, best.m) || '/' : path;
    return { backend: best.p.backend, ingress: best.p.ingress, path: out + query, isDefault: false };
  }
  if (table.defaultBackend) {
    return {
      backend: table.defaultBackend.backend,
      ingress: table.defaultBackend.ingress,
      path: rawPath,
      isDefault: true,
    };
  }
  return undefined;
}

/** Longest path first; Exact over Prefix at equal length; then the older rule. */
function better(a: CompiledPath, b: CompiledPath): boolean {
  const la = a.path.replace(/\/+$/, '').length;
  const lb = b.path.replace(/\/+$/, '').length;
  if (la !== lb) return la > lb;
  if (a.pathType !== b.pathType) return a.pathType === 'Exact';
  return a.order < b.order;
}
