// The one place where Docker's multiplexed stream format is read. Without a TTY, Docker frames
// stdout and stderr on one connection: an 8-byte header (byte 0 = stream: 0 stdin, 1 stdout,
// 2 stderr; bytes 4–7 = payload length, big-endian) followed by the payload. Frames are cut
// anywhere by the transport, so the parser keeps partial headers and payloads across chunks.
// With a TTY there are no headers at all: everything is stdout.
// See https://docs.docker.com/reference/api/engine/version/v1.43/#tag/Container/operation/ContainerAttach
import type { Writable } from 'node:stream';
import type { LogChunk } from '../types.js';

const HEADER_BYTES = 8;

/** Incremental frame parser: feed it chunks, get whole frames back, in order. */
export class FrameParser {
  #pending: Buffer[] = [];
  #pendingBytes = 0;

  push(chunk: Buffer): LogChunk[] {
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.length;
    const frames: LogChunk[] = [];
    let buffer = this.#pending.length === 1 ? this.#pending[0] : Buffer.concat(this.#pending, this.#pendingBytes);
    let offset = 0;
    while (buffer.length - offset >= HEADER_BYTES) {
      const type = buffer[offset];
      const length = buffer.readUInt32BE(offset + 4);
      if (type !== 0 && type !== 1 && type !== 2) {
        throw new Error(`Malformed Docker stream: frame header names stream ${type}; expected 0, 1 or 2.`);
      }
      if (buffer.length - offset - HEADER_BYTES < length) break;
      const start = offset + HEADER_BYTES;
      // Copy: the payload must not pin (or alias) the transport's buffer.
      const data = Buffer.from(buffer.subarray(start, start + length));
      if (type !== 0) frames.push({ stream: type === 2 ? 'stderr' : 'stdout', data });
      offset = start + length;
    }
    buffer = buffer.subarray(offset);
    this.#pending = buffer.length > 0 ? [buffer] : [];
    this.#pendingBytes = buffer.length;
    return frames;
  }

  /** Bytes of an incomplete frame left over (non-zero at end of stream means truncation). */
  get leftover(): number {
    return this.#pendingBytes;
  }
}

/** Yields demultiplexed chunks (or, with `tty`, raw stdout chunks) from a Docker stream. */
export async function* demultiplex(source: AsyncIterable<Buffer | string>, tty: boolean): AsyncGenerator<LogChunk> {
  const parser = new FrameParser();
  for await (const raw of source) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
    if (tty) {
      yield { stream: 'stdout', data: chunk };
      continue;
    }
    for (const frame of parser.push(chunk)) yield frame;
  }
}

/** Copies a Docker stream into separate stdout/stderr writables, honouring their backpressure. */
export async function pumpDemultiplexed(
  source: AsyncIterable<Buffer | string>,
  tty: boolean,
  stdout: Writable,
  stderr: Writable | null,
): Promise<void> {
  try {
    for await (const chunk of demultiplex(source, tty)) {
      const target = chunk.stream === 'stderr' && stderr ? stderr : stdout;
      if (!target.write(chunk.data)) await waitForDrain(target);
    }
  } finally {
    stdout.end();
    stderr?.end();
  }
}

function waitForDrain(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}
