// SPDY/3.1 framing, header compression and the server connection, driven by a small test client
// built from the same frame codec (the kubectl compat test checks them against Go's spdystream).
import { describe, it, expect, afterEach } from 'vitest';
import http from 'node:http';
import net from 'node:net';
import { Duplex } from 'node:stream';
import zlib from 'node:zlib';
import {
  decodeFrame,
  decodeHeaderBlock,
  encodeData,
  encodeHeaderBlock,
  encodePing,
  encodeRstStream,
  encodeSettings,
  encodeSynStream,
  encodeWindowUpdate,
  FLAG_FIN,
  parseFrames,
  SETTINGS_INITIAL_WINDOW_SIZE,
  type Frame,
} from '../../../src-main/server/spdy/frames.js';
import { HeaderCodec } from '../../../src-main/server/spdy/header-codec.js';
import { SPDY3_DICTIONARY } from '../../../src-main/server/spdy/dictionary.js';
import { SpdyConnection, type SpdyStream } from '../../../src-main/server/spdy/connection.js';
import { portForwardHandler, portForwardStats } from '../../../src-main/server/api/port-forward-http.js';

describe('SPDY frames', () => {
  it('the SPDY/3 dictionary is the 1423 bytes the draft specifies, starting with "options"', () => {
    expect(SPDY3_DICTIONARY.length).toBe(1423);
    expect(SPDY3_DICTIONARY.subarray(0, 11).toString('latin1')).toBe('\0\0\0\x07options');
    expect(SPDY3_DICTIONARY.subarray(-7).toString('latin1')).toBe(',enq=0.');
  });

  it('control frames round-trip through encode and decode', () => {
    const rst = decodeFrame(encodeRstStream(5, 3));
    expect(rst).toEqual({ type: 'rst_stream', streamId: 5, status: 3 });
    expect(decodeFrame(encodePing(7))).toEqual({ type: 'ping', id: 7 });
    expect(decodeFrame(encodeWindowUpdate(3, 1000))).toEqual({ type: 'window_update', streamId: 3, delta: 1000 });
    expect(decodeFrame(encodeSettings([{ id: SETTINGS_INITIAL_WINDOW_SIZE, value: 1 << 20 }]))).toEqual({
      type: 'settings',
      flags: 0,
      entries: [{ id: 7, flags: 0, value: 1 << 20 }],
    });
    const syn = decodeFrame(encodeSynStream(9, Buffer.from('hdr'), { flags: FLAG_FIN, priority: 2 }));
    expect(syn).toMatchObject({ type: 'syn_stream', streamId: 9, flags: FLAG_FIN, priority: 2 });
  });

  it('a data frame carries the 31-bit stream id, flags and payload', () => {
    const f = encodeData(0x7ffffffe, Buffer.from('abc'), FLAG_FIN);
    expect(f[0] & 0x80).toBe(0);
    expect(decodeFrame(f)).toEqual({ type: 'data', streamId: 0x7ffffffe, flags: FLAG_FIN, data: Buffer.from('abc') });
  });

  it('parseFrames splits back-to-back frames and keeps a partial one for later', () => {
    const bytes = Buffer.concat([encodePing(1), encodeData(1, Buffer.from('hello')), encodePing(3)]);
    const { frames, rest } = parseFrames(bytes.subarray(0, bytes.length - 3));
    expect(frames.map((f) => f.type)).toEqual(['ping', 'data']);
    expect(rest.length).toBe(9);
  });

  it('unknown control types are ignored, not errors (draft 3.1 §2.2.1)', () => {
    const f = Buffer.from([0x80, 0x03, 0x00, 0x42, 0, 0, 0, 1, 0xff]);
    expect(decodeFrame(f)).toEqual({ type: 'unknown', controlType: 0x42, version: 3 });
  });

  it('a truncated RST_STREAM is a protocol error naming the frame', () => {
    const f = Buffer.from([0x80, 0x03, 0x00, 0x03, 0, 0, 0, 2, 0, 1]);
    expect(() => decodeFrame(f)).toThrow(/RST_STREAM frame is 2 bytes/);
  });

  it('header blocks hold lower-case names and NUL-joined multi-values', () => {
    const block = encodeHeaderBlock({ Port: '80', accept: ['a', 'b'] });
    expect(decodeHeaderBlock(block)).toEqual({ port: '80', accept: 'a, b' });
  });
});

describe('SPDY header compression', () => {
  it('successive blocks share one zlib context per direction and decode in order', async () => {
    const client = new HeaderCodec();
    const server = new HeaderCodec();
    const blocks = await Promise.all([1, 2, 3].map((i) => client.compress({ streamtype: 'data', requestid: `${i}` })));
    // The later blocks reuse the window, so they are much smaller than the first.
    expect(blocks[2].length).toBeLessThan(blocks[0].length);
    for (const [i, b] of blocks.entries()) {
      expect(await server.decompress(b)).toEqual({ streamtype: 'data', requestid: `${i + 1}` });
    }
  });

  it('a block compressed against another dictionary is rejected', async () => {
    const server = new HeaderCodec();
    const plain = zlib.deflateSync(encodeHeaderBlock({ a: 'b' }), { dictionary: Buffer.from('not spdy') });
    await expect(server.decompress(plain)).rejects.toThrow(/cannot decompress header block/);
  });
});

/** A minimal SPDY client over a Duplex, for driving the server side. */
class TestClient {
  frames: Frame[] = [];
  headers = new HeaderCodec();
  #buf = Buffer.alloc(0);
  #waiters: (() => void)[] = [];
  constructor(readonly wire: Duplex) {
    wire.on('data', (d: Buffer) => {
      this.#buf = Buffer.concat([this.#buf, d]);
      const { frames, rest } = parseFrames(this.#buf);
      this.#buf = Buffer.from(rest);
      this.frames.push(...frames);
      for (const w of this.#waiters.splice(0)) w();
    });
  }
  async open(id: number, headers: Record<string, string>, fin = false): Promise<void> {
    this.wire.write(encodeSynStream(id, await this.headers.compress(headers), { flags: fin ? FLAG_FIN : 0 }));
  }
  async waitFor<T extends Frame>(pred: (f: Frame) => f is T, ms = 3000): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const hit = this.frames.find(pred);
      if (hit) return hit;
      if (Date.now() > end) throw new Error(`no matching frame in ${JSON.stringify(this.frames.map((f) => f.type))}`);
      await new Promise<void>((r) => {
        this.#waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }
  dataOf(id: number): string {
    return Buffer.concat(
      this.frames
        .filter((f): f is Extract<Frame, { type: 'data' }> => f.type === 'data' && f.streamId === id)
        .map((f) => f.data),
    ).toString();
  }
  finned(id: number): boolean {
    return this.frames.some((f) => f.type === 'data' && f.streamId === id && (f.flags & FLAG_FIN) !== 0);
  }
}

/** Two connected in-memory Duplex ends (like a socket pair). */
function duplexPair(): [Duplex, Duplex] {
  const ends: Duplex[] = [];
  const mk = (peer: () => Duplex) =>
    new Duplex({
      allowHalfOpen: true,
      read() {},
      write(c: Buffer, _e, cb) {
        peer().push(c);
        cb();
      },
      final(cb) {
        peer().push(null);
        cb();
      },
    });
  ends.push(
    mk(() => ends[1]),
    mk(() => ends[0]),
  );
  return [ends[0], ends[1]];
}

describe('SPDY server connection', () => {
  it('accepts a stream with SYN_REPLY, echoes data and half-closes with FIN', async () => {
    const [clientSide, serverSide] = duplexPair();
    const conn = new SpdyConnection(serverSide);
    conn.on('stream', (s: SpdyStream) => {
      void s.reply();
      s.on('data', (d: Buffer) => s.write(Buffer.from(d.toString().toUpperCase())));
      s.on('end', () => s.end());
    });
    const c = new TestClient(clientSide);
    await c.open(1, { streamtype: 'data', port: '80' });
    await c.waitFor((f): f is Extract<Frame, { type: 'syn_reply' }> => f.type === 'syn_reply' && f.streamId === 1);
    clientSide.write(encodeData(1, Buffer.from('hello'), FLAG_FIN));
    await c.waitFor((f): f is Frame => f.type === 'data' && f.streamId === 1 && (f.flags & FLAG_FIN) !== 0);
    expect(c.dataOf(1)).toBe('HELLO');
    // Both sides finished: the stream is gone without a reset.
    await new Promise((r) => setTimeout(r, 20));
    expect(conn.openStreams).toBe(0);
    expect(c.frames.some((f) => f.type === 'rst_stream')).toBe(false);
    conn.close();
  });

  it('echoes PINGs and answers an even (server-side) stream id with RST_STREAM PROTOCOL_ERROR', async () => {
    const [clientSide, serverSide] = duplexPair();
    const conn = new SpdyConnection(serverSide);
    const c = new TestClient(clientSide);
    clientSide.write(encodePing(11));
    await c.waitFor((f): f is Extract<Frame, { type: 'ping' }> => f.type === 'ping' && f.id === 11);
    await c.open(2, { a: 'b' });
    const rst = await c.waitFor((f): f is Extract<Frame, { type: 'rst_stream' }> => f.type === 'rst_stream');
    expect(rst).toEqual({ type: 'rst_stream', streamId: 2, status: 1 });
    conn.close();
  });

  it('honours the peer window once it sends SETTINGS_INITIAL_WINDOW_SIZE, resuming on WINDOW_UPDATE', async () => {
    const [clientSide, serverSide] = duplexPair();
    const conn = new SpdyConnection(serverSide);
    conn.on('stream', (s: SpdyStream) => {
      void s.reply();
      s.write(Buffer.alloc(100, 'x'));
    });
    const c = new TestClient(clientSide);
    clientSide.write(encodeSettings([{ id: SETTINGS_INITIAL_WINDOW_SIZE, value: 40 }]));
    await c.open(1, { streamtype: 'data' });
    await c.waitFor((f): f is Frame => f.type === 'data' && f.streamId === 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(c.dataOf(1).length).toBe(40);
    clientSide.write(encodeWindowUpdate(1, 100));
    await new Promise((r) => setTimeout(r, 50));
    expect(c.dataOf(1).length).toBe(100);
    conn.close();
  });

  it('a peer RST_STREAM destroys the stream on our side', async () => {
    const [clientSide, serverSide] = duplexPair();
    const conn = new SpdyConnection(serverSide);
    let closed = false;
    conn.on('stream', (s: SpdyStream) => {
      void s.reply();
      s.on('error', () => undefined);
      s.on('close', () => (closed = true));
    });
    const c = new TestClient(clientSide);
    await c.open(1, { streamtype: 'data' });
    await c.waitFor((f): f is Frame => f.type === 'syn_reply');
    clientSide.write(encodeRstStream(1, 5));
    await new Promise((r) => setTimeout(r, 30));
    expect(closed).toBe(true);
    expect(conn.openStreams).toBe(0);
    conn.close();
  });
});

describe('port-forward over a SPDY upgrade (in-memory pod port)', () => {
  let server: http.Server | undefined;
  afterEach(() => server?.close());

  async function start(open: (port: number) => Promise<Duplex>): Promise<number> {
    const handle = portForwardHandler();
    server = http.createServer((_req, res) => res.end());
    server.on('upgrade', (req, socket: Duplex, head: Buffer) => {
      try {
        handle(req, socket, head, { namespace: 'default', name: 'web' }, new URLSearchParams(), open);
      } catch (err) {
        socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n${(err as Error).message}`);
      }
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    return (server.address() as net.AddressInfo).port;
  }

  async function upgrade(port: number, version = 'portforward.k8s.io'): Promise<{ sock: net.Socket; status: string }> {
    const sock = net.connect(port, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    sock.write(
      `POST /pf HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${version}\r\n\r\n`,
    );
    const head = await new Promise<string>((resolve) => {
      let buf = '';
      const onData = (d: Buffer) => {
        buf += d.toString('latin1');
        const end = buf.indexOf('\r\n\r\n');
        if (end >= 0) {
          sock.off('data', onData);
          const rest = Buffer.from(buf.slice(end + 4), 'latin1');
          if (rest.length) sock.unshift(rest);
          resolve(buf.slice(0, end));
        }
      };
      sock.on('data', onData);
    });
    return { sock, status: head.split('\r\n')[0] };
  }

  it('pairs the error and data streams by requestID and splices the data stream to the port', async () => {
    const opened: number[] = [];
    const port = await start(async (p) => {
      opened.push(p);
      const [podSide, ours] = duplexPair();
      podSide.on('data', (d: Buffer) => podSide.write(`echo:${d.toString()}`));
      podSide.on('end', () => podSide.end());
      return ours;
    });
    const { sock, status } = await upgrade(port);
    expect(status).toBe('HTTP/1.1 101 Switching Protocols');
    const c = new TestClient(sock);
    await c.open(1, { streamtype: 'error', port: '8080', requestid: '0' }, true);
    await c.open(3, { streamtype: 'data', port: '8080', requestid: '0' });
    await c.waitFor((f): f is Frame => f.type === 'syn_reply' && f.streamId === 3);
    sock.write(encodeData(3, Buffer.from('ping'), FLAG_FIN));
    await c.waitFor((f): f is Frame => f.type === 'data' && f.streamId === 1 && (f.flags & FLAG_FIN) !== 0);
    expect(opened).toEqual([8080]);
    expect(c.dataOf(3)).toBe('echo:ping');
    expect(c.finned(3)).toBe(true);
    expect(c.dataOf(1)).toBe(''); // no error
    sock.destroy();
  });

  it('a failure to reach the port is written on the error stream in the kubelet words', async () => {
    const port = await start(() => Promise.reject(new Error('dial tcp4 127.0.0.1:9: connect: connection refused')));
    const { sock } = await upgrade(port);
    const c = new TestClient(sock);
    await c.open(1, { streamtype: 'error', port: '9', requestid: '7' }, true);
    await c.open(3, { streamtype: 'data', port: '9', requestid: '7' });
    await c.waitFor((f): f is Frame => f.type === 'data' && f.streamId === 1 && (f.flags & FLAG_FIN) !== 0);
    expect(c.dataOf(1)).toBe(
      'error forwarding port 9 to pod default/web: dial tcp4 127.0.0.1:9: connect: connection refused',
    );
    expect(c.finned(3)).toBe(true);
    sock.destroy();
  });

  it('a stream without a valid port header is refused', async () => {
    const port = await start(() => Promise.reject(new Error('not reached')));
    const { sock } = await upgrade(port);
    const c = new TestClient(sock);
    await c.open(1, { streamtype: 'data', port: '0', requestid: '1' });
    const rst = await c.waitFor((f): f is Extract<Frame, { type: 'rst_stream' }> => f.type === 'rst_stream');
    expect(rst.status).toBe(3);
    sock.destroy();
  });

  it('an unknown X-Stream-Protocol-Version is refused before the upgrade', async () => {
    const port = await start(() => Promise.reject(new Error('not reached')));
    const { status } = await upgrade(port, 'v4.channel.k8s.io');
    expect(status).toMatch(/^HTTP\/1\.1 400/);
  });

  it('closing the client connection leaves no forwarding state behind', async () => {
    let podSide: Duplex | undefined;
    const port = await start(async () => {
      const [pod, ours] = duplexPair();
      podSide = pod;
      return ours;
    });
    const { sock } = await upgrade(port);
    const c = new TestClient(sock);
    await c.open(1, { streamtype: 'error', port: '80', requestid: '0' }, true);
    await c.open(3, { streamtype: 'data', port: '80', requestid: '0' });
    await c.waitFor((f): f is Frame => f.type === 'syn_reply' && f.streamId === 3);
    await new Promise((r) => setTimeout(r, 30));
    expect(portForwardStats().upstreams).toBeGreaterThan(0);
    sock.destroy();
    await new Promise((r) => setTimeout(r, 50));
    expect(portForwardStats()).toMatchObject({ connections: 0, upstreams: 0 });
    expect(podSide).toBeDefined();
  });
});
