// The Kubernetes REST API over HTTP: authentication, routing, content negotiation, and the
// translation of each request into one call on the in-process API server.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Engine } from '../../engine/index.js';
import { badRequest, methodNotAllowed, StatusError, unauthorized, invalid, cause } from '../../engine/api/errors.js';
import { kindByResource } from '../../engine/api/registry.js';
import {
  PATCH_CONTENT_TYPES,
  type DeleteOptions,
  type ResourceRef,
  type WriteOptions,
} from '../../engine/apiserver/types.js';
import { bearerMatches } from '../token.js';
import { parseRoute, type Route } from './route.js';
import { decodeBody, mediaType, readBody, sendError, sendJson } from './http-util.js';
import { tableFor, wantsTable, type IncludeObject } from './table.js';
import { serveWatch } from './watch-stream.js';
import { serveDiscovery } from './discovery-routes.js';
import { isNodeExtension, serveNodeExtension, type NodeReadApi } from './node-extensions.js';
import type { KubeObject } from '../../engine/api/types.js';

export interface PodIOHandlers {
  /** pods/log: stream the log to `res`. */
  log?(
    req: IncomingMessage,
    res: ServerResponse,
    ref: { namespace: string; name: string },
    query: URLSearchParams,
  ): Promise<void>;
  /** pods/exec over a WebSocket upgrade (the server's `upgrade` event). */
  exec?(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    ref: { namespace: string; name: string },
    query: URLSearchParams,
  ): Promise<void>;
  /** pods/portforward over SPDY/3.1 or a WebSocket upgrade. */
  portForward?(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    ref: { namespace: string; name: string },
    query: URLSearchParams,
  ): Promise<void>;
}

export interface HandlerOptions {
  engine: Engine;
  token: string;
  /** `host:port` clients reach us at, for /api serverAddressByClientCIDRs. */
  serverAddress: string;
  podIO?: PodIOHandlers;
  /** Metrics and probe history from the node agent. */
  nodeRead?: NodeReadApi;
}

export function createApiHandler(opts: HandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(opts, req, res).catch((err: unknown) => sendError(res, err));
  };
}

async function handle(opts: HandlerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!bearerMatches(req.headers.authorization, opts.token)) {
    req.resume();
    throw unauthorized();
  }
  rejectDotSegments(req.url ?? '/');
  const url = new URL(req.url ?? '/', 'https://kubedesk.invalid');
  const route = parseRoute(url.pathname);
  if (route.type !== 'resource') {
    if (req.method !== 'GET' && req.method !== 'HEAD')
      throw methodNotAllowed(`${req.method} is not allowed on ${url.pathname}`);
    return serveDiscovery(route as Exclude<Route, { type: 'resource' }>, req, res, opts.serverAddress, url);
  }
  await handleResource(opts, route, url, req, res);
}

type ResourceRoute = Extract<Route, { type: 'resource' }>;

async function handleResource(
  opts: HandlerOptions,
  route: ResourceRoute,
  url: URL,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const { engine } = opts;
  const q = url.searchParams;
  if (isNodeExtension(route)) return serveNodeExtension(engine, opts.nodeRead, route, req.method ?? 'GET', q, res);
  const ref: ResourceRef = {
    group: route.group,
    version: route.version,
    resource: route.resource,
    namespace: route.namespace,
    name: route.name,
    subresource: route.subresource,
  };
  const info = kindByResource(route.group, route.resource);
  // Resolving validates group, version, names and subresource (404/400 before reading any body).
  const resolved = engine.api.resolve(ref);
  const method = req.method ?? 'GET';
  const writeOpts = writeOptions(q);

  if (route.subresource === 'log' && info?.kind === 'Pod' && method === 'GET') {
    if (!opts.podIO?.log)
      throw new StatusError(503, 'ServiceUnavailable', 'logs are not available: no node agent is running');
    return opts.podIO.log(req, res, { namespace: route.namespace ?? 'default', name: route.name! }, q);
  }

  switch (method) {
    case 'GET':
    case 'HEAD': {
      const watch = route.watchPath || q.get('watch') === 'true' || q.get('watch') === '1';
      if (watch) return serveWatch(engine, resolved.info, ref, q, req, res);
      const table = wantsTable(req.headers.accept);
      if (route.name) {
        const obj = await engine.api.get(ref);
        if (table && !route.subresource)
          return sendTable(res, resolved.info, [obj], q, table, engine, obj.metadata.resourceVersion);
        return sendJson(res, 200, obj);
      }
      if (q.has('sendInitialEvents')) throw sendInitialEventsForbidden();
      const list = await engine.api.list(ref, {
        labelSelector: q.get('labelSelector') ?? undefined,
        fieldSelector: q.get('fieldSelector') ?? undefined,
        limit: q.has('limit') ? Number(q.get('limit')) : undefined,
        continue: q.get('continue') ?? undefined,
        resourceVersion: q.get('resourceVersion') ?? undefined,
      });
      if (table)
        return sendTable(
          res,
          resolved.info,
          list.items,
          q,
          table,
          engine,
          list.metadata.resourceVersion,
          list.metadata.continue,
        );
      return sendJson(res, 200, list);
    }
    case 'POST': {
      const body = await requestBody(req);
      if (q.get('dryRun') && q.get('dryRun') !== 'All') throw badRequest(`dryRun must be "All"`);
      if (route.name && !route.subresource)
        throw methodNotAllowed(`POST is not allowed on a named ${route.resource}; use PUT or PATCH`);
      const res2 = route.subresource
        ? { object: await engine.api.create(ref, body, writeOpts), warnings: [] as string[] }
        : await engine.api.createWithWarnings(ref, body, writeOpts);
      setWarnings(res, res2.warnings);
      return sendJson(res, route.subresource ? 201 : 201, res2.object);
    }
    case 'PUT': {
      if (!route.name) throw methodNotAllowed('PUT needs a name');
      const body = await requestBody(req);
      const obj = await engine.api.update(ref, body, writeOpts);
      return sendJson(res, 200, obj);
    }
    case 'PATCH': {
      if (!route.name) throw methodNotAllowed('PATCH needs a name');
      const type = PATCH_CONTENT_TYPES[mediaType(req.headers['content-type'])];
      if (!type) {
        req.resume();
        throw new StatusError(
          415,
          'UnsupportedMediaType',
          `the body of the request was in an unknown format - accepted media types include: ${Object.keys(PATCH_CONTENT_TYPES).join(', ')}`,
        );
      }
      const raw = await readBody(req);
      const patch = decodeBody(raw, type === 'apply' ? 'application/yaml' : 'application/json');
      const obj = await engine.api.patch(ref, type, patch, { ...writeOpts, force: q.get('force') === 'true' });
      return sendJson(res, 200, obj);
    }
    case 'DELETE': {
      const body = (await requestBody(req, true)) as
        Partial<DeleteOptions & { kind: string; orphanDependents?: boolean }> | undefined;
      const delOpts = deleteOptions(q, body);
      if (route.name) {
        const result = await engine.api.delete(ref, delOpts);
        if (result.object) return sendJson(res, result.removed ? 200 : 202, result.object);
        return sendJson(res, 200, result.status);
      }
      const list = await engine.api.deleteCollection(
        ref,
        { labelSelector: q.get('labelSelector') ?? undefined, fieldSelector: q.get('fieldSelector') ?? undefined },
        delOpts,
      );
      return sendJson(res, 200, list);
    }
    default:
      req.resume();
      throw methodNotAllowed(`${method} is not supported`);
  }
}

function writeOptions(q: URLSearchParams): WriteOptions {
  const fv = q.get('fieldValidation') ?? undefined;
  if (fv && !['Strict', 'Warn', 'Ignore'].includes(fv)) {
    throw badRequest(`fieldValidation must be one of Strict, Warn or Ignore (got ${JSON.stringify(fv)})`);
  }
  const dryRun = q.get('dryRun');
  if (dryRun && dryRun !== 'All') throw badRequest(`dryRun must be "All"`);
  return {
    dryRun: dryRun === 'All' ? 'All' : undefined,
    fieldManager: q.get('fieldManager') ?? undefined,
    fieldValidation: fv as WriteOptions['fieldValidation'],
  };
}

function deleteOptions(
  q: URLSearchParams,
  body?: Partial<DeleteOptions & { orphanDependents?: boolean }>,
): DeleteOptions {
  const grace = q.get('gracePeriodSeconds') ?? body?.gracePeriodSeconds;
  const policy =
    q.get('propagationPolicy') ?? body?.propagationPolicy ?? (body?.orphanDependents ? 'Orphan' : undefined);
  const dryRun = q.get('dryRun') ?? (Array.isArray(body?.dryRun) ? body.dryRun[0] : body?.dryRun);
  return {
    gracePeriodSeconds: grace === undefined || grace === null ? undefined : Number(grace),
    propagationPolicy: policy as DeleteOptions['propagationPolicy'],
    preconditions: body?.preconditions,
    dryRun: dryRun === 'All' ? 'All' : undefined,
  };
}

async function requestBody(req: IncomingMessage, optional = false): Promise<unknown> {
  const raw = await readBody(req);
  if (raw.length === 0) {
    if (optional) return undefined;
    throw badRequest('the request needs a body');
  }
  return decodeBody(raw, req.headers['content-type']);
}

function setWarnings(res: ServerResponse, warnings: string[]): void {
  if (warnings.length === 0) return;
  // RFC 7234 warning headers, as kube-apiserver sends them (`299 - "unknown field …"`).
  res.setHeader(
    'Warning',
    warnings.map((w) => `299 - ${JSON.stringify(w)}`),
  );
}

function sendTable(
  res: ServerResponse,
  info: ReturnType<Engine['api']['resolve']>['info'],
  objects: KubeObject[],
  q: URLSearchParams,
  version: 'v1' | 'v1beta1',
  engine: Engine,
  resourceVersion?: string,
  cont?: string,
): void {
  const include = (q.get('includeObject') ?? 'Metadata') as IncludeObject;
  sendJson(
    res,
    200,
    tableFor(info, objects, {
      now: engine.clock.now(),
      includeObject: include,
      version,
      resourceVersion,
      continue: cont,
    }),
    `application/json;as=Table;v=${version};g=meta.k8s.io`,
  );
}

/**
 * WatchList (sendInitialEvents) is not supported: answer as kube-apiserver does with the WatchList
 * feature gate off (a 422 on ListOptions), so client-go falls back to list+watch at once.
 */
export function sendInitialEventsForbidden(): StatusError {
  return invalid('meta.k8s.io', 'ListOptions', '', [
    cause.forbidden(
      'sendInitialEvents',
      'sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled',
    ),
  ]);
}

/**
 * URL parsing would resolve `.`/`..` segments (also when percent-encoded) and silently address
 * something else (`configmaps/..` → the namespace); Kubernetes refuses such paths outright.
 */
function rejectDotSegments(rawUrl: string): void {
  const rawPath = rawUrl.split('?')[0];
  for (const seg of rawPath.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(seg);
    } catch {
      throw badRequest(`malformed path ${JSON.stringify(rawPath)}`);
    }
    if (decoded === '.' || decoded === '..')
      throw badRequest(`invalid path ${JSON.stringify(rawPath)}: "." and ".." segments are not allowed`);
  }
}

/**
 * WebSocket upgrades: pods/exec (and attach, answered as not supported). Authenticated like every
 * other request; failures are answered with a plain HTTP Status before the upgrade.
 */
export function createUpgradeHandler(
  opts: HandlerOptions,
): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (req, socket, head) => {
    const fail = (err: unknown) => {
      const status = err instanceof StatusError ? err : new StatusError(500, 'InternalError', String(err));
      const body = JSON.stringify(status.toStatus());
      socket.end(
        `HTTP/1.1 ${status.code} ${status.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    };
    (async () => {
      if (!bearerMatches(req.headers.authorization, opts.token)) throw unauthorized();
      rejectDotSegments(req.url ?? '/');
      const url = new URL(req.url ?? '/', 'https://kubedesk.invalid');
      const route = parseRoute(url.pathname);
      if (
        route.type !== 'resource' ||
        route.group !== '' ||
        route.resource !== 'pods' ||
        !route.name ||
        !route.namespace
      ) {
        throw badRequest('only pods/exec and pods/portforward can be upgraded');
      }
      opts.engine.api.resolve({
        group: '',
        resource: 'pods',
        namespace: route.namespace,
        name: route.name,
        subresource: route.subresource,
      });
      if (route.subresource === 'portforward') {
        if (!opts.podIO?.portForward)
          throw new StatusError(503, 'ServiceUnavailable', 'port-forward is not available: no node agent is running');
        await checkPortForwardable(opts.engine, route.namespace, route.name);
        await opts.podIO.portForward(
          req,
          socket,
          head,
          { namespace: route.namespace, name: route.name },
          url.searchParams,
        );
        return;
      }
      if (route.subresource !== 'exec') {
        throw new StatusError(
          400,
          'BadRequest',
          `${route.subresource ?? 'pods'} over WebSocket is not supported yet; use kubectl exec`,
        );
      }
      if (!opts.podIO?.exec)
        throw new StatusError(503, 'ServiceUnavailable', 'exec is not available: no node agent is running');
      await opts.podIO.exec(req, socket, head, { namespace: route.namespace, name: route.name }, url.searchParams);
    })().catch(fail);
  };
}

/** The API server's own checks before a port-forward upgrade: the pod exists and is running. */
async function checkPortForwardable(engine: Engine, namespace: string, name: string): Promise<void> {
  const pod = (await engine.api.get({ group: '', resource: 'pods', namespace, name })) as {
    status?: { phase?: string };
  };
  const phase = pod.status?.phase ?? 'Pending';
  if (phase !== 'Running') {
    throw badRequest(`unable to upgrade connection: pod ${name} is not running (phase ${phase})`);
  }
}
