// The endpoints controller: keeps each Service's Endpoints (core/v1, pkg/controller/endpoint) and
// EndpointSlices (discovery.k8s.io/v1, pkg/controller/endpointslice) in step with the pods its
// selector matches and their readiness. One controller writes both, from one sync per Service.
//
// - Ready pods are `addresses`, the others `notReadyAddresses`; with publishNotReadyAddresses all
//   count as ready. A terminating pod leaves the Endpoints at once; in the slices it stays with
//   `ready: false, serving: <its readiness>, terminating: true`, as upstream.
// - Named targetPorts are resolved per pod from its container ports.
// - A Service without a selector is left alone: its Endpoints are the user's ("external service");
//   they are mirrored to slices managed by `endpointslicemirroring-controller.k8s.io`.
// - Slices carry `kubernetes.io/service-name`, `endpointslice.kubernetes.io/managed-by` and a
//   controller reference to the Service (so the garbage collector removes them with it).
//
// Handlers only enqueue Service keys; a pod event enqueues every Service in its namespace that
// selects it (before or after the change), so a readiness flip reaches the Endpoints in one sync.
import type { Endpoints, Pod, Service } from 'kubernetes-types/core/v1';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1';
import type { KubeObject } from '../../api/types.js';
import { selectorFromSet } from '../../api/selectors/index.js';
import { isStatusError } from '../../api/errors.js';
import { Controller } from '../framework/controller.js';
import { keyOf, splitKey, type Informer } from '../framework/informer.js';
import { PODS, type ControllerContext } from '../framework/context.js';
import { isNotFound, newControllerRef } from '../framework/util.js';
import { desiredSubsets, endpointLabels } from './endpoints-util.js';
import {
  LABEL_MANAGED_BY,
  LABEL_SERVICE_NAME,
  MANAGED_BY_CONTROLLER,
  MANAGED_BY_MIRRORING,
  desiredSlices,
  mirroredSlices,
  planSlices,
  type SliceContent,
} from './endpoint-slices.js';

export const SERVICES = '/services';
export const ENDPOINTS = '/endpoints';
export const ENDPOINT_SLICES = 'discovery.k8s.io/endpointslices';
const INDEX_SERVICE_NAME = 'endpointSliceServiceName';

const endpointsRef = (namespace: string, name?: string) => ({ group: '', resource: 'endpoints', namespace, name });
const sliceRef = (namespace: string, name?: string) => ({
  group: 'discovery.k8s.io',
  resource: 'endpointslices',
  namespace,
  name,
});

function hasSelector(svc: Service): boolean {
  return Object.keys(svc.spec?.selector ?? {}).length > 0;
}

/** Index: `namespace/service` of a slice's `kubernetes.io/service-name` label. */
function byServiceName(obj: KubeObject): string[] {
  const name = obj.metadata.labels?.[LABEL_SERVICE_NAME];
  return name ? [`${obj.metadata.namespace}/${name}`] : [];
}

export class EndpointsController extends Controller {
  #ctx: ControllerContext;
  #services: Informer;
  #pods: Informer;
  #endpoints: Informer;
  #slices: Informer;

  constructor(ctx: ControllerContext) {
    super('endpoint-controller', ctx.clock, { workers: ctx.workers });
    this.#ctx = ctx;
    this.#services = ctx.informers.informer(SERVICES);
    this.#pods = ctx.informers.informer(PODS);
    this.#endpoints = ctx.informers.informer(ENDPOINTS);
    this.#slices = ctx.informers.informer(ENDPOINT_SLICES, { [INDEX_SERVICE_NAME]: byServiceName });
    this.#services.addEventHandler({
      onAdd: (svc) => this.enqueue(keyOf(svc)),
      onUpdate: (_old, svc) => this.enqueue(keyOf(svc)),
      onDelete: (svc) => this.enqueue(keyOf(svc)),
    });
    this.#pods.addEventHandler({
      onAdd: (pod) => this.#enqueueServicesOf(pod),
      onUpdate: (old, pod) => {
        this.#enqueueServicesOf(pod);
        if (JSON.stringify(old.metadata.labels ?? {}) !== JSON.stringify(pod.metadata.labels ?? {})) {
          this.#enqueueServicesOf(old);
        }
      },
      onDelete: (pod) => this.#enqueueServicesOf(pod),
    });
    // Someone else changed or deleted what we own: put it right (or, without a selector, mirror it).
    this.#endpoints.addEventHandler({
      onAdd: (ep) => this.enqueue(keyOf(ep)),
      onUpdate: (_old, ep) => this.enqueue(keyOf(ep)),
      onDelete: (ep) => this.enqueue(keyOf(ep)),
    });
    const sliceOwner = (slice: KubeObject) => {
      const name = slice.metadata.labels?.[LABEL_SERVICE_NAME];
      if (name) this.enqueue(`${slice.metadata.namespace}/${name}`);
    };
    this.#slices.addEventHandler({
      onAdd: sliceOwner,
      onUpdate: (old, slice) => {
        sliceOwner(old);
        sliceOwner(slice);
      },
      onDelete: sliceOwner,
    });
  }

  #enqueueServicesOf(pod: KubeObject): void {
    for (const svc of this.#services.list(pod.metadata.namespace)) {
      const selector = (svc as Service).spec?.selector;
      if (!selector || Object.keys(selector).length === 0) continue;
      if (selectorFromSet(selector).matches(pod.metadata.labels)) this.enqueue(keyOf(svc));
    }
  }

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const svc = this.#services.get(namespace, name) as (Service & KubeObject) | undefined;
    if (!svc) {
      // The Endpoints share the Service's name and go with it; slices are also owned by it.
      await this.#deleteEndpoints(namespace, name);
      await this.#syncSlices(namespace, name, undefined, []);
      return;
    }
    if (svc.spec?.type === 'ExternalName') {
      await this.#syncSlices(namespace, name, svc, []);
      return;
    }
    if (!hasSelector(svc)) {
      const ep = this.#endpoints.get(namespace, name) as Endpoints | undefined;
      await this.#syncSlices(namespace, name, svc, ep ? mirroredSlices(ep.subsets ?? []) : [], MANAGED_BY_MIRRORING);
      return;
    }
    const pods = this.#pods.list(namespace, selectorFromSet(svc.spec!.selector!)) as unknown as Pod[];
    await this.#syncEndpoints(svc, desiredSubsets(svc, pods));
    await this.#syncSlices(namespace, name, svc, desiredSlices(svc, pods));
  }

  async #deleteEndpoints(namespace: string, name: string): Promise<void> {
    if (!this.#endpoints.get(namespace, name)) return;
    try {
      await this.#ctx.api.delete(endpointsRef(namespace, name));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  async #syncEndpoints(svc: Service & KubeObject, subsets: Endpoints['subsets']): Promise<void> {
    const { namespace, name } = svc.metadata;
    const labels = endpointLabels(svc);
    const current = this.#endpoints.get(namespace, name!) as (Endpoints & KubeObject) | undefined;
    const body: Endpoints & KubeObject = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name, namespace, labels },
      ...(subsets && subsets.length > 0 ? { subsets } : {}),
    };
    if (!current) {
      try {
        await this.#ctx.api.create(endpointsRef(namespace!), body);
      } catch (err) {
        // Created meanwhile (our cache was behind): the watch event brings us back here.
        if (!(isStatusError(err) && err.code === 409)) throw err;
      }
      return;
    }
    if (
      JSON.stringify(current.subsets ?? []) === JSON.stringify(subsets ?? []) &&
      JSON.stringify(current.metadata.labels ?? {}) === JSON.stringify(labels)
    ) {
      return;
    }
    body.metadata = { ...current.metadata, labels };
    await this.#ctx.api.update(endpointsRef(namespace!, name), body);
  }

  async #syncSlices(
    namespace: string,
    name: string,
    svc: (Service & KubeObject) | undefined,
    desired: SliceContent[],
    managedBy = MANAGED_BY_CONTROLLER,
  ): Promise<void> {
    const ours = (
      this.#slices.byIndex(INDEX_SERVICE_NAME, `${namespace}/${name}`) as unknown as EndpointSlice[]
    ).filter((s) =>
      [MANAGED_BY_CONTROLLER, MANAGED_BY_MIRRORING].includes(s.metadata?.labels?.[LABEL_MANAGED_BY] ?? ''),
    );
    const api = this.#ctx.api;
    const remove = async (s: EndpointSlice) => {
      try {
        await api.delete(sliceRef(namespace, s.metadata!.name));
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    };
    // No Service, an ExternalName one, or nothing to mirror: no slices at all.
    if (!svc || (managedBy === MANAGED_BY_MIRRORING && desired.length === 0) || svc.spec?.type === 'ExternalName') {
      for (const s of ours) await remove(s);
      return;
    }
    const labels = { ...endpointLabels(svc), [LABEL_SERVICE_NAME]: name, [LABEL_MANAGED_BY]: managedBy };
    const owner = newControllerRef(svc);
    const labelsOk = (s: EndpointSlice) =>
      JSON.stringify(s.metadata?.labels ?? {}) === JSON.stringify(labels) &&
      s.metadata?.ownerReferences?.length === 1 &&
      s.metadata.ownerReferences[0].uid === owner.uid;
    const plan = planSlices(ours, desired, labelsOk);
    const content = (c: SliceContent) => ({ addressType: c.addressType, ports: c.ports, endpoints: c.endpoints });
    for (const { slice, content: c } of plan.update) {
      const body = {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { ...slice.metadata, labels, ownerReferences: [owner] },
        ...content(c),
      };
      await api.update(sliceRef(namespace, slice.metadata!.name), body);
    }
    for (const c of plan.create) {
      const body = {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { generateName: `${name.slice(0, 57)}-`, namespace, labels, ownerReferences: [owner] },
        ...content(c),
      };
      await api.create(sliceRef(namespace), body);
    }
    for (const s of plan.remove) await remove(s);
  }
}
