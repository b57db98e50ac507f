// Container logs. `follow` streams until the container exits (Docker ends the response then);
// without it Docker answers with the whole log at once. Either way the bytes go through the one
// demultiplexer, and `close()` destroys the HTTP stream so nothing keeps reading.
import { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import type { LogChunk, LogOptions, LogStream } from '../types.js';
import { isNotFound, translate } from './client.js';
import { inspectOrNull } from './containers.js';
import { demultiplex } from './demux.js';

/** Docker's `since`: seconds since the epoch, fractional part to the nanosecond. */
export function dockerSince(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const nanos = Math.round((ms - seconds * 1000) * 1e6);
  return `${seconds}.${String(nanos).padStart(9, '0')}`;
}

export async function logs(docker: Dockerode, endpoint: string, id: string, opts: LogOptions): Promise<LogStream> {
  const container = docker.getContainer(id);
  const info = await inspectOrNull(docker, endpoint, id);
  if (!info) throw new Error(`Container ${id} does not exist; it has no logs.`);
  const query = {
    stdout: true,
    stderr: true,
    timestamps: opts.timestamps ?? false,
    ...(opts.tail !== undefined ? { tail: Math.max(0, opts.tail) } : {}),
    ...(opts.sinceMs !== undefined ? { since: dockerSince(opts.sinceMs) } : {}),
  };
  let source: Readable;
  try {
    if (opts.follow) {
      source = (await container.logs({ ...query, follow: true })) as unknown as Readable;
    } else {
      const body = (await container.logs({ ...query, follow: false })) as unknown as Buffer | string;
      source = Readable.from([Buffer.isBuffer(body) ? body : Buffer.from(body)]);
    }
  } catch (error) {
    if (isNotFound(error)) throw new Error(`Container ${id} does not exist; it has no logs.`, { cause: error });
    translate(endpoint, error);
  }
  return new DockerLogStream(source, info.Config.Tty);
}

class DockerLogStream implements LogStream {
  #source: Readable;
  #closed = false;
  #iterator: AsyncGenerator<LogChunk>;

  constructor(source: Readable, tty: boolean) {
    this.#source = source;
    this.#iterator = this.#read(tty);
  }

  async *#read(tty: boolean): AsyncGenerator<LogChunk> {
    try {
      yield* demultiplex(this.#source, tty);
    } catch (error) {
      // A stream we destroyed on purpose ends quietly; anything else is the caller's business.
      if (!this.#closed) throw error;
    } finally {
      this.#source.destroy();
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<LogChunk> {
    return this.#iterator;
  }

  close(): void {
    this.#closed = true;
    this.#source.destroy();
  }
}
