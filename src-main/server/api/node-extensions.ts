// Read-only APIs backed by the node agent rather than the store:
//   /apis/metrics.k8s.io/v1beta1/{nodes,pods}          what metrics-server serves (kubectl top)
//   /apis/kubedesk.io/v1alpha1/namespaces/{ns}/pods/{name}/probes            probe history
//   /apis/kubedesk.io/v1alpha1/namespaces/{ns}/pods/{name}/metrics           CPU/memory series
// The kubedesk.io paths are KubeDesk's own extension (listed under "Differences from Kubernetes").
import type { ServerResponse } from 'node:http';
import { StatusError, methodNotAllowed, notFound } from '../../engine/api/errors.js';
import type { PodIO } from '../../engine/node/index.js';
import { parseLabelSelector } from '../../engine/api/selectors/index.js';
import type { Engine } from '../../engine/index.js';
import type { Route } from './route.js';
import { sendJson } from './http-util.js';

type ResourceRoute = Extract<Route, { type: 'resource' }>;
export type NodeReadApi = Pick<PodIO, 'metrics' | 'probeHistory' | 'metricsHistory'>;

export function isNodeExtension(route: ResourceRoute): boolean {
  return route.group === 'metrics.k8s.io' || route.group === 'kubedesk.io';
}

export function serveNodeExtension(
  engine: Engine,
  io: NodeReadApi | undefined,
  route: ResourceRoute,
  method: string,
  q: URLSearchParams,
  res: ServerResponse,
): void {
  if (method !== 'GET') throw methodNotAllowed(`${method} is not supported on ${route.group}`);
  if (!io)
    throw new StatusError(
      503,
      'ServiceUnavailable',
      'no node agent is running, so there are no metrics or probe results',
    );
  if (route.group === 'metrics.k8s.io') {
    if (route.version !== 'v1beta1') throw notFound(route.group, route.resource, route.name ?? '');
    const labels = q.get('labelSelector') ? parseLabelSelector(q.get('labelSelector')!) : null;
    if (route.resource === 'nodes') {
      const { node } = io.metrics();
      if (route.name) {
        if (route.name !== node.metadata.name) throw notFound('metrics.k8s.io', 'nodes', route.name);
        return sendJson(res, 200, node);
      }
      return sendJson(res, 200, {
        kind: 'NodeMetricsList',
        apiVersion: 'metrics.k8s.io/v1beta1',
        metadata: {},
        items: [node],
      });
    }
    if (route.resource === 'pods') {
      let pods = io.metrics(route.namespace, route.name).pods;
      if (labels) {
        pods = pods.filter((p) => {
          const pod = engine.store.get(`/pods/${p.metadata.namespace}/${p.metadata.name}`);
          return labels.matches(pod?.metadata.labels ?? {});
        });
      }
      if (route.name) {
        const one = pods.find((p) => p.metadata.name === route.name);
        if (!one) throw notFound('metrics.k8s.io', 'pods', route.name);
        return sendJson(res, 200, one);
      }
      return sendJson(res, 200, {
        kind: 'PodMetricsList',
        apiVersion: 'metrics.k8s.io/v1beta1',
        metadata: {},
        items: pods,
      });
    }
    throw notFound('metrics.k8s.io', route.resource, route.name ?? '');
  }
  // kubedesk.io/v1alpha1/namespaces/{ns}/pods/{name}/{probes|metrics}
  if (route.version !== 'v1alpha1' || route.resource !== 'pods' || !route.name || !route.namespace) {
    throw notFound('kubedesk.io', route.resource, route.name ?? '');
  }
  if (!engine.store.get(`/pods/${route.namespace}/${route.name}`)) throw notFound('', 'pods', route.name);
  if (route.subresource === 'probes') {
    return sendJson(res, 200, {
      kind: 'ProbeHistory',
      apiVersion: 'kubedesk.io/v1alpha1',
      items: io.probeHistory(route.namespace, route.name, q.get('container') ?? undefined),
    });
  }
  if (route.subresource === 'metrics') {
    return sendJson(res, 200, {
      kind: 'MetricsHistory',
      apiVersion: 'kubedesk.io/v1alpha1',
      items: io.metricsHistory(route.namespace, route.name),
    });
  }
  throw notFound('kubedesk.io', `pods/${route.subresource ?? ''}`, route.name);
}
