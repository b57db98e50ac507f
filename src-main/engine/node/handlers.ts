// Running probe and lifecycle handlers (pkg/probe/http, pkg/probe/tcp, pkg/probe/exec and
// pkg/kubelet/lifecycle/handlers.go). The host reaches a container only through the port its
// sandbox publishes on 127.0.0.1 (never the container IP), or through exec.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Container, ExecAction, HTTPGetAction, TCPSocketAction } from 'kubernetes-types/core/v1';
import type { ContainerRuntime, PortBinding } from '../runtime/types.js';
import { errorMessage } from './util.js';

/** Bytes of output/body kept per attempt (history) — kubelet itself keeps 10 KiB of a body. */
export const OUTPUT_LIMIT = 1024;
const BODY_LIMIT = 10 * 1024;

export interface HandlerOutcome {
  result: 'success' | 'failure' | 'timeout';
  latencyMs: number;
  httpStatus?: number;
  exitCode?: number;
  /** First 1 KiB of output / body. */
  output: string;
  /** What the kubelet says on failure (`HTTP probe failed with statuscode: 503`). */
  message: string;
}

export interface HandlerTarget {
  runtime: ContainerRuntime;
  containerId: string;
  container: Container;
  /** The pod sandbox's published ports. */
  ports: (PortBinding & { hostPort: number })[];
  /** Elapsed-time source for latencies (real I/O: performance.now). */
  now?: () => number;
}

type Handler = { exec?: ExecAction; httpGet?: HTTPGetAction; tcpSocket?: TCPSocketAction };

/** Run one probe/hook handler with a timeout. */
export async function runHandler(h: Handler, t: HandlerTarget, timeoutMs: number): Promise<HandlerOutcome> {
  const now = t.now ?? (() => performance.now());
  const t0 = now();
  const done = (o: Omit<HandlerOutcome, 'latencyMs'>): HandlerOutcome => ({ ...o, latencyMs: Math.round(now() - t0) });
  try {
    if (h.exec) {
      const cmd = h.exec.command ?? [];
      const r = await t.runtime.execSync(t.containerId, cmd, timeoutMs, OUTPUT_LIMIT);
      const output = Buffer.concat([r.stdout, r.stderr]).subarray(0, OUTPUT_LIMIT).toString('utf8');
      if (r.timedOut) {
        return done({
          result: 'timeout',
          exitCode: r.exitCode,
          output,
          message: `command ${JSON.stringify(cmd.join(' '))} timed out`,
        });
      }
      return done({
        result: r.exitCode === 0 ? 'success' : 'failure',
        exitCode: r.exitCode,
        output,
        message: output.trim() || `command ${JSON.stringify(cmd.join(' '))} exited with ${r.exitCode}`,
      });
    }
    const sim = modelled(t.runtime);
    if (h.httpGet && sim) {
      const r = await sim.probeHttp(t.containerId);
      if (!r) return done({ result: 'failure', output: '', message: 'connect: connection refused' });
      const ok = r.statusCode >= 200 && r.statusCode < 400;
      return done({
        result: ok ? 'success' : 'failure',
        httpStatus: r.statusCode,
        output: '',
        message: ok ? '' : `HTTP probe failed with statuscode: ${r.statusCode}`,
      });
    }
    if (h.tcpSocket && sim) {
      const ok = await sim.probeTcp(t.containerId);
      return done({ result: ok ? 'success' : 'failure', output: '', message: ok ? '' : 'connect: connection refused' });
    }
    if (h.httpGet) {
      const port = resolvePort(h.httpGet.port, t);
      return done(await httpGet(h.httpGet, port, timeoutMs));
    }
    if (h.tcpSocket) {
      const port = resolvePort(h.tcpSocket.port, t);
      return done(await tcpConnect(port, timeoutMs));
    }
    return done({ result: 'failure', output: '', message: 'missing probe handler' });
  } catch (err) {
    return done({ result: 'failure', output: '', message: errorMessage(err) });
  }
}

/**
 * The simulated runtime has no sockets to connect to: it answers HTTP and TCP probes itself
 * (probeHttp / probeTcp), modelled per image. Any runtime offering those is asked instead.
 */
interface ModelledProbes {
  probeHttp(containerId: string): Promise<{ statusCode: number } | null>;
  probeTcp(containerId: string): Promise<boolean>;
}

function modelled(runtime: ContainerRuntime): ModelledProbes | null {
  const r = runtime as Partial<ModelledProbes>;
  return typeof r.probeHttp === 'function' && typeof r.probeTcp === 'function' ? (r as ModelledProbes) : null;
}

/** Numeric or named container port → the host port its sandbox publishes it on. */
export function resolvePort(port: number | string, t: Pick<HandlerTarget, 'container' | 'ports'>): number {
  let containerPort: number;
  if (typeof port === 'number' || /^\d+$/.test(port)) containerPort = Number(port);
  else {
    const named = (t.container.ports ?? []).find((p) => p.name === port);
    if (!named) throw new Error(`couldn't find port: ${port} in ${t.container.name}`);
    containerPort = named.containerPort;
  }
  const bound = t.ports.find((p) => p.containerPort === containerPort && (p.protocol ?? 'TCP') === 'TCP');
  if (!bound) throw new Error(`port ${containerPort} of container ${t.container.name} is not published on the host`);
  return bound.hostPort;
}

async function httpGet(
  action: HTTPGetAction,
  hostPort: number,
  timeoutMs: number,
): Promise<Omit<HandlerOutcome, 'latencyMs'>> {
  const scheme = (action.scheme ?? 'HTTP').toLowerCase();
  const pathPart = action.path ? (action.path.startsWith('/') ? action.path : `/${action.path}`) : '/';
  const headers: Record<string, string> = { 'User-Agent': 'kube-probe/1.30', Accept: '*/*' };
  for (const h of action.httpHeaders ?? []) headers[h.name] = h.value;
  if (action.host) headers['Host'] = action.host;
  const url = `${scheme}://127.0.0.1:${hostPort}${pathPart}`;
  return new Promise((resolve) => {
    const mod = scheme === 'https' ? https : http;
    const req = mod.request(
      url,
      { method: 'GET', headers, timeout: timeoutMs, ...(scheme === 'https' ? { rejectUnauthorized: false } : {}) },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          if (size < BODY_LIMIT) chunks.push(c);
          size += c.length;
        });
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const output = Buffer.concat(chunks).subarray(0, OUTPUT_LIMIT).toString('utf8');
          const ok = status >= 200 && status < 400;
          resolve({
            result: ok ? 'success' : 'failure',
            httpStatus: status,
            output,
            message: ok ? '' : `HTTP probe failed with statuscode: ${status}`,
          });
        });
        res.on('error', (err) => resolve({ result: 'failure', output: '', message: errorMessage(err) }));
      },
    );
    req.on('timeout', () => {
      req.destroy();
      resolve({
        result: 'timeout',
        output: '',
        message: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
      });
    });
    req.on('error', (err) =>
      resolve({ result: 'failure', output: '', message: `Get "${url}": ${goNetError(err, hostPort)}` }),
    );
    req.end();
  });
}

async function tcpConnect(hostPort: number, timeoutMs: number): Promise<Omit<HandlerOutcome, 'latencyMs'>> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port: hostPort });
    sock.setTimeout(timeoutMs);
    sock.once('connect', () => {
      sock.destroy();
      resolve({ result: 'success', output: '', message: '' });
    });
    sock.once('timeout', () => {
      sock.destroy();
      resolve({ result: 'timeout', output: '', message: `dial tcp 127.0.0.1:${hostPort}: i/o timeout` });
    });
    sock.once('error', (err) => resolve({ result: 'failure', output: '', message: goNetError(err, hostPort) }));
  });
}

/** Node's socket errors worded as Go's net package words them (what kubectl users recognise). */
function goNetError(err: unknown, port: number): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED') return `dial tcp 127.0.0.1:${port}: connect: connection refused`;
  if (code === 'ECONNRESET') return 'read: connection reset by peer';
  return errorMessage(err);
}
