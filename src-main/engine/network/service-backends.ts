/**
 * Service backends: which pod answers a connection to a Service port, and how the host reaches it.
 *
 *   const backends = new ServiceBackends({ informers, clock });
 *   backends.endpoints('default', 'web', 80)      // → ServiceBackend[]: every ready endpoint, ordered
 *   backends.pick('default', 'web', 80, clientIP) // → the same list, in the order to try them:
 *                                                 //   the ClientIP-affinity backend first (if any),
 *                                                 //   otherwise rotated round robin
 *   const { socket, backend } = await backends.dial('default', 'web', 80, { clientIP });
 *                                                 // TCP-connects to the first backend that accepts,
 *                                                 // trying the next on a connect failure
 *   backends.forward(clientSocket, 'default', 'web', 80, { done }) // splice a client to a backend, replaying
 *                                                 // its bytes on the next backend if the first one
 *                                                 // closes before answering (see tcp-forward.ts)
 *
 * `port` is the Service port's number or name. Readiness comes from the Service's Endpoints
 * (kept by the endpoints controller; hand-made ones for Services without a selector): only
 * `addresses` count, never `notReadyAddresses`. The host reaches a pod only through the ports its
 * sandbox publishes on 127.0.0.1, recorded by the node agent in the pod's `kubedesk.io/host-ports`
 * annotation; an endpoint whose target port the pod does not publish (undeclared, and no Service
 * targeted it when the pod started) has no `dialPort` and is skipped by `pick`/`dial` (see the
 * README's "Differences from Kubernetes"). An endpoint of a
 * hand-made Endpoints object (no pod) is dialled at its own `ip:port`.
 *
 * `sessionAffinity: ClientIP` pins a client IP to a backend per Service port for
 * `sessionAffinityConfig.clientIP.timeoutSeconds` (default 10800 s) since its last connection,
 * as kube-proxy does; a pinned backend that is gone or unready is forgotten.
 */
import net from 'node:net';
import type { Endpoints, Pod, Service, ServicePort } from 'kubernetes-types/core/v1';
import type { Clock } from '../clock.js';
import type { InformerFactory, Lister } from '../controllers/framework/informer.js';
import { HOST_PORTS_ANNOTATION } from '../node/constants.js';
import { SocketConn, type Conn } from './tcp-conn.js';
import { forwardConnection } from './tcp-forward.js';

export interface ServiceBackend {
  /** The pod behind the endpoint; undefined for hand-made Endpoints. */
  pod?: { namespace: string; name: string; uid?: string };
  /** The endpoint's address (the pod IP on the cluster network). */
  podIP: string;
  /** The port on the pod (the Service's targetPort, resolved). */
  targetPort: number;
  protocol: string;
  /** Where the host connects to reach it; undefined when the port is not published. */
  dialHost?: string;
  dialPort?: number;
}

/** kube-proxy's default ClientIP affinity timeout (v1.DefaultClientIPServiceAffinitySeconds). */
export const DEFAULT_AFFINITY_SECONDS = 10800;
const CONNECT_TIMEOUT_MS = 3000;
const AFFINITY_SWEEP_AT = 1024;

interface HostPortEntry {
  containerPort: number;
  protocol: string;
  hostPort: number;
}

interface Affinity {
  backend: string;
  lastUsed: number;
}

export interface ServiceBackendsOptions {
  informers: InformerFactory;
  clock: Clock;
}

export interface DialOptions {
  clientIP?: string;
  connectTimeoutMs?: number;
}

export class NoBackendError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoBackendError';
  }
}

function backendKey(b: ServiceBackend): string {
  return `${b.podIP}:${b.targetPort}`;
}

/** The published ports of a pod, from the node agent's annotation. */
export function publishedPorts(pod: Pod): HostPortEntry[] {
  const raw = pod.metadata?.annotations?.[HOST_PORTS_ANNOTATION];
  if (!raw) return [];
  try {
    const parsed = JSON.parse(raw) as unknown;
    return Array.isArray(parsed) ? (parsed as HostPortEntry[]) : [];
  } catch {
    return [];
  }
}

export class ServiceBackends {
  #services: Lister;
  #endpoints: Lister;
  #pods: Lister;
  #clock: Clock;
  #next = new Map<string, number>();
  #affinity = new Map<string, Map<string, Affinity>>();
  #cache = new Map<
    string,
    { svc: Service; ep: unknown; pods: [string, string, unknown][]; backends: ServiceBackend[] }
  >();

  constructor(opts: ServiceBackendsOptions) {
    const inf = (r: string) => {
      const i = opts.informers.informer(r);
      // Informers created after the factory started are started here (start is idempotent).
      i.start();
      return i;
    };
    this.#services = inf('/services');
    this.#endpoints = inf('/endpoints');
    this.#pods = inf('/pods');
    this.#clock = opts.clock;
  }

  /** The Service and its port named or numbered `port`; undefined when either does not exist. */
  servicePort(
    namespace: string,
    service: string,
    port: number | string,
  ): { svc: Service; port: ServicePort } | undefined {
    const svc = this.#services.get(namespace, service) as Service | undefined;
    if (!svc) return undefined;
    const sp = (svc.spec?.ports ?? []).find((p) => (typeof port === 'number' ? p.port === port : p.name === port));
    return sp ? { svc, port: sp } : undefined;
  }

  /** Every ready endpoint of a Service port, ordered by pod IP and port. */
  endpoints(namespace: string, service: string, port: number | string): ServiceBackend[] {
    const found = this.servicePort(namespace, service, port);
    return found ? this.#endpointsOf(namespace, service, found) : [];
  }

  #endpointsOf(namespace: string, service: string, found: { svc: Service; port: ServicePort }): ServiceBackend[] {
    const ep = this.#endpoints.get(namespace, service) as Endpoints | undefined;
    // Cached per Service port while the Service, its Endpoints and their pods are the same
    // stored versions (informer objects are replaced, never mutated): connections are hot.
    const key = `${namespace}/${service}/${found.port.name ?? ''}/${found.port.protocol ?? 'TCP'}`;
    const cached = this.#cache.get(key);
    if (
      cached &&
      cached.svc === found.svc &&
      cached.ep === ep &&
      cached.pods.every(([ns, name, obj]) => this.#pods.get(ns, name) === obj)
    ) {
      return cached.backends;
    }
    const pods: [string, string, unknown][] = [];
    const backends = this.#build(namespace, found.port, ep, pods);
    this.#cache.set(key, { svc: found.svc, ep, pods, backends });
    return backends;
  }

  #build(namespace: string, svcPort: ServicePort, ep: Endpoints | undefined, seen: [string, string, unknown][]) {
    const name = svcPort.name ?? '';
    const protocol = svcPort.protocol ?? 'TCP';
    const out: ServiceBackend[] = [];
    for (const subset of ep?.subsets ?? []) {
      const epPort = (subset.ports ?? []).find((p) => (p.name ?? '') === name && (p.protocol ?? 'TCP') === protocol);
      if (!epPort) continue;
      for (const a of subset.addresses ?? []) {
        const b: ServiceBackend = { podIP: a.ip, targetPort: epPort.port, protocol };
        const ref = a.targetRef;
        if (ref?.kind === 'Pod' && ref.name) {
          b.pod = { namespace: ref.namespace ?? namespace, name: ref.name, uid: ref.uid };
          const pod = this.#pods.get(b.pod.namespace, ref.name) as Pod | undefined;
          seen.push([b.pod.namespace, ref.name, pod]);
          if (pod && (!ref.uid || pod.metadata?.uid === ref.uid)) {
            const bound = publishedPorts(pod).find((h) => h.containerPort === epPort.port && h.protocol === protocol);
            if (bound) {
              b.dialHost = '127.0.0.1';
              b.dialPort = bound.hostPort;
            }
          }
        } else {
          b.dialHost = a.ip;
          b.dialPort = epPort.port;
        }
        out.push(b);
      }
    }
    out.sort((x, y) => (backendKey(x) < backendKey(y) ? -1 : backendKey(x) > backendKey(y) ? 1 : 0));
    return out;
  }

  /**
   * The dialable ready backends in the order to try them. The first is the choice for this
   * connection (with ClientIP affinity, the client is pinned to it); the rest are
   * fall-backs for a connect failure.
   */
  pick(namespace: string, service: string, port: number | string, clientIP?: string): ServiceBackend[] {
    const found = this.servicePort(namespace, service, port);
    if (!found) return [];
    const all = this.#endpointsOf(namespace, service, found).filter((b) => b.dialPort !== undefined);
    if (all.length === 0) return [];
    const key = `${namespace}/${service}/${found.port.name ?? ''}/${found.port.protocol ?? 'TCP'}`;
    const start = this.#next.get(key) ?? 0;
    this.#next.set(key, (start + 1) % 1_000_000_007);
    const rotated = all.map((_, i) => all[(start + i) % all.length]);
    if (found.svc.spec?.sessionAffinity !== 'ClientIP' || !clientIP) return rotated;
    const timeoutMs =
      (found.svc.spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_SECONDS) * 1000;
    let table = this.#affinity.get(key);
    if (!table) this.#affinity.set(key, (table = new Map()));
    const now = this.#clock.now();
    // Expired pins are forgotten lazily; a table that grows large is swept.
    if (table.size >= AFFINITY_SWEEP_AT) {
      for (const [ip, a] of table) if (now - a.lastUsed > timeoutMs) table.delete(ip);
    }
    const pinned = table.get(clientIP);
    const hit =
      pinned && now - pinned.lastUsed <= timeoutMs ? rotated.find((b) => backendKey(b) === pinned.backend) : undefined;
    const first = hit ?? rotated[0];
    table.set(clientIP, { backend: backendKey(first), lastUsed: now });
    return [first, ...rotated.filter((b) => b !== first)];
  }

  /** Re-pin a client after a fall-back: the backend that actually took the connection. */
  #pinned(namespace: string, service: string, port: number | string, clientIP: string | undefined, b: ServiceBackend) {
    if (!clientIP) return;
    const found = this.servicePort(namespace, service, port);
    if (found?.svc.spec?.sessionAffinity !== 'ClientIP') return;
    const key = `${namespace}/${service}/${found.port.name ?? ''}/${found.port.protocol ?? 'TCP'}`;
    this.#affinity.get(key)?.set(clientIP, { backend: backendKey(b), lastUsed: this.#clock.now() });
  }

  /** Connect to a backend of the Service port, trying the next ready one on a connect failure. */
  async dial(
    namespace: string,
    service: string,
    port: number | string,
    opts: DialOptions = {},
  ): Promise<{ socket: net.Socket; backend: ServiceBackend }> {
    const candidates = this.pick(namespace, service, port, opts.clientIP);
    if (candidates.length === 0) throw this.#noBackend(namespace, service, port);
    const failures: string[] = [];
    for (const backend of candidates) {
      try {
        const socket = await connectTcp(
          backend.dialHost!,
          backend.dialPort!,
          opts.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
        );
        this.#pinned(namespace, service, port, opts.clientIP, backend);
        return { socket, backend };
      } catch (err) {
        failures.push(`${describe(backend)}: ${(err as Error).message}`);
      }
    }
    throw new NoBackendError(
      `no backend of service ${namespace}/${service} port ${port} accepted a connection (${failures.join('; ')})`,
    );
  }

  /**
   * Splice `client` to a backend of the Service port. Bytes from the client are kept until the
   * backend answers; a backend that closes before answering (a dead pod behind Docker's port
   * proxy accepts and then drops) is replaced by the next ready one, with the bytes replayed.
   * `opts.done` is called with the backend that answered, or undefined when none did (the client
   * is then closed). A `net.Socket` client should come from a server created with
   * `allowHalfOpen: true`, or a client that half-closes after its request is cut off before the
   * answer.
   */
  forward(
    client: Conn | net.Socket,
    namespace: string,
    service: string,
    port: number | string,
    opts: DialOptions & { replayWindowMs?: number; done?: (backend: ServiceBackend | undefined) => void } = {},
  ): void {
    const candidates = this.pick(namespace, service, port, opts.clientIP);
    const { clientIP, done } = opts;
    forwardConnection(client instanceof net.Socket ? new SocketConn(client) : client, candidates, {
      target: (b) => ({ host: b.dialHost!, port: b.dialPort! }),
      done: (b) => {
        if (b && clientIP) this.#pinned(namespace, service, port, clientIP, b);
        done?.(b);
      },
      replayWindowMs: opts.replayWindowMs,
      connectTimeoutMs: opts.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
    });
  }

  #noBackend(namespace: string, service: string, port: number | string): NoBackendError {
    const found = this.servicePort(namespace, service, port);
    if (!found) return new NoBackendError(`service ${namespace}/${service} has no port ${port}`);
    const all = this.endpoints(namespace, service, port);
    if (all.length > 0) {
      return new NoBackendError(
        `service ${namespace}/${service} port ${port}: its ready endpoints' target port ${all[0].targetPort} was not published on 127.0.0.1 when the pods started`,
      );
    }
    return new NoBackendError(`service ${namespace}/${service} port ${port} has no ready endpoints`);
  }
}

function describe(b: ServiceBackend): string {
  const who = b.pod ? `pod ${b.pod.namespace}/${b.pod.name}` : `endpoint ${b.podIP}`;
  return `${who} (${b.dialHost}:${b.dialPort})`;
}

/** A TCP connection to `host:port`, or a rejection after `timeoutMs`. */
export function connectTcp(host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port, noDelay: true });
    // The socket's own idle timer: no extra timer object per connection.
    socket.setTimeout(timeoutMs);
    const onTimeout = () => {
      socket.destroy();
      reject(new Error(`connect to ${host}:${port} timed out after ${timeoutMs} ms`));
    };
    const onError = (err: Error) => {
      socket.off('timeout', onTimeout);
      socket.destroy();
      reject(err);
    };
    socket.once('timeout', onTimeout);
    socket.once('error', onError);
    socket.once('connect', () => {
      socket.setTimeout(0);
      socket.off('timeout', onTimeout);
      socket.off('error', onError);
      // Until the caller attaches its own, an error only destroys the socket.
      socket.once('error', () => socket.destroy());
      resolve(socket);
    });
  });
}
