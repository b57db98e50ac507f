// SPDY/3.1 frame layout (pure: bytes in, objects out, and back). Header blocks are handled here
// uncompressed; the connection owns the zlib contexts, which span the whole connection.
//
// Every frame has an 8-byte header. Control frames: bit 0 set, 15-bit version (3), 16-bit type,
// 8-bit flags, 24-bit length. Data frames: bit 0 clear, 31-bit stream id, flags, length.

export const SPDY_VERSION = 3;
export const FLAG_FIN = 0x01;
export const FLAG_UNIDIRECTIONAL = 0x02;
/** Data frame payloads are at most 24 bits long; we send much smaller ones so streams interleave. */
export const MAX_FRAME_PAYLOAD = 0xffffff;

export const enum ControlType {
  SynStream = 1,
  SynReply = 2,
  RstStream = 3,
  Settings = 4,
  Ping = 6,
  GoAway = 7,
  Headers = 8,
  WindowUpdate = 9,
}

/** RST_STREAM status codes (SPDY draft 3.1, section 2.4.2). */
export const RstStatus = {
  ProtocolError: 1,
  InvalidStream: 2,
  RefusedStream: 3,
  UnsupportedVersion: 4,
  Cancel: 5,
  InternalError: 6,
  FlowControlError: 7,
  StreamInUse: 8,
  StreamAlreadyClosed: 9,
  FrameTooLarge: 11,
} as const;

/** SETTINGS ids this server looks at. */
export const SETTINGS_INITIAL_WINDOW_SIZE = 7;

export type Frame =
  | { type: 'data'; streamId: number; flags: number; data: Buffer }
  | {
      type: 'syn_stream';
      streamId: number;
      associatedId: number;
      priority: number;
      flags: number;
      headerBlock: Buffer;
    }
  | { type: 'syn_reply'; streamId: number; flags: number; headerBlock: Buffer }
  | { type: 'headers'; streamId: number; flags: number; headerBlock: Buffer }
  | { type: 'rst_stream'; streamId: number; status: number }
  | { type: 'settings'; flags: number; entries: { id: number; flags: number; value: number }[] }
  | { type: 'ping'; id: number }
  | { type: 'goaway'; lastGoodStreamId: number; status: number }
  | { type: 'window_update'; streamId: number; delta: number }
  | { type: 'unknown'; controlType: number; version: number };

export class SpdyProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SpdyProtocolError';
  }
}

const STREAM_ID_MASK = 0x7fffffff;

function need(payload: Buffer, n: number, what: string): void {
  if (payload.length < n) throw new SpdyProtocolError(`${what} frame is ${payload.length} bytes, needs at least ${n}`);
}

/**
 * Splits complete frames off the front of `buf`. Returns the frames and the unconsumed rest (a
 * partial frame waiting for more bytes).
 */
export function parseFrames(buf: Buffer): { frames: Frame[]; rest: Buffer } {
  const frames: Frame[] = [];
  let off = 0;
  while (buf.length - off >= 8) {
    const length = buf.readUIntBE(off + 5, 3);
    if (buf.length - off < 8 + length) break;
    frames.push(decodeFrame(buf.subarray(off, off + 8 + length)));
    off += 8 + length;
  }
  return { frames, rest: buf.subarray(off) };
}

/** Decodes one whole frame (header + payload). */
export function decodeFrame(frame: Buffer): Frame {
  const flags = frame[4];
  const payload = frame.subarray(8);
  if ((frame[0] & 0x80) === 0) {
    return { type: 'data', streamId: frame.readUInt32BE(0) & STREAM_ID_MASK, flags, data: payload };
  }
  const version = frame.readUInt16BE(0) & 0x7fff;
  const controlType = frame.readUInt16BE(2);
  if (version !== SPDY_VERSION) return { type: 'unknown', controlType, version };
  switch (controlType) {
    case ControlType.SynStream:
      need(payload, 10, 'SYN_STREAM');
      return {
        type: 'syn_stream',
        streamId: payload.readUInt32BE(0) & STREAM_ID_MASK,
        associatedId: payload.readUInt32BE(4) & STREAM_ID_MASK,
        priority: payload[8] >> 5,
        flags,
        headerBlock: payload.subarray(10),
      };
    case ControlType.SynReply:
      need(payload, 4, 'SYN_REPLY');
      return {
        type: 'syn_reply',
        streamId: payload.readUInt32BE(0) & STREAM_ID_MASK,
        flags,
        headerBlock: payload.subarray(4),
      };
    case ControlType.Headers:
      need(payload, 4, 'HEADERS');
      return {
        type: 'headers',
        streamId: payload.readUInt32BE(0) & STREAM_ID_MASK,
        flags,
        headerBlock: payload.subarray(4),
      };
    case ControlType.RstStream:
      need(payload, 8, 'RST_STREAM');
      return {
        type: 'rst_stream',
        streamId: payload.readUInt32BE(0) & STREAM_ID_MASK,
        status: payload.readUInt32BE(4),
      };
    case ControlType.Settings: {
      need(payload, 4, 'SETTINGS');
      const count = payload.readUInt32BE(0);
      need(payload, 4 + count * 8, 'SETTINGS');
      const entries = [];
      for (let i = 0; i < count; i++) {
        const at = 4 + i * 8;
        entries.push({
          flags: payload[at],
          id: payload.readUIntBE(at + 1, 3),
          value: payload.readUInt32BE(at + 4),
        });
      }
      return { type: 'settings', flags, entries };
    }
    case ControlType.Ping:
      need(payload, 4, 'PING');
      return { type: 'ping', id: payload.readUInt32BE(0) };
    case ControlType.GoAway:
      need(payload, 8, 'GOAWAY');
      return {
        type: 'goaway',
        lastGoodStreamId: payload.readUInt32BE(0) & STREAM_ID_MASK,
        status: payload.readUInt32BE(4),
      };
    case ControlType.WindowUpdate:
      need(payload, 8, 'WINDOW_UPDATE');
      return {
        type: 'window_update',
        streamId: payload.readUInt32BE(0) & STREAM_ID_MASK,
        delta: payload.readUInt32BE(4) & STREAM_ID_MASK,
      };
    default:
      // Unknown control frames must be ignored (section 2.2.1).
      return { type: 'unknown', controlType, version };
  }
}

function control(type: ControlType, flags: number, payload: Buffer): Buffer {
  if (payload.length > MAX_FRAME_PAYLOAD) throw new SpdyProtocolError(`control frame payload too large`);
  const head = Buffer.alloc(8);
  head.writeUInt16BE(0x8000 | SPDY_VERSION, 0);
  head.writeUInt16BE(type, 2);
  head[4] = flags;
  head.writeUIntBE(payload.length, 5, 3);
  return Buffer.concat([head, payload]);
}

function u32(...values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, i * 4));
  return b;
}

export function encodeData(streamId: number, data: Buffer, flags = 0): Buffer {
  if (data.length > MAX_FRAME_PAYLOAD) throw new SpdyProtocolError(`data frame payload too large`);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(streamId & STREAM_ID_MASK, 0);
  head[4] = flags;
  head.writeUIntBE(data.length, 5, 3);
  return Buffer.concat([head, data]);
}

export function encodeSynStream(
  streamId: number,
  compressedHeaders: Buffer,
  opts: { flags?: number; associatedId?: number; priority?: number } = {},
): Buffer {
  const fixed = Buffer.alloc(10);
  fixed.writeUInt32BE(streamId & STREAM_ID_MASK, 0);
  fixed.writeUInt32BE((opts.associatedId ?? 0) & STREAM_ID_MASK, 4);
  fixed[8] = ((opts.priority ?? 0) & 0x7) << 5;
  return control(ControlType.SynStream, opts.flags ?? 0, Buffer.concat([fixed, compressedHeaders]));
}

export function encodeSynReply(streamId: number, compressedHeaders: Buffer, flags = 0): Buffer {
  return control(ControlType.SynReply, flags, Buffer.concat([u32(streamId & STREAM_ID_MASK), compressedHeaders]));
}

export function encodeRstStream(streamId: number, status: number): Buffer {
  return control(ControlType.RstStream, 0, u32(streamId & STREAM_ID_MASK, status));
}

export function encodeSettings(entries: { id: number; value: number; flags?: number }[]): Buffer {
  const payload = Buffer.alloc(4 + entries.length * 8);
  payload.writeUInt32BE(entries.length, 0);
  entries.forEach((e, i) => {
    payload[4 + i * 8] = e.flags ?? 0;
    payload.writeUIntBE(e.id, 5 + i * 8, 3);
    payload.writeUInt32BE(e.value >>> 0, 8 + i * 8);
  });
  return control(ControlType.Settings, 0, payload);
}

export function encodePing(id: number): Buffer {
  return control(ControlType.Ping, 0, u32(id));
}

export function encodeGoAway(lastGoodStreamId: number, status = 0): Buffer {
  return control(ControlType.GoAway, 0, u32(lastGoodStreamId & STREAM_ID_MASK, status));
}

export function encodeWindowUpdate(streamId: number, delta: number): Buffer {
  return control(ControlType.WindowUpdate, 0, u32(streamId & STREAM_ID_MASK, delta & STREAM_ID_MASK));
}

/**
 * The uncompressed SPDY/3 name/value block: a 32-bit pair count, then per pair a 32-bit length
 * and the name (lower-case), a 32-bit length and the value; several values of one name are joined
 * by NUL bytes.
 */
export function encodeHeaderBlock(headers: Record<string, string | string[]>): Buffer {
  const entries = Object.entries(headers);
  const parts: Buffer[] = [u32(entries.length)];
  for (const [name, value] of entries) {
    const n = Buffer.from(name.toLowerCase(), 'utf8');
    const v = Buffer.from(Array.isArray(value) ? value.join('\0') : value, 'utf8');
    parts.push(u32(n.length), n, u32(v.length), v);
  }
  return Buffer.concat(parts);
}

/** Parses an uncompressed name/value block; names come back lower-case, multi-values joined by ", ". */
export function decodeHeaderBlock(block: Buffer): Record<string, string> {
  const read32 = (at: number): number => {
    if (at + 4 > block.length) throw new SpdyProtocolError('truncated header block');
    return block.readUInt32BE(at);
  };
  const count = read32(0);
  const out: Record<string, string> = {};
  let off = 4;
  for (let i = 0; i < count; i++) {
    const nlen = read32(off);
    off += 4;
    if (off + nlen > block.length) throw new SpdyProtocolError('truncated header name');
    const name = block.toString('utf8', off, off + nlen).toLowerCase();
    off += nlen;
    const vlen = read32(off);
    off += 4;
    if (off + vlen > block.length) throw new SpdyProtocolError('truncated header value');
    const value = block
      .toString('utf8', off, off + vlen)
      .split('\0')
      .join(', ');
    off += vlen;
    if (name === '') throw new SpdyProtocolError('empty header name');
    out[name] = name in out ? `${out[name]}, ${value}` : value;
  }
  return out;
}
