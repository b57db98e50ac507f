// Header-block compression for one SPDY connection. Each direction has ONE zlib context for the
// connection's whole life, primed with the SPDY/3 dictionary; every block ends with a sync flush
// so the peer can decode it without waiting for more (SPDY draft 3, section 2.6.10). Because the
// context is shared, blocks must be coded strictly in order: each codec runs one block at a time.
import zlib from 'node:zlib';
import { SPDY3_DICTIONARY } from './dictionary.js';
import { decodeHeaderBlock, encodeHeaderBlock, SpdyProtocolError } from './frames.js';

/** Runs chunks through a zlib stream one at a time, returning each chunk's sync-flushed output. */
class SerialZlib {
  #stream: zlib.Deflate | zlib.Inflate;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(stream: zlib.Deflate | zlib.Inflate) {
    this.#stream = stream;
    // Errors surface through the write callback; this keeps an 'error' event from being unhandled.
    stream.on('error', () => undefined);
  }

  run(chunk: Buffer): Promise<Buffer> {
    const next = this.#tail.then(
      () =>
        new Promise<Buffer>((resolve, reject) => {
          if (this.#stream.destroyed) return reject(new Error('the zlib context failed earlier'));
          // A corrupt block destroys the stream; the write callback is then never called.
          const onError = (err: Error) => reject(err);
          this.#stream.once('error', onError);
          this.#stream.write(chunk, (err) => {
            this.#stream.off('error', onError);
            if (err) return reject(err);
            // The write callback fires after the output of this chunk has been pushed.
            const out: Buffer[] = [];
            for (let c = this.#stream.read() as Buffer | null; c; c = this.#stream.read() as Buffer | null) out.push(c);
            resolve(Buffer.concat(out));
          });
        }),
    );
    this.#tail = next.catch(() => undefined);
    return next;
  }

  close(): void {
    this.#stream.close();
  }
}

export class HeaderCodec {
  #deflate = new SerialZlib(zlib.createDeflate({ dictionary: SPDY3_DICTIONARY, flush: zlib.constants.Z_SYNC_FLUSH }));
  #inflate = new SerialZlib(zlib.createInflate({ dictionary: SPDY3_DICTIONARY, flush: zlib.constants.Z_SYNC_FLUSH }));

  compress(headers: Record<string, string | string[]>): Promise<Buffer> {
    return this.#deflate.run(encodeHeaderBlock(headers));
  }

  async decompress(block: Buffer): Promise<Record<string, string>> {
    if (block.length === 0) return {};
    let raw: Buffer;
    try {
      raw = await this.#inflate.run(block);
    } catch (err) {
      throw new SpdyProtocolError(`cannot decompress header block: ${(err as Error).message}`);
    }
    return decodeHeaderBlock(raw);
  }

  close(): void {
    this.#deflate.close();
    this.#inflate.close();
  }
}
