// NodePort and LoadBalancer Services on the host, in place of kube-proxy and a cloud load
// balancer: for every TCP port of a NodePort or LoadBalancer Service, a listener on 127.0.0.1 at
// its nodePort; for a LoadBalancer Service also one at its `port`, as Docker Desktop exposes
// them on localhost. Each connection goes to a ready endpoint through the port the pod publishes
// on 127.0.0.1 (ServiceBackends: round robin or ClientIP affinity, the next backend tried when one
// refuses or drops before answering).
//
// A LoadBalancer Service gets `status.loadBalancer.ingress: [{ip: 127.0.0.1, hostname: localhost}]`
// once every one of its listeners is bound; a port that cannot be bound (held by another program,
// or a privileged port) is a Warning event on the Service, no ingress status, and a retry every
// RETRY_BIND_MS. `externalTrafficPolicy` is accepted: with one node, Local and Cluster reach the
// same endpoints (the client address the pod sees is the proxy's either way).
//
// Listeners follow Service updates and deletes through the shared informer and close on stop().
import type { Service } from 'kubernetes-types/core/v1';
import type { KubeObject } from '../api/types.js';
import type { ApiServer } from '../apiserver/api-server.js';
import type { Clock } from '../clock.js';
import { Controller } from '../controllers/framework/controller.js';
import type { Recorder } from '../controllers/framework/context.js';
import { keyOf, splitKey, type InformerFactory, type Informer } from '../controllers/framework/informer.js';
import { writeStatus } from '../controllers/framework/util.js';
import { ServiceBackends } from './service-backends.js';
import { listen, type Conn, type TcpListener } from './tcp-conn.js';

export const RETRY_BIND_MS = 10_000;
/** Event reasons: the service controller's for a load balancer, and one for a node port. */
export const REASON_LB_FAILED = 'SyncLoadBalancerFailed';
export const REASON_LB_ENSURED = 'EnsuredLoadBalancer';
export const REASON_NODEPORT_FAILED = 'NodePortUnavailable';
/** A connection came in, but no ready endpoint's target port is published on the host. */
export const REASON_TARGET_NOT_PUBLISHED = 'TargetPortNotPublished';
export const LOAD_BALANCER_INGRESS = [{ ip: '127.0.0.1', hostname: 'localhost' }];

export interface ServiceProxyOptions {
  informers: InformerFactory;
  api: ApiServer;
  clock: Clock;
  recorder: Recorder;
  /** Address to listen on (default 127.0.0.1; never anything but loopback in production). */
  host?: string;
  backends?: ServiceBackends;
}

/** One host port and the Service port it forwards to. */
interface Wanted {
  hostPort: number;
  /** The Service port (number) connections go to. */
  servicePort: number;
  kind: 'NodePort' | 'LoadBalancer';
}

interface Listener {
  service: string;
  namespace: string;
  name: string;
  hostPort: number;
  servicePort: number;
  kind: Wanted['kind'];
  server?: TcpListener;
  bound: boolean;
  failed?: string;
}

/** The host ports a Service wants, by kind. */
export function wantedPorts(svc: Service): Wanted[] {
  const type = svc.spec?.type;
  if (type !== 'NodePort' && type !== 'LoadBalancer') return [];
  const out: Wanted[] = [];
  for (const p of svc.spec?.ports ?? []) {
    if ((p.protocol ?? 'TCP') !== 'TCP') continue;
    if (p.nodePort) out.push({ hostPort: p.nodePort, servicePort: p.port, kind: 'NodePort' });
    if (type === 'LoadBalancer') out.push({ hostPort: p.port, servicePort: p.port, kind: 'LoadBalancer' });
  }
  return out;
}

export class ServiceProxy extends Controller {
  readonly backends: ServiceBackends;
  #opts: ServiceProxyOptions;
  #services: Informer;
  /** By host port. */
  #listeners = new Map<number, Listener>();
  #stopped = false;

  constructor(opts: ServiceProxyOptions) {
    super('service-proxy', opts.clock, { workers: 1 });
    this.#opts = opts;
    this.backends = opts.backends ?? new ServiceBackends({ informers: opts.informers, clock: opts.clock });
    this.#services = opts.informers.informer('/services');
  }

  start(): void {
    this.#services.addEventHandler({
      onAdd: (svc) => this.enqueue(keyOf(svc)),
      onUpdate: (_old, svc) => this.enqueue(keyOf(svc)),
      onDelete: (svc) => this.enqueue(keyOf(svc)),
    });
    this.#services.start();
  }

  /** What is listening, for tests and the UI: host port → Service and state. */
  listeners(): { service: string; hostPort: number; servicePort: number; kind: string; bound: boolean }[] {
    return [...this.#listeners.values()].map(({ service, hostPort, servicePort, kind, bound }) => ({
      service,
      hostPort,
      servicePort,
      kind,
      bound,
    }));
  }

  async sync(key: string): Promise<void> {
    if (this.#stopped) return;
    const { namespace, name } = splitKey(key);
    const svc = this.#services.get(namespace, name) as (Service & KubeObject) | undefined;
    const wanted = svc ? wantedPorts(svc) : [];
    // Close what this Service no longer wants.
    for (const l of [...this.#listeners.values()]) {
      if (l.service !== key) continue;
      const w = wanted.find((x) => x.hostPort === l.hostPort);
      if (w) {
        l.servicePort = w.servicePort;
        l.kind = w.kind;
      } else void this.#close(l);
    }
    if (!svc) return;
    const failures: string[] = [];
    for (const w of wanted) {
      const held = this.#listeners.get(w.hostPort);
      if (held && held.service !== key) {
        failures.push(`port ${w.hostPort} is already used by service ${held.service}`);
        await this.#warn(svc, w, `port ${w.hostPort} is already used by service ${held.service}`);
        continue;
      }
      if (held?.bound) continue;
      const error = await this.#listen(key, w, held);
      if (error) {
        failures.push(error);
        await this.#warn(svc, w, error);
      }
    }
    if (failures.length > 0) this.enqueueAfter(key, RETRY_BIND_MS);
    await this.#writeStatus(svc, failures.length === 0);
  }

  async #listen(service: string, w: Wanted, previous?: Listener): Promise<string | undefined> {
    if (previous) this.#listeners.delete(w.hostPort);
    const host = this.#opts.host ?? '127.0.0.1';
    const listener: Listener = {
      service,
      ...splitKey(service),
      hostPort: w.hostPort,
      servicePort: w.servicePort,
      kind: w.kind,
      bound: false,
    };
    this.#listeners.set(w.hostPort, listener);
    try {
      listener.server = await listen(host, w.hostPort, (client) => this.#accept(listener, client));
    } catch (err) {
      const error = bindError(err as NodeJS.ErrnoException, host, w.hostPort);
      listener.failed = error;
      return error;
    }
    // Closed (Service deleted or proxy stopped) while binding.
    if (this.#stopped || this.#listeners.get(w.hostPort) !== listener) {
      await listener.server.close(this.#stopped);
      return undefined;
    }
    listener.bound = true;
    return undefined;
  }

  #accept(listener: Listener, client: Conn): void {
    const { namespace, name } = listener;
    // ClientIP affinity keys on the client address (always loopback for the host's own clients);
    // it costs a system call, so it is read only for a Service that asks for affinity.
    const svc = this.#services.get(namespace, name) as Service | undefined;
    const affinity = svc?.spec?.sessionAffinity === 'ClientIP';
    this.backends.forward(client, namespace, name, listener.servicePort, {
      clientIP: affinity ? client.remoteAddress()?.replace(/^::ffff:/, '') : undefined,
      done: (answered) => {
        if (!answered) this.#explainUnreachable(listener);
      },
    });
  }

  /**
   * A connection nobody answered: when the Service has ready endpoints but none is published on
   * 127.0.0.1 (its targetPort was not published when they started), say so on the Service.
   */
  #explainUnreachable(listener: Listener): void {
    const { namespace, name } = splitKey(listener.service);
    const ready = this.backends.endpoints(namespace, name, listener.servicePort);
    if (ready.length === 0 || ready.some((b) => b.dialPort !== undefined)) return;
    const svc = this.#services.get(namespace, name);
    if (!svc) return;
    void this.#opts.recorder.event(
      svc,
      'Warning',
      REASON_TARGET_NOT_PUBLISHED,
      `Port ${listener.servicePort} cannot be reached from the host: target port ${ready[0].targetPort} of its pods ` +
        "was not published on 127.0.0.1 when they started. Declare it under the container's ports, or re-create the pods.",
    );
  }

  /**
   * Stop listening. The port is released at once; connections already proxied carry on (as
   * established connections survive a Service change in Kubernetes) — only `close()` ends them.
   * Resolves when the last of them has ended, so a sync must not wait for it.
   */
  #close(l: Listener, destroyConnections = false): Promise<void> {
    this.#listeners.delete(l.hostPort);
    return l.server?.close(destroyConnections) ?? Promise.resolve();
  }

  async #warn(svc: Service & KubeObject, w: Wanted, error: string): Promise<void> {
    const reason = w.kind === 'LoadBalancer' ? REASON_LB_FAILED : REASON_NODEPORT_FAILED;
    const message =
      w.kind === 'LoadBalancer'
        ? `Error syncing load balancer: failed to ensure load balancer: ${error}`
        : `Failed to open node port ${w.hostPort} on 127.0.0.1: ${error}`;
    await this.#opts.recorder.event(svc, 'Warning', reason, message);
  }

  async #writeStatus(svc: Service & KubeObject, allBound: boolean): Promise<void> {
    const ingress = svc.spec?.type === 'LoadBalancer' && allBound ? LOAD_BALANCER_INGRESS : undefined;
    const current = svc.status?.loadBalancer?.ingress;
    if (JSON.stringify(current ?? null) === JSON.stringify(ingress ?? null)) return;
    const status = { ...(svc.status ?? {}), loadBalancer: ingress ? { ingress } : {} };
    await writeStatus(this.#opts.api, '', 'services', svc, status);
    // The service controller's event once a load balancer is in place.
    if (ingress) await this.#opts.recorder.event(svc, 'Normal', REASON_LB_ENSURED, 'Ensured load balancer');
  }

  /** Close every listener and every proxied connection. */
  async close(): Promise<void> {
    this.#stopped = true;
    this.stop();
    await Promise.all([...this.#listeners.values()].map((l) => this.#close(l, true)));
  }
}

function bindError(err: NodeJS.ErrnoException, host: string, port: number): string {
  if (err.code === 'EADDRINUSE') return `listen tcp ${host}:${port}: bind: address already in use`;
  if (err.code === 'EACCES') return `listen tcp ${host}:${port}: bind: permission denied`;
  return `listen tcp ${host}:${port}: ${err.message}`;
}
