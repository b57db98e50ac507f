// The connection to the Docker engine, and the translation of its transport errors into words a
// user can act on. DOCKER_HOST is honoured by dockerode's own defaults (`new Docker()` reads it);
// an explicit socket path or host wins over it.
import Dockerode from 'dockerode';
import { RuntimeUnavailableError } from '../types.js';

export interface DockerConnectionOptions {
  /** Unix socket (or Windows named pipe) path, e.g. `/var/run/docker.sock`. Overrides DOCKER_HOST. */
  socketPath?: string;
  /** An already configured client (tests, or a caller with TLS settings). Overrides the others. */
  docker?: Dockerode;
}

export interface DockerConnection {
  docker: Dockerode;
  /** Where we try to reach the engine, for error messages. */
  endpoint: string;
}

const DEFAULT_SOCKET = process.platform === 'win32' ? '//./pipe/docker_engine' : '/var/run/docker.sock';

export function connectDocker(options: DockerConnectionOptions = {}): DockerConnection {
  if (options.docker) return { docker: options.docker, endpoint: describeModem(options.docker) };
  if (options.socketPath) {
    return { docker: new Dockerode({ socketPath: options.socketPath }), endpoint: options.socketPath };
  }
  const docker = new Dockerode();
  return { docker, endpoint: describeModem(docker) };
}

function describeModem(docker: Dockerode): string {
  const modem = docker.modem as unknown as { socketPath?: string; host?: string; port?: string | number } | undefined;
  if (!modem) return process.env['DOCKER_HOST'] ?? DEFAULT_SOCKET;
  if (modem.socketPath) return String(modem.socketPath);
  if (modem.host) return `${modem.host}${modem.port ? `:${modem.port}` : ''}`;
  return process.env['DOCKER_HOST'] ?? DEFAULT_SOCKET;
}

/** The HTTP status of a Docker API error, if it has one. */
export function statusOf(error: unknown): number | undefined {
  return (error as { statusCode?: number } | null)?.statusCode;
}

export function isNotFound(error: unknown): boolean {
  return statusOf(error) === 404;
}

/** The daemon's own message (`{"message": …}` body) or the error text. */
export function messageOf(error: unknown): string {
  const json = (error as { json?: { message?: string } } | null)?.json;
  if (json && typeof json.message === 'string') return json.message;
  if (error instanceof Error) return error.message.replace(/^\(HTTP code \d+\)\s*[\w ]*-\s*/, '');
  return String(error);
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOENT', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ETIMEDOUT']);

export function isUnreachable(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code !== undefined && UNREACHABLE_CODES.has(code);
}

/** Builds the error for an engine that does not answer, telling the user how to start it. */
export function unavailable(endpoint: string, cause: unknown): RuntimeUnavailableError {
  const code = (cause as { code?: string } | null)?.code;
  if (code === 'EACCES') {
    return new RuntimeUnavailableError(
      `Permission denied on ${endpoint}. Add your user to the "docker" group (then log in again), ` +
        'or point DOCKER_HOST at an engine you may use.',
      { cause },
    );
  }
  return new RuntimeUnavailableError(
    `Docker is not running (cannot reach ${endpoint}). Start Docker Desktop, or on Linux run ` +
      '`sudo systemctl start docker`. To use another engine, set DOCKER_HOST.',
    { cause },
  );
}

/** Rethrows transport failures as RuntimeUnavailableError; everything else unchanged. */
export function translate(endpoint: string, error: unknown): never {
  const code = (error as { code?: string } | null)?.code;
  if (isUnreachable(error) || code === 'EACCES') throw unavailable(endpoint, error);
  throw error;
}

/** Runs a Docker call, turning "engine not reachable" into RuntimeUnavailableError. */
export async function call<T>(endpoint: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    translate(endpoint, error);
  }
}

/** Parses a Docker timestamp; Docker's zero time (`0001-01-01T00:00:00Z`) means "never". */
export function parseDockerTime(value: string | undefined | null): number | undefined {
  if (!value || value.startsWith('0001-01-01')) return undefined;
  // Date.parse does not promise to read nanoseconds; keep milliseconds.
  const ms = Date.parse(value.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(ms) ? undefined : ms;
}
