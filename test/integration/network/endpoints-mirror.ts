// A stand-in for the Endpoints controller (built on another branch): keeps each selector Service's
// Endpoints in step with its pods' readiness, as kube-controller-manager does, so the network can be
// tested on its own. Removed once the real controller is merged.
import type { Endpoints, Pod, Service } from 'kubernetes-types/core/v1';
import type { Engine } from '../../../src-main/engine/index.js';
import type { WatchHandle } from '../../../src-main/engine/apiserver/api-server.js';

export class EndpointsMirror {
  #engine: Engine;
  #watches: WatchHandle[] = [];
  #busy: Promise<void> = Promise.resolve();

  constructor(engine: Engine) {
    this.#engine = engine;
    for (const resource of ['pods', 'services']) {
      this.#watches.push(engine.api.watch({ group: '', resource }, {}, () => this.#queue()));
    }
  }

  #queue(): void {
    this.#busy = this.#busy.then(() => this.#sync()).catch(() => undefined);
  }

  async #sync(): Promise<void> {
    const store = this.#engine.store;
    for (const svc of store.list('/services') as Service[]) {
      const selector = svc.spec?.selector;
      if (!selector) continue;
      const ns = svc.metadata!.namespace!;
      const pods = (store.list('/pods', ns) as Pod[]).filter(
        (p) => p.status?.podIP && Object.entries(selector).every(([k, v]) => p.metadata?.labels?.[k] === v),
      );
      const address = (p: Pod) => ({
        ip: p.status!.podIP!,
        ...(p.spec?.hostname && p.spec.subdomain === svc.metadata!.name ? { hostname: p.spec.hostname } : {}),
        targetRef: { kind: 'Pod', namespace: ns, name: p.metadata!.name! },
      });
      const ready = pods.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
      const unready = pods.filter((p) => !ready.includes(p));
      const ports = (svc.spec?.ports ?? []).map((p) => ({
        ...(p.name ? { name: p.name } : {}),
        port: typeof p.targetPort === 'number' ? p.targetPort : p.port,
        protocol: p.protocol ?? 'TCP',
      }));
      const body: Endpoints = {
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: { name: svc.metadata!.name!, namespace: ns },
        subsets:
          pods.length === 0
            ? []
            : [
                {
                  ...(ready.length ? { addresses: ready.map(address) } : {}),
                  ...(unready.length ? { notReadyAddresses: unready.map(address) } : {}),
                  ports,
                },
              ],
      };
      const ref = { group: '', resource: 'endpoints', namespace: ns, name: svc.metadata!.name! };
      const have = store.get(`/endpoints/${ns}/${svc.metadata!.name!}`) as Endpoints | undefined;
      if (!have) await this.#engine.api.create({ ...ref, name: undefined }, body);
      else if (JSON.stringify(have.subsets ?? []) !== JSON.stringify(body.subsets))
        await this.#engine.api.update(ref, {
          ...body,
          metadata: { ...body.metadata, resourceVersion: have.metadata!.resourceVersion },
        });
    }
  }

  stop(): void {
    for (const w of this.#watches) w.stop();
  }
}
