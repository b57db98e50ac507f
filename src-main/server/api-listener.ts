// The HTTPS listener for the Kubernetes API: TLS from the data dir's PKI, bearer token auth,
// loopback only unless explicitly exposed. Also writes the kubeconfig that points at it.
import https from 'node:https';
import net from 'node:net';
import type { Engine } from '../engine/index.js';
import { ensurePki } from './pki.js';
import { ensureToken } from './token.js';
import { writeKubeconfig } from './kubeconfig.js';
import { createApiHandler, createUpgradeHandler, type PodIOHandlers } from './api/handler.js';
import type { NodeReadApi } from './api/node-extensions.js';

export interface ApiListenerOptions {
  engine: Engine;
  dataDir: string;
  /** 0 = any free port; undefined = 6443 if free, else the next free one. */
  port?: number;
  host?: string;
  podIO?: PodIOHandlers;
  nodeRead?: NodeReadApi;
}

export interface ApiListener {
  url: string;
  port: number;
  host: string;
  token: string;
  caCertPem: string;
  kubeconfigPath: string;
  server: https.Server;
  close(): Promise<void>;
}

export const DEFAULT_API_PORT = 6443;

export async function startApiListener(opts: ApiListenerOptions): Promise<ApiListener> {
  const host = opts.host ?? '127.0.0.1';
  const [pki, token] = await Promise.all([ensurePki(opts.dataDir), ensureToken(opts.dataDir)]);
  const port = opts.port ?? (await firstFreePort(host, DEFAULT_API_PORT));
  let serverAddress = `${host}:${port}`;
  const handlerOpts = { engine: opts.engine, token, serverAddress, podIO: opts.podIO, nodeRead: opts.nodeRead };
  const server = https.createServer(
    { cert: pki.certPem, key: pki.keyPem, minVersion: 'TLSv1.2', ALPNProtocols: ['http/1.1'] },
    createApiHandler(handlerOpts),
  );
  server.on('upgrade', createUpgradeHandler(handlerOpts));
  // Watches and log follows are long-lived; only idle keep-alive sockets are timed out.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as net.AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  serverAddress = `${urlHost}:${bound}`;
  handlerOpts.serverAddress = serverAddress;
  const url = `https://${serverAddress}`;
  const kubeconfigPath = await writeKubeconfig(opts.dataDir, url, pki.caCertPem, token);
  const sockets = new Set<{ destroy(): void; on(e: 'close', f: () => void): unknown }>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return {
    url,
    port: bound,
    host,
    token,
    caCertPem: pki.caCertPem,
    kubeconfigPath,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

/** `start` if it is free on `host`, else the next free port above it. */
export async function firstFreePort(host: string, start: number): Promise<number> {
  for (let p = start; p < start + 100; p++) {
    if (await portFree(host, p)) return p;
  }
  return 0;
}

function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}
