// KubeDesk's Ingress controller: an HTTP reverse proxy in the main process on 127.0.0.1 (and an
// HTTPS one when any Ingress has `tls`), routing by the table in ingress-routes.ts to Service
// backends through ServiceBackends (ready endpoints → the pods' loopback-published ports).
//
// Which Ingresses are ours: `spec.ingressClassName` naming an IngressClass whose
// `spec.controller` is ours, or no class at all while our built-in class `kubedesk` is marked
// default (`ingressclass.kubernetes.io/is-default-class: "true"`), as the DefaultIngressClass
// admission would have filled it in. Others are left to whatever controller owns their class.
// Ours get `status.loadBalancer.ingress: [{ip: 127.0.0.1, hostname: localhost}]`.
//
// Answers like ingress-nginx: 404 when no rule and no default backend match, 503 with a body
// naming the Service when it has no ready endpoint, 502 when the backend fails mid-request.
// WebSocket (any HTTP upgrade) is passed through. `X-Forwarded-For/-Host/-Proto` are set.
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import type { Ingress, IngressClass } from 'kubernetes-types/networking/v1';
import type { Secret } from 'kubernetes-types/core/v1';
import type { ApiServer } from '../apiserver/api-server.js';
import type { Clock } from '../clock.js';
import { Controller } from '../controllers/framework/controller.js';
import type { Informer, InformerFactory } from '../controllers/framework/informer.js';
import { keyOf, splitKey } from '../controllers/framework/informer.js';
import { writeStatus } from '../controllers/framework/util.js';
import type { KubeObject } from '../api/types.js';
import { buildRoutingTable, normalizeHost, route, type RouteMatch, type RoutingTable } from './ingress-routes.js';
import type { ServiceBackends } from './service-backends.js';

export const INGRESS_CONTROLLER_NAME = 'kubedesk.io/ingress-controller';
export const BUILTIN_INGRESS_CLASS = 'kubedesk';
export const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';
const LEGACY_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';
export const DEFAULT_INGRESS_HTTP_PORT = 8080;
export const DEFAULT_INGRESS_HTTPS_PORT = 8443;
const INGRESS_STATUS = [{ ip: '127.0.0.1', hostname: 'localhost' }];
const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'proxy-authorization',
];

export interface IngressProxyOptions {
  informers: InformerFactory;
  api: ApiServer;
  clock: Clock;
  backends: ServiceBackends;
  /**
   * Reaches a pod port the sandbox does not publish (port-forward's way in: `nc` inside the pod),
   * for Services whose ready endpoints target undeclared container ports.
   */
  dialPod?: (namespace: string, pod: string, port: number) => Promise<Duplex>;
  /** HTTP port on 127.0.0.1 (0 = ephemeral). */
  httpPort?: number;
  /** HTTPS port on 127.0.0.1, opened once an Ingress has `tls` (0 = ephemeral). */
  httpsPort?: number;
  host?: string;
}

export class IngressProxy extends Controller {
  #opts: IngressProxyOptions;
  #ingresses: Informer;
  #classes: Informer;
  #secrets: Informer;
  #table: RoutingTable = buildRoutingTable([]);
  #tlsByHost = new Map<string, tls.SecureContext>();
  #tlsWildcard = new Map<string, tls.SecureContext>();
  #tlsFallback: tls.SecureContext | undefined;
  #http: http.Server;
  #https: https.Server | undefined;
  #sockets = new Set<Duplex>();
  #rebuildQueued = false;
  #unpublishedNext = 0;
  #stopped = false;
  httpPort = 0;
  httpsPort = 0;

  constructor(opts: IngressProxyOptions) {
    super('ingress', opts.clock, { workers: 1 });
    this.#opts = opts;
    this.#ingresses = opts.informers.informer('networking.k8s.io/ingresses');
    this.#classes = opts.informers.informer('networking.k8s.io/ingressclasses');
    this.#secrets = opts.informers.informer('/secrets');
    this.#http = http.createServer((req, res) => this.#serve(req, res, 'http'));
    this.#http.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) =>
      this.#upgrade(req, socket, head, 'http'),
    );
    this.#track(this.#http);
  }

  /** Starts watching and listening; resolves once the HTTP port is bound. */
  async start(): Promise<void> {
    const rebuild = () => this.#queueRebuild();
    const onIngress = (obj: KubeObject) => {
      rebuild();
      this.enqueue(keyOf(obj));
    };
    this.#ingresses.addEventHandler({ onAdd: onIngress, onUpdate: (_o, n) => onIngress(n), onDelete: rebuild });
    this.#classes.addEventHandler({
      onAdd: () => this.#requeueAll(),
      onUpdate: () => this.#requeueAll(),
      onDelete: () => this.#requeueAll(),
    });
    this.#secrets.addEventHandler({
      onAdd: (s) => this.#secretChanged(s),
      onUpdate: (_o, s) => this.#secretChanged(s),
      onDelete: (s) => this.#secretChanged(s),
    });
    for (const i of [this.#ingresses, this.#classes, this.#secrets]) i.start();
    this.httpPort = await listen(
      this.#http,
      this.#opts.host ?? '127.0.0.1',
      this.#opts.httpPort ?? DEFAULT_INGRESS_HTTP_PORT,
    );
    this.#rebuild();
  }

  async close(): Promise<void> {
    this.#stopped = true;
    this.stop();
    for (const s of this.#sockets) s.destroy();
    await Promise.all(
      [this.#http, this.#https].filter(Boolean).map((s) => new Promise<void>((r) => s!.close(() => r()))),
    );
  }

  /** Whether an Ingress belongs to this controller. */
  isOurs(ing: Ingress): boolean {
    const cls = ing.spec?.ingressClassName ?? ing.metadata?.annotations?.[LEGACY_CLASS_ANNOTATION];
    const classes = this.#classes.list() as IngressClass[];
    if (cls) return classes.find((c) => c.metadata?.name === cls)?.spec?.controller === INGRESS_CONTROLLER_NAME;
    const defaults = classes.filter((c) => c.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true');
    return defaults.length === 1 && defaults[0].spec?.controller === INGRESS_CONTROLLER_NAME;
  }

  #ours(): Ingress[] {
    return (this.#ingresses.list() as Ingress[]).filter((i) => !i.metadata?.deletionTimestamp && this.isOurs(i));
  }

  #requeueAll(): void {
    this.#queueRebuild();
    for (const i of this.#ingresses.list()) this.enqueue(keyOf(i));
  }

  #secretChanged(s: KubeObject): void {
    const ns = s.metadata.namespace;
    const name = s.metadata.name;
    const used = this.#ours().some(
      (i) => i.metadata?.namespace === ns && (i.spec?.tls ?? []).some((t) => t.secretName === name),
    );
    if (used) this.#queueRebuild();
  }

  #queueRebuild(): void {
    if (this.#rebuildQueued) return;
    this.#rebuildQueued = true;
    queueMicrotask(() => {
      this.#rebuildQueued = false;
      this.#rebuild();
    });
  }

  #rebuild(): void {
    if (this.#stopped) return;
    const ours = this.#ours();
    this.#table = buildRoutingTable(ours);
    this.#tlsByHost.clear();
    this.#tlsWildcard.clear();
    this.#tlsFallback = undefined;
    for (const ing of ours) {
      for (const t of ing.spec?.tls ?? []) {
        if (!t.secretName) continue;
        const ctx = this.#contextFor(ing.metadata?.namespace ?? 'default', t.secretName);
        if (!ctx) continue;
        this.#tlsFallback ??= ctx;
        for (const h of t.hosts ?? []) {
          const host = h.toLowerCase();
          if (host.startsWith('*.')) {
            if (!this.#tlsWildcard.has(host.slice(1))) this.#tlsWildcard.set(host.slice(1), ctx);
          } else if (!this.#tlsByHost.has(host)) this.#tlsByHost.set(host, ctx);
        }
      }
    }
    if (this.#tlsFallback && !this.#https) void this.#startHttps();
  }

  #contextFor(namespace: string, secretName: string): tls.SecureContext | undefined {
    const secret = this.#secrets.get(namespace, secretName) as Secret | undefined;
    const crt = secret?.data?.['tls.crt'];
    const key = secret?.data?.['tls.key'];
    if (!crt || !key) return undefined;
    try {
      return tls.createSecureContext({ cert: Buffer.from(crt, 'base64'), key: Buffer.from(key, 'base64') });
    } catch {
      // A malformed certificate is skipped; the host falls back to another certificate.
      return undefined;
    }
  }

  #sni(servername: string): tls.SecureContext | undefined {
    const host = servername.toLowerCase();
    const exact = this.#tlsByHost.get(host);
    if (exact) return exact;
    const dot = host.indexOf('.');
    return (dot > 0 ? this.#tlsWildcard.get(host.slice(dot)) : undefined) ?? this.#tlsFallback;
  }

  async #startHttps(): Promise<void> {
    const server = https.createServer(
      {
        SNICallback: (name, cb) => {
          const ctx = this.#sni(name);
          if (ctx) cb(null, ctx);
          else cb(new Error(`no certificate for ${name}`));
        },
      },
      (req, res) => this.#serve(req, res, 'https'),
    );
    server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) =>
      this.#upgrade(req, socket, head, 'https'),
    );
    this.#track(server);
    this.#https = server;
    try {
      this.httpsPort = await listen(
        server,
        this.#opts.host ?? '127.0.0.1',
        this.#opts.httpsPort ?? DEFAULT_INGRESS_HTTPS_PORT,
      );
    } catch (err) {
      this.#https = undefined;
      console.error(`ingress: cannot listen for HTTPS: ${(err as Error).message}`);
    }
  }

  #track(server: net.Server): void {
    const onConn = (s: Duplex) => {
      this.#sockets.add(s);
      s.once('close', () => this.#sockets.delete(s));
    };
    server.on('connection', onConn);
    server.on('secureConnection', onConn);
    server.on('clientError', (_err, socket: Duplex) => socket.destroy());
  }

  /** Status: our Ingresses are reachable at 127.0.0.1 / localhost. */
  async sync(key: string): Promise<void> {
    if (this.#stopped) return;
    const { namespace, name } = splitKey(key);
    const ing = this.#ingresses.get(namespace, name) as (Ingress & KubeObject) | undefined;
    if (!ing) return;
    const current = ing.status?.loadBalancer?.ingress;
    if (!this.isOurs(ing)) {
      // Moved to another class: take back the address we gave it (its new controller sets its own).
      if (JSON.stringify(current ?? null) === JSON.stringify(INGRESS_STATUS)) {
        await writeStatus(this.#opts.api, 'networking.k8s.io', 'ingresses', ing, {
          ...(ing.status ?? {}),
          loadBalancer: {},
        });
      }
      return;
    }
    if (JSON.stringify(current ?? null) === JSON.stringify(INGRESS_STATUS)) return;
    await writeStatus(this.#opts.api, 'networking.k8s.io', 'ingresses', ing, {
      ...(ing.status ?? {}),
      loadBalancer: { ingress: INGRESS_STATUS },
    });
  }

  /** The route for a request (exposed for tests and the UI). */
  routeFor(host: string | undefined, path: string): RouteMatch | undefined {
    return route(this.#table, host, path);
  }

  #resolve(
    req: http.IncomingMessage,
  ): { match: RouteMatch; backend: RouteMatch['backend'] } | { status: number; body: string } {
    const match = route(this.#table, req.headers.host, req.url ?? '/');
    if (!match) return { status: 404, body: 'default backend - 404\n' };
    return { match, backend: match.backend };
  }

  async #dial(match: RouteMatch, req: http.IncomingMessage): Promise<Duplex | { status: number; body: string }> {
    const b = match.backend;
    if ('error' in b) return { status: 503, body: `503 Service Unavailable: Ingress ${match.ingress}: ${b.error}\n` };
    try {
      const { socket } = await this.#opts.backends.dial(b.namespace, b.service, b.port, {
        clientIP: req.socket.remoteAddress?.replace(/^::ffff:/, ''),
      });
      return socket;
    } catch (err) {
      const viaPod = await this.#dialUnpublished(b.namespace, b.service, b.port);
      if (viaPod) return viaPod;
      return {
        status: 503,
        body: `503 Service Unavailable: Ingress ${match.ingress}: ${(err as Error).message}\n`,
      };
    }
  }

  /** Ready endpoints whose target port is not published: reach one from inside its pod. */
  async #dialUnpublished(namespace: string, service: string, port: number | string): Promise<Duplex | undefined> {
    const dialPod = this.#opts.dialPod;
    if (!dialPod) return undefined;
    const ready = this.#opts.backends.endpoints(namespace, service, port).filter((e) => e.pod && !e.dialPort);
    for (let i = 0; i < ready.length; i++) {
      const e = ready[(this.#unpublishedNext++ + i) % ready.length];
      try {
        return await dialPod(e.pod!.namespace, e.pod!.name, e.targetPort);
      } catch {
        // try the next ready pod
      }
    }
    return undefined;
  }

  #forwardedHeaders(req: http.IncomingMessage, scheme: string): http.OutgoingHttpHeaders {
    const headers: http.OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v !== undefined && !HOP_BY_HOP.includes(k)) headers[k] = v;
    }
    const client = req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '';
    const prior = req.headers['x-forwarded-for'];
    headers['x-forwarded-for'] = prior ? `${String(prior)}, ${client}` : client;
    headers['x-forwarded-host'] = req.headers.host ?? '';
    headers['x-forwarded-proto'] = scheme;
    headers['x-real-ip'] = client;
    return headers;
  }

  #serve(req: http.IncomingMessage, res: http.ServerResponse, scheme: string): void {
    const resolved = this.#resolve(req);
    if ('status' in resolved) return plain(res, resolved.status, resolved.body);
    const { match } = resolved;
    void this.#dial(match, req).then((conn) => {
      if (!('write' in conn)) return plain(res, conn.status, conn.body);
      // One backend connection per request: it closes when the response is done.
      const headers = { ...this.#forwardedHeaders(req, scheme), connection: 'close' };
      const upstream = http.request({
        method: req.method,
        path: match.path,
        headers,
        createConnection: () => conn,
      });
      upstream.on('response', (up) => {
        const headers = { ...up.headers };
        for (const h of HOP_BY_HOP) delete headers[h];
        res.writeHead(up.statusCode ?? 502, up.statusMessage, headers);
        up.pipe(res);
      });
      upstream.on('error', (err) => {
        if (!res.headersSent) plain(res, 502, `502 Bad Gateway: ${normalizeHost(req.headers.host)}: ${err.message}\n`);
        else res.destroy();
      });
      res.on('close', () => {
        if (!res.writableFinished) conn.destroy();
      });
      req.pipe(upstream);
    });
  }

  #upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer, scheme: string): void {
    const fail = (status: number, body: string): void =>
      void socket.end(
        `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    socket.on('error', () => undefined);
    const resolved = this.#resolve(req);
    if ('status' in resolved) return fail(resolved.status, resolved.body);
    const { match } = resolved;
    void this.#dial(match, req).then((conn) => {
      if (!('write' in conn)) return fail(conn.status, conn.body);
      if (socket.destroyed) {
        conn.destroy();
        return;
      }
      // Re-send the request head with the upgrade headers kept, then splice both ways.
      const headers = this.#forwardedHeaders(req, scheme);
      headers['connection'] = 'Upgrade';
      headers['upgrade'] = req.headers.upgrade ?? '';
      let head_ = `${req.method} ${match.path} HTTP/1.1\r\n`;
      for (const [k, v] of Object.entries(headers)) {
        for (const one of Array.isArray(v) ? v : [v]) head_ += `${k}: ${String(one)}\r\n`;
      }
      conn.write(head_ + '\r\n');
      if (head.length) conn.write(head);
      conn.on('error', () => socket.destroy());
      socket.on('close', () => conn.destroy());
      conn.on('close', () => socket.destroy());
      conn.pipe(socket);
      socket.pipe(conn);
    });
  }
}

function plain(res: http.ServerResponse, status: number, body: string): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function listen(server: net.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

/** The built-in IngressClass, created at start when absent (a user's edits to it are kept). */
export async function ensureBuiltinIngressClass(api: ApiServer): Promise<void> {
  try {
    await api.get({ group: 'networking.k8s.io', resource: 'ingressclasses', name: BUILTIN_INGRESS_CLASS });
    return;
  } catch (err) {
    if ((err as { code?: number }).code !== 404) throw err;
  }
  try {
    await api.create(
      { group: 'networking.k8s.io', resource: 'ingressclasses' },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'IngressClass',
        metadata: {
          name: BUILTIN_INGRESS_CLASS,
          annotations: { [DEFAULT_CLASS_ANNOTATION]: 'true' },
          labels: { 'app.kubernetes.io/managed-by': 'kubedesk' },
        },
        spec: { controller: INGRESS_CONTROLLER_NAME },
      },
    );
  } catch (err) {
    if ((err as { code?: number }).code !== 409) throw err;
  }
}
