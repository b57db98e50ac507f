// Read-only APIs backed by the node agent rather than the store:
//   /apis/metrics.k8s.io/v1beta1/{nodes,pods}          what metrics-server serves (kubectl top)
//   /apis/kubedesk.io/v1alpha1/namespaces/{ns}/pods/{name}/probes            probe history
//   /apis/kubedesk.io/v1alpha1/namespaces/{ns}/pods/{name}/metrics           CPU/memory series
// The kubedesk.io paths are KubeDesk's own extension (listed under "Differences from Kubernetes").
import type { ServerResponse } from 'node:http';
import { StatusError, badRequest, methodNotAllowed, notFound } from '../../engine/api/errors.js';
import { replicaSetForRevision, revisionDiff, rolloutHistory } from '../../engine/controllers/deployment/history.js';
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
  if (route.group === 'kubedesk.io' && route.resource === 'deployments') return serveRevisions(engine, route, q, res);
  if (route.group === 'kubedesk.io' && route.subresource === 'scheduling') return serveScheduling(engine, route, res);
  if (
    route.group === 'kubedesk.io' &&
    route.resource === 'horizontalpodautoscalers' &&
    route.subresource === 'history'
  ) {
    if (!route.namespace || !route.name) throw notFound('kubedesk.io', route.resource, route.name ?? '');
    if (!engine.store.get(`autoscaling/horizontalpodautoscalers/${route.namespace}/${route.name}`)) {
      throw notFound('autoscaling', 'horizontalpodautoscalers', route.name);
    }
    return sendJson(res, 200, {
      kind: 'ScalingHistory',
      apiVersion: 'kubedesk.io/v1alpha1',
      items: engine.controllers?.hpa?.history(route.namespace, route.name) ?? [],
    });
  }
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

/** `…/pods/{name}/scheduling`: the scheduler's last decision for the pod (why it is Pending). */
function serveScheduling(engine: Engine, route: ResourceRoute, res: ServerResponse): void {
  if (!route.namespace || !route.name) throw notFound('kubedesk.io', 'pods', route.name ?? '');
  if (!engine.store.get(`/pods/${route.namespace}/${route.name}`)) throw notFound('', 'pods', route.name);
  const decision = engine.controllers?.scheduler?.why(route.namespace, route.name);
  if (!decision) {
    throw new StatusError(
      404,
      'NotFound',
      `no scheduling decision recorded for pod "${route.name}" (it may have been bound before this start, or has spec.nodeName set)`,
    );
  }
  sendJson(res, 200, { kind: 'SchedulingDecision', apiVersion: 'kubedesk.io/v1alpha1', ...decision });
}

/**
 * `…/deployments/{name}/revisions` (rollout history) and `…/revisiondiff?from=A&to=B` (what changed
 * between two revisions: pod template and change cause).
 */
function serveRevisions(engine: Engine, route: ResourceRoute, q: URLSearchParams, res: ServerResponse): void {
  if (!route.namespace || !route.name) throw notFound('kubedesk.io', 'deployments', route.name ?? '');
  const deployment = engine.store.get(`apps/deployments/${route.namespace}/${route.name}`);
  if (!deployment) throw notFound('apps', 'deployments', route.name);
  const replicaSets = engine.store.list('apps/replicasets', route.namespace);
  if (route.subresource === 'revisions') {
    return sendJson(res, 200, {
      kind: 'RevisionList',
      apiVersion: 'kubedesk.io/v1alpha1',
      items: rolloutHistory(deployment, replicaSets),
    });
  }
  if (route.subresource === 'revisiondiff') {
    const pick = (param: string) => {
      const rev = q.get(param);
      if (!rev || !/^\d+$/.test(rev)) throw badRequest(`${param} must be a revision number`);
      const rs = replicaSetForRevision(deployment, replicaSets, Number(rev));
      if (!rs) throw notFound('kubedesk.io', 'revisions', rev);
      return rs;
    };
    return sendJson(res, 200, {
      kind: 'RevisionDiff',
      apiVersion: 'kubedesk.io/v1alpha1',
      ...revisionDiff(deployment, pick('from'), pick('to')),
    });
  }
  throw notFound('kubedesk.io', `deployments/${route.subresource ?? ''}`, route.name);
}
