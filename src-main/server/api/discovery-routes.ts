// Discovery and OpenAPI endpoints: which groups, versions and resources exist, in the legacy
// form, in aggregated discovery v2 (when the Accept header asks for APIGroupDiscoveryList), and
// as OpenAPI v2/v3 documents (which kubectl reads to validate and to find query parameters).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StatusError } from '../../engine/api/errors.js';
import type { Route } from './route.js';
import { sendJson } from './http-util.js';
import {
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  discoveryContentType,
  legacyApiVersions,
  versionInfo,
} from './discovery.js';
import { openapiV2, openapiV3Document, openapiV3Index } from './openapi.js';

type DiscoveryRoute = Exclude<Route, { type: 'resource' }>;

/** The aggregated discovery version the client asks for, if any (kubectl ≥ 1.26 asks for v2 then v2beta1). */
function aggregatedVersion(
  accept: string | undefined,
): 'apidiscovery.k8s.io/v2' | 'apidiscovery.k8s.io/v2beta1' | null {
  for (const part of (accept ?? '').split(',')) {
    const params = new Map(
      part
        .split(';')
        .slice(1)
        .map((p) => p.trim().split('=') as [string, string]),
    );
    if (params.get('as') === 'APIGroupDiscoveryList' && params.get('g') === 'apidiscovery.k8s.io') {
      const v = params.get('v');
      if (v === 'v2' || v === 'v2beta1') return `apidiscovery.k8s.io/${v}`;
    }
  }
  return null;
}

export function serveDiscovery(
  route: DiscoveryRoute,
  req: IncomingMessage,
  res: ServerResponse,
  serverAddress: string,
  url: URL,
): void {
  switch (route.type) {
    case 'version':
      return sendJson(res, 200, versionInfo());
    case 'health':
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
      res.end('ok');
      return;
    case 'api':
    case 'apis': {
      const agg = aggregatedVersion(req.headers.accept);
      if (agg) return sendJson(res, 200, aggregatedDiscovery(route.type, agg), discoveryContentType(agg));
      return sendJson(res, 200, route.type === 'api' ? legacyApiVersions(serverAddress) : apiGroupList());
    }
    case 'group': {
      const g = apiGroup(route.group);
      if (!g) throw notFound(url.pathname);
      return sendJson(res, 200, g);
    }
    case 'resources': {
      const list = apiResourceList(route.group, route.version);
      if (!list) throw notFound(url.pathname);
      return sendJson(res, 200, list);
    }
    case 'openapi-v2': {
      // client-go asks for v2 only as protobuf; a JSON body would fail to decode there, so say
      // "not acceptable" and let it use its compiled-in types. Other clients get JSON.
      const accept = req.headers.accept ?? '';
      if (accept.includes('protobuf') && !accept.includes('json') && !accept.includes('*/*')) {
        throw new StatusError(406, 'NotAcceptable', 'only application/json is available for /openapi/v2');
      }
      return sendJson(res, 200, openapiV2());
    }
    case 'openapi-v3-index':
      return sendJson(res, 200, openapiV3Index());
    case 'openapi-v3': {
      const doc = openapiV3Document(route.path);
      if (!doc) throw notFound(url.pathname);
      if (url.searchParams.has('hash')) res.setHeader('Cache-Control', 'public, immutable');
      return sendJson(res, 200, doc);
    }
  }
}

function notFound(path: string): StatusError {
  return new StatusError(404, 'NotFound', `the server could not find the requested resource (${path})`);
}
