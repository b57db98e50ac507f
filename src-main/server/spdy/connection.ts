// The server side of a SPDY/3.1 connection, as Kubernetes' streaming endpoints speak it (kubectl
// port-forward, exec and attach dial with client-go's spdystream): the client opens streams with
// SYN_STREAM, we accept each with SYN_REPLY, and both sides send data frames until each has sent
// FIN (a half-close) or one resets the stream.
//
// Flow control: SPDY/3.1 windows (64 KiB per stream and per connection) are honoured once the
// peer shows it uses them, by sending SETTINGS_INITIAL_WINDOW_SIZE or a WINDOW_UPDATE. Go's
// spdystream, which kubectl uses, does neither and ignores windows; with it, backpressure is the
// transport's own (we wait for 'drain' before taking more from a stream's writer). We always
// send WINDOW_UPDATE for what we consumed, which a flow-controlling peer needs and others ignore.
import { EventEmitter } from 'node:events';
import { Duplex } from 'node:stream';
import {
  encodeData,
  encodeGoAway,
  encodePing,
  encodeRstStream,
  encodeSynReply,
  encodeWindowUpdate,
  FLAG_FIN,
  parseFrames,
  RstStatus,
  SETTINGS_INITIAL_WINDOW_SIZE,
  SpdyProtocolError,
  type Frame,
} from './frames.js';
import { HeaderCodec } from './header-codec.js';

const DEFAULT_WINDOW = 64 * 1024;
/** Our data frames carry at most this much, so one stream cannot hog the connection. */
const DATA_CHUNK = 16 * 1024;
/** GOAWAY status codes (SPDY draft 3.1, section 2.6.6). */
const GOAWAY_OK = 0;
const GOAWAY_PROTOCOL_ERROR = 1;

export class SpdyStream extends Duplex {
  readonly id: number;
  readonly headers: Record<string, string>;
  #conn: SpdyConnection;
  #replied: Promise<void> | undefined;
  #localFin = false;
  #remoteFin = false;
  #reset = false;
  /** Send window (bytes we may still send) when the peer uses flow control. */
  sendWindow: number;
  /** Bytes received since our last WINDOW_UPDATE for this stream. */
  unacked = 0;

  constructor(conn: SpdyConnection, id: number, headers: Record<string, string>, window: number) {
    super({ allowHalfOpen: true });
    this.#conn = conn;
    this.id = id;
    this.headers = headers;
    this.sendWindow = window;
  }

  /** Accepts the stream (SYN_REPLY). Data we write waits for it. */
  reply(headers: Record<string, string> = {}): Promise<void> {
    this.#replied ??= this.#conn.sendReply(this.id, headers);
    return this.#replied;
  }

  /** Abort the stream in both directions (RST_STREAM). */
  reset(status: number = RstStatus.Cancel): void {
    if (this.#reset) return;
    this.#reset = true;
    this.#conn.sendReset(this.id, status);
    this.destroy();
  }

  get remoteClosed(): boolean {
    return this.#remoteFin;
  }

  /** Called by the connection. */
  onRemoteData(data: Buffer, fin: boolean): void {
    if (this.#remoteFin) {
      this.reset(RstStatus.StreamAlreadyClosed);
      return;
    }
    if (data.length > 0) this.push(data);
    if (fin) this.onRemoteFin();
  }

  onRemoteFin(): void {
    if (this.#remoteFin) return;
    this.#remoteFin = true;
    this.push(null);
  }

  onRemoteReset(): void {
    this.#reset = true;
    this.destroy(new Error(`stream ${this.id} was reset by the peer`));
  }

  override _read(): void {
    // Data is pushed as frames arrive; WINDOW_UPDATE is sent as the reader consumes it.
    this.#conn.consumed(this);
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    (this.#replied ?? Promise.resolve()).then(() => this.#conn.sendData(this, chunk)).then(() => cb(), cb);
  }

  override _final(cb: (err?: Error | null) => void): void {
    (this.#replied ?? Promise.resolve())
      .then(() => {
        this.#localFin = true;
        this.#conn.sendFin(this.id);
      })
      .then(() => cb(), cb);
  }

  override _destroy(err: Error | null, cb: (err: Error | null) => void): void {
    if (!this.#reset && !(this.#localFin && this.#remoteFin)) {
      this.#reset = true;
      this.#conn.sendReset(this.id, RstStatus.Cancel);
    }
    this.#conn.forget(this.id);
    cb(err);
  }
}

export interface SpdyConnectionEvents {
  stream: [SpdyStream];
  close: [];
  error: [Error];
}

export class SpdyConnection extends EventEmitter<SpdyConnectionEvents> {
  #transport: Duplex;
  #codec = new HeaderCodec();
  #streams = new Map<number, SpdyStream>();
  #pending: Buffer = Buffer.alloc(0);
  #inbound: Promise<void> = Promise.resolve();
  #lastRemoteId = 0;
  #flowControl = false;
  #initialWindow = DEFAULT_WINDOW;
  #connWindow = DEFAULT_WINDOW;
  #connUnacked = 0;
  #windowWaiters: (() => void)[] = [];
  #closed = false;
  #goneAway = false;

  constructor(transport: Duplex) {
    super();
    this.#transport = transport;
    transport.on('data', (chunk: Buffer) => this.#onBytes(chunk));
    transport.on('end', () => this.close());
    transport.on('close', () => this.#teardown());
    transport.on('error', () => this.#teardown());
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Number of streams still open (for tests and leak checks). */
  get openStreams(): number {
    return this.#streams.size;
  }

  /** Sends GOAWAY and closes the transport once written. */
  close(status = GOAWAY_OK): void {
    if (this.#closed) return;
    if (!this.#goneAway && this.#transport.writable) {
      this.#goneAway = true;
      this.#transport.write(encodeGoAway(this.#lastRemoteId, status));
    }
    this.#transport.end();
    this.#teardown();
  }

  #teardown(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const s of [...this.#streams.values()]) s.destroy();
    this.#streams.clear();
    for (const wake of this.#windowWaiters.splice(0)) wake();
    this.#codec.close();
    if (!this.#transport.destroyed) {
      // Give the GOAWAY a moment to leave, then make sure the socket goes.
      setTimeout(() => this.#transport.destroy(), 1000).unref();
    }
    this.emit('close');
  }

  #onBytes(chunk: Buffer): void {
    this.#pending = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : chunk;
    let frames: Frame[];
    try {
      const parsed = parseFrames(this.#pending);
      frames = parsed.frames;
      this.#pending = Buffer.from(parsed.rest);
    } catch (err) {
      this.#fail(err as Error);
      return;
    }
    for (const frame of frames) {
      // Frames are handled strictly in order: header blocks share one zlib context.
      this.#inbound = this.#inbound.then(() => this.#handle(frame)).catch((err: unknown) => this.#fail(err as Error));
    }
  }

  #fail(err: Error): void {
    if (this.#closed) return;
    this.emit('error', err);
    this.close(GOAWAY_PROTOCOL_ERROR);
  }

  async #handle(frame: Frame): Promise<void> {
    if (this.#closed) return;
    switch (frame.type) {
      case 'syn_stream': {
        // Client-initiated streams have odd ids that only grow (section 2.3.2).
        if (frame.streamId % 2 === 0 || frame.streamId <= this.#lastRemoteId) {
          // Still decode the block: the zlib context must see every header block.
          await this.#codec.decompress(frame.headerBlock);
          this.sendReset(frame.streamId, RstStatus.ProtocolError);
          return;
        }
        this.#lastRemoteId = frame.streamId;
        const headers = await this.#codec.decompress(frame.headerBlock);
        if (this.#goneAway) {
          this.sendReset(frame.streamId, RstStatus.RefusedStream);
          return;
        }
        const stream = new SpdyStream(this, frame.streamId, headers, this.#initialWindow);
        this.#streams.set(frame.streamId, stream);
        if (frame.flags & FLAG_FIN) stream.onRemoteFin();
        this.emit('stream', stream);
        return;
      }
      case 'data': {
        const stream = this.#streams.get(frame.streamId);
        this.#connUnacked += frame.data.length;
        if (!stream) {
          if (frame.streamId > this.#lastRemoteId) this.sendReset(frame.streamId, RstStatus.InvalidStream);
          return;
        }
        stream.unacked += frame.data.length;
        stream.onRemoteData(frame.data, (frame.flags & FLAG_FIN) !== 0);
        return;
      }
      case 'headers': {
        await this.#codec.decompress(frame.headerBlock);
        if (frame.flags & FLAG_FIN) this.#streams.get(frame.streamId)?.onRemoteFin();
        return;
      }
      case 'syn_reply':
        // We never open streams, so a reply is for nothing; keep the zlib context in step.
        await this.#codec.decompress(frame.headerBlock);
        return;
      case 'rst_stream':
        this.#streams.get(frame.streamId)?.onRemoteReset();
        this.#streams.delete(frame.streamId);
        return;
      case 'settings':
        for (const e of frame.entries) {
          if (e.id === SETTINGS_INITIAL_WINDOW_SIZE) {
            this.#flowControl = true;
            const delta = e.value - this.#initialWindow;
            this.#initialWindow = e.value;
            for (const s of this.#streams.values()) s.sendWindow += delta;
          }
        }
        this.#wakeWriters();
        return;
      case 'ping':
        // Echo the peer's pings (odd ids from a client); we send none of our own.
        this.#write(encodePing(frame.id));
        return;
      case 'goaway':
        this.#goneAway = true;
        if (this.#streams.size === 0) this.close();
        return;
      case 'window_update': {
        this.#flowControl = true;
        if (frame.streamId === 0) this.#connWindow += frame.delta;
        else {
          const s = this.#streams.get(frame.streamId);
          if (s) s.sendWindow += frame.delta;
        }
        this.#wakeWriters();
        return;
      }
      case 'unknown':
        if (frame.version !== 3) throw new SpdyProtocolError(`unsupported SPDY version ${frame.version}`);
        return;
    }
  }

  #write(buf: Buffer): boolean {
    if (this.#closed || !this.#transport.writable) return true;
    return this.#transport.write(buf);
  }

  #wakeWriters(): void {
    for (const wake of this.#windowWaiters.splice(0)) wake();
  }

  async sendReply(id: number, headers: Record<string, string>): Promise<void> {
    const block = await this.#codec.compress(headers);
    this.#write(encodeSynReply(id, block));
  }

  sendReset(id: number, status: number): void {
    this.#write(encodeRstStream(id, status));
    this.#streams.delete(id);
  }

  sendFin(id: number): void {
    this.#write(encodeData(id, Buffer.alloc(0), FLAG_FIN));
  }

  async sendData(stream: SpdyStream, data: Buffer): Promise<void> {
    let off = 0;
    while (off < data.length) {
      if (this.#closed || stream.destroyed) throw new Error(`stream ${stream.id} is closed`);
      let size = Math.min(DATA_CHUNK, data.length - off);
      if (this.#flowControl) {
        while (stream.sendWindow <= 0 || this.#connWindow <= 0) {
          await new Promise<void>((r) => this.#windowWaiters.push(r));
          if (this.#closed || stream.destroyed) throw new Error(`stream ${stream.id} is closed`);
        }
        size = Math.min(size, stream.sendWindow, this.#connWindow);
        stream.sendWindow -= size;
        this.#connWindow -= size;
      }
      const ok = this.#write(encodeData(stream.id, data.subarray(off, off + size)));
      off += size;
      if (!ok) await new Promise<void>((r) => this.#transport.once('drain', r));
    }
  }

  /** The reader of `stream` wants more: acknowledge what it has taken. */
  consumed(stream: SpdyStream): void {
    if (stream.unacked >= DEFAULT_WINDOW / 2) {
      this.#write(encodeWindowUpdate(stream.id, stream.unacked));
      stream.unacked = 0;
    }
    if (this.#connUnacked >= DEFAULT_WINDOW / 2) {
      this.#write(encodeWindowUpdate(0, this.#connUnacked));
      this.#connUnacked = 0;
    }
  }

  forget(id: number): void {
    this.#streams.delete(id);
    if (this.#goneAway && this.#streams.size === 0) this.close();
  }
}
