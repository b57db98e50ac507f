// "Open in browser" for a pod or Service port: an http URL on 127.0.0.1 that reaches it. A pod
// port the sandbox publishes is used as is (the `kubedesk.io/host-ports` annotation says where);
// anything else gets a forward started here, in main, on an ephemeral loopback port, whose every
// connection is a port-forward stream to the pod. Forwards belong to the session (window or
// socket) that asked and close with it. A Service port is mapped to a ready pod and its target
// port, as `kubectl port-forward svc/x` does.
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { Pod, Service } from 'kubernetes-types/core/v1';
import type { ApiServer } from '../engine/apiserver/api-server.js';
import { badRequest, StatusError } from '../engine/api/errors.js';
import type { OpenPortRequest, OpenPortResult } from '../ipc/contract.js';

/** Opens a TCP stream to a pod's port (the node agent's port-forward). */
export type PodPortDialer = (namespace: string, pod: string, port: number) => Promise<Duplex>;

const HOST_PORTS_ANNOTATION = 'kubedesk.io/host-ports';

interface Forward {
  server: net.Server;
  url: string;
  sockets: Set<net.Socket>;
}

function isReady(pod: Pod): boolean {
  return (
    pod.status?.phase === 'Running' &&
    (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True') &&
    !pod.metadata?.deletionTimestamp
  );
}

function schemeFor(port: number, name?: string): 'http' | 'https' {
  return port === 443 || port === 8443 || name === 'https' ? 'https' : 'http';
}

export class PortOpener {
  readonly #api: ApiServer;
  readonly #dial: PodPortDialer | undefined;
  /** Forwards per owner (a bridge session), keyed by `namespace/pod:port`. */
  readonly #forwards = new Map<object, Map<string, Forward>>();

  constructor(api: ApiServer, dial?: PodPortDialer) {
    this.#api = api;
    this.#dial = dial;
  }

  async open(req: OpenPortRequest, owner: object): Promise<OpenPortResult> {
    const { pod, port, portName } =
      req.kind === 'Pod'
        ? await this.#podPort(req.namespace, req.name, req.port)
        : await this.#servicePort(req.namespace, req.name, req.port);
    const scheme = schemeFor(port, portName);
    const published = this.#published(pod, port);
    if (published) {
      return {
        url: `${scheme}://127.0.0.1:${published}/`,
        via: 'published',
        pod: pod.metadata!.name!,
        targetPort: port,
      };
    }
    const url = await this.#forward(owner, pod, port, scheme);
    return { url, via: 'forward', pod: pod.metadata!.name!, targetPort: port };
  }

  /** Closes every forward `owner` started (its window or socket went away). */
  closeAll(owner: object): void {
    const mine = this.#forwards.get(owner);
    if (!mine) return;
    this.#forwards.delete(owner);
    for (const f of mine.values()) {
      f.server.close();
      for (const s of f.sockets) s.destroy();
    }
  }

  /** Number of forwards open for `owner` (for tests). */
  count(owner: object): number {
    return this.#forwards.get(owner)?.size ?? 0;
  }

  async #getPod(namespace: string, name: string): Promise<Pod> {
    return (await this.#api.get({ group: '', resource: 'pods', namespace, name })) as Pod;
  }

  async #podPort(
    namespace: string,
    name: string,
    port: number,
  ): Promise<{ pod: Pod; port: number; portName?: string }> {
    const pod = await this.#getPod(namespace, name);
    if (pod.status?.phase !== 'Running') {
      throw badRequest(`pod ${name} is not running (phase ${pod.status?.phase ?? 'Pending'}); nothing to open yet`);
    }
    const declared = (pod.spec?.containers ?? []).flatMap((c) => c.ports ?? []).find((p) => p.containerPort === port);
    return { pod, port, portName: declared?.name };
  }

  async #servicePort(
    namespace: string,
    name: string,
    port: number,
  ): Promise<{ pod: Pod; port: number; portName?: string }> {
    const svc = (await this.#api.get({ group: '', resource: 'services', namespace, name })) as Service;
    const sp = (svc.spec?.ports ?? []).find((p) => p.port === port);
    if (!sp) {
      const have = (svc.spec?.ports ?? []).map((p) => p.port).join(', ');
      throw badRequest(`service ${name} has no port ${port}${have ? `; its ports are ${have}` : ''}`);
    }
    const selector = svc.spec?.selector ?? {};
    if (Object.keys(selector).length === 0) {
      throw badRequest(`service ${name} has no selector, so there is no pod to open`);
    }
    const labelSelector = Object.entries(selector)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    const pods = (await this.#api.list({ group: '', resource: 'pods', namespace }, { labelSelector })).items as Pod[];
    const pod = pods.find(isReady);
    if (!pod) throw new StatusError(503, 'ServiceUnavailable', `service ${name} has no ready pod to open`);
    const target = sp.targetPort ?? sp.port;
    if (typeof target === 'number') return { pod, port: target, portName: sp.name };
    const named = (pod.spec?.containers ?? []).flatMap((c) => c.ports ?? []).find((p) => p.name === target);
    if (!named) throw badRequest(`pod ${pod.metadata!.name} has no container port named ${JSON.stringify(target)}`);
    return { pod, port: named.containerPort, portName: sp.name ?? target };
  }

  #published(pod: Pod, port: number): number | undefined {
    const raw = pod.metadata?.annotations?.[HOST_PORTS_ANNOTATION];
    if (!raw) return undefined;
    try {
      const entries = JSON.parse(raw) as { containerPort?: number; protocol?: string; hostPort?: number }[];
      const hit = entries.find((e) => e.containerPort === port && (e.protocol ?? 'TCP') === 'TCP' && e.hostPort);
      return hit?.hostPort;
    } catch {
      return undefined;
    }
  }

  async #forward(owner: object, pod: Pod, port: number, scheme: string): Promise<string> {
    const dial = this.#dial;
    if (!dial) {
      throw new StatusError(503, 'ServiceUnavailable', 'port-forward is not available: no node agent is running');
    }
    const namespace = pod.metadata!.namespace ?? 'default';
    const name = pod.metadata!.name!;
    const key = `${namespace}/${name}:${port}`;
    let mine = this.#forwards.get(owner);
    const existing = mine?.get(key);
    if (existing) return existing.url;
    const sockets = new Set<net.Socket>();
    const server = net.createServer((client) => {
      sockets.add(client);
      client.on('close', () => sockets.delete(client));
      client.on('error', () => undefined);
      dial(namespace, name, port).then(
        (upstream) => {
          if (client.destroyed) return upstream.destroy();
          upstream.on('error', () => client.destroy());
          client.on('close', () => upstream.destroy());
          client.pipe(upstream);
          upstream.pipe(client);
        },
        () => client.destroy(),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port: local } = server.address() as net.AddressInfo;
    const url = `${scheme}://127.0.0.1:${local}/`;
    if (!mine) this.#forwards.set(owner, (mine = new Map()));
    mine.set(key, { server, url, sockets });
    return url;
  }
}
