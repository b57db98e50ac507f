// The namespace controller (pkg/controller/namespace): when a namespace is being deleted, delete
// everything in it, report what remains in the namespace's conditions, and once it is empty remove
// the `kubernetes` finalizer through /finalize — which lets the namespace itself go.
import type { KubeObject } from '../api/types.js';
import { isStatusError } from '../api/errors.js';
import { KINDS } from '../api/registry.js';
import type { ApiServer } from '../apiserver/api-server.js';
import { NAMESPACE_FINALIZER } from '../apiserver/delete.js';
import { rfc3339 } from '../clock.js';
import { resourceKey } from '../store/keys.js';
import { WorkQueue } from './workqueue.js';

const NAMESPACED = KINDS.filter((k) => k.namespaced);

export class NamespaceController {
  #api: ApiServer;
  #queue: WorkQueue;
  #unsubscribe: (() => void) | null = null;

  constructor(api: ApiServer) {
    this.#api = api;
    this.#queue = new WorkQueue((k) => this.#sync(k), api.ctx.clock, { workers: 2 });
  }

  start(): void {
    for (const ns of this.#api.store.list('/namespaces')) {
      if (ns.metadata.deletionTimestamp) this.#queue.add(ns.metadata.name!);
    }
    this.#unsubscribe = this.#api.store.subscribeAll((e) => {
      if (e.resource === '/namespaces') {
        if (e.object.metadata.deletionTimestamp && e.type !== 'DELETED') this.#queue.add(e.object.metadata.name!);
        return;
      }
      // Something left a terminating namespace: check whether it is empty now.
      const ns = e.object.metadata.namespace;
      if (e.type === 'DELETED' && ns) {
        const nsObj = this.#api.store.get(`/namespaces//${ns}`);
        if (nsObj?.metadata.deletionTimestamp) this.#queue.add(ns);
      }
    });
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#queue.shutDown();
  }

  whenIdle(): Promise<void> {
    return this.#queue.whenIdle();
  }

  async #sync(name: string): Promise<void> {
    const ns = this.#api.store.get(`/namespaces//${name}`);
    if (!ns || !ns.metadata.deletionTimestamp) return;
    const remaining: { resource: string; count: number }[] = [];
    for (const k of NAMESPACED) {
      const objects = this.#api.store.list(resourceKey(k.group, k.plural), name);
      if (objects.length === 0) continue;
      remaining.push({ resource: k.group ? `${k.plural}.${k.group}` : k.plural, count: objects.length });
      for (const obj of objects) {
        if (obj.metadata.deletionTimestamp) continue;
        try {
          await this.#api.delete(
            { group: k.group, resource: k.plural, namespace: name, name: obj.metadata.name },
            { propagationPolicy: 'Background', preconditions: { uid: obj.metadata.uid } },
          );
        } catch (err) {
          if (!(isStatusError(err) && (err.code === 404 || err.code === 409))) throw err;
        }
      }
    }
    const after = NAMESPACED.some((k) => this.#api.store.list(resourceKey(k.group, k.plural), name).length > 0);
    if (after) {
      await this.#reportRemaining(ns, remaining);
      return; // DELETED events of the remaining objects bring us back
    }
    const finalizers = ((ns.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []).filter(
      (f) => f !== NAMESPACE_FINALIZER,
    );
    try {
      await this.#api.update(
        { group: '', resource: 'namespaces', name, subresource: 'finalize' },
        { ...ns, spec: { ...(ns.spec as object), finalizers } },
      );
    } catch (err) {
      if (!(isStatusError(err) && err.code === 404)) throw err;
    }
  }

  /** The NamespaceContentRemaining condition, as upstream reports it, so users see what blocks. */
  async #reportRemaining(ns: KubeObject, remaining: { resource: string; count: number }[]): Promise<void> {
    if (remaining.length === 0) return;
    const message = `Some resources are remaining: ${remaining.map((r) => `${r.resource} has ${r.count} resource instances`).join(', ')}`;
    const status = (ns.status ?? {}) as { phase?: string; conditions?: { type: string; message?: string }[] };
    const existing = status.conditions?.find((c) => c.type === 'NamespaceContentRemaining');
    if (existing?.message === message) return;
    const conditions = (status.conditions ?? []).filter((c) => c.type !== 'NamespaceContentRemaining');
    conditions.push({
      type: 'NamespaceContentRemaining',
      status: 'True',
      lastTransitionTime: rfc3339(this.#api.ctx.clock.now()),
      reason: 'SomeResourcesRemain',
      message,
    } as { type: string; message: string });
    try {
      await this.#api.update(
        { group: '', resource: 'namespaces', name: ns.metadata.name, subresource: 'status' },
        { ...ns, status: { ...status, conditions } },
      );
    } catch (err) {
      if (!(isStatusError(err) && (err.code === 404 || err.code === 409))) throw err;
    }
  }
}
