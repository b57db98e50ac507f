// Web mode: the built renderer served on 127.0.0.1. The printed URL carries a one-time login token;
// using it sets an HttpOnly, SameSite=Strict session cookie and the token is spent. Everything
// else needs that cookie. (The WebSocket bridge to the engine attaches to this server.)
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { randomBytes, createHash, timingSafeEqual } from 'node:crypto';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export const SESSION_COOKIE = 'kubedesk_session';

export interface WebUi {
  url: string;
  /** The URL with a fresh one-time login token (what `serve` prints). */
  loginUrl(): string;
  server: Server;
  /** True when the request carries a valid session cookie (for the WebSocket bridge). */
  authenticated(req: IncomingMessage): boolean;
  /** The origin browsers send from this UI (for the WebSocket Origin check). */
  origin: string;
  close(): Promise<void>;
}

export interface WebUiOptions {
  rendererDir: string;
  host?: string;
  port?: number;
}

export async function startWebUi(opts: WebUiOptions): Promise<WebUi> {
  const root = path.resolve(opts.rendererDir);
  const host = opts.host ?? '127.0.0.1';
  const loginTokens = new Set<string>();
  const sessions = new Set<string>();

  const hash = (s: string) => createHash('sha256').update(s).digest();
  const has = (set: Set<string>, value: string | undefined): boolean => {
    if (!value) return false;
    const h = hash(value);
    for (const v of set) if (timingSafeEqual(hash(v), h)) return true;
    return false;
  };
  const sessionOf = (req: IncomingMessage): string | undefined => {
    for (const part of (req.headers.cookie ?? '').split(';')) {
      const [k, ...v] = part.trim().split('=');
      if (k === SESSION_COOKIE) return v.join('=');
    }
    return undefined;
  };
  const authenticated = (req: IncomingMessage) => has(sessions, sessionOf(req));

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end('internal error');
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (url.pathname === '/login') {
      const token = url.searchParams.get('token') ?? '';
      if (!has(loginTokens, token)) {
        page(
          res,
          401,
          'This login link has been used or is not valid. Run `npm run serve` again, or ask it for a new link.',
        );
        return;
      }
      loginTokens.delete([...loginTokens].find((t) => t === token)!);
      const session = randomBytes(32).toString('hex');
      sessions.add(session);
      res.writeHead(303, {
        Location: '/',
        'Set-Cookie': `${SESSION_COOKIE}=${session}; HttpOnly; SameSite=Strict; Path=/`,
        'Cache-Control': 'no-store',
      });
      res.end();
      return;
    }
    if (!authenticated(req)) {
      page(res, 401, 'Not signed in. Open the login link that `npm run serve` printed.');
      return;
    }
    const file = await resolveFile(root, url.pathname);
    if (!file) {
      // Client-side routes fall back to the app.
      const index = await resolveFile(root, '/index.html');
      if (!index || path.extname(url.pathname)) {
        page(res, 404, 'Not found.');
        return;
      }
      return sendFile(res, index, req.method === 'HEAD');
    }
    return sendFile(res, file, req.method === 'HEAD');
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const base = `http://${urlHost}:${port}`;
  return {
    url: base,
    origin: base,
    server,
    authenticated,
    loginUrl() {
      const token = randomBytes(32).toString('hex');
      loginTokens.add(token);
      return `${base}/login?token=${token}`;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function resolveFile(root: string, urlPath: string): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const file = path.resolve(root, '.' + path.posix.normalize('/' + decoded));
  if (file !== root && !file.startsWith(root + path.sep)) return null;
  const info = await stat(file).catch(() => null);
  if (info?.isDirectory()) return resolveFile(root, path.posix.join(urlPath, 'index.html'));
  return info?.isFile() ? file : null;
}

function sendFile(res: ServerResponse, file: string, headOnly: boolean): void {
  res.writeHead(200, {
    'Content-Type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
    'Content-Security-Policy': CSP,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': file.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable',
  });
  if (headOnly) {
    res.end();
    return;
  }
  createReadStream(file).pipe(res);
}

function page(res: ServerResponse, code: number, message: string): void {
  const html = `<!doctype html><meta charset="utf-8"><title>KubeDesk</title><body style="font-family:system-ui;margin:3rem"><h1>KubeDesk</h1><p>${message.replace(/[<>&]/g, '')}</p>`;
  res.writeHead(code, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': CSP,
    'Cache-Control': 'no-store',
  });
  res.end(html);
}
