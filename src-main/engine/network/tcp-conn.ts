// TCP connections for the Service proxy's data path, behind one small interface (`Conn`) with two
// implementations:
//
// - `HandleConn` drives libuv's TCP handles directly — the layer `node:net` itself is built on —
//   through `process.binding('tcp_wrap'/'stream_wrap')`. A proxied connection then costs two
//   handles and a few callbacks instead of two `net.Socket` duplex streams with their readable and
//   writable state machines: measured on loopback, about 128 µs of CPU per proxied connection
//   against 186 µs for two piped sockets (a C epoll proxy: 110 µs). That difference is most of
//   what separates the NodePort proxy from hitting a pod's published port directly (issue 8's
//   throughput figure), because every connection through it is a new pair of connections.
// - `SocketConn` wraps a `net.Socket`: the fallback wherever those bindings are missing or not
//   shaped as expected (they are internal to Node and could change with an Electron upgrade), and
//   for hosts that are names rather than addresses. Tests run the data path on both.
//
// Semantics are those of a `net.Socket` with `allowHalfOpen: true`: `onend` is the peer's FIN and
// nothing is shut down in return until `end()` is called; a connection closes (`onclose`) once
// both directions have ended, or at once on `destroy()` or an error (`hadError` true). Writes
// before a dialled connection is up are queued; `write()` returns false above a high-water mark
// and `ondrain` follows when the queue empties, as streams do.
import net from 'node:net';
import util from 'node:util';

export interface Conn {
  /** Queue bytes; false when the caller should pause its source until `ondrain`. */
  write(chunk: Buffer): boolean;
  /** Half-close: shut down the sending side once queued bytes are written. */
  end(): void;
  destroy(): void;
  pause(): void;
  resume(): void;
  readonly destroyed: boolean;
  /** Dialled and not yet connected. */
  readonly connecting: boolean;
  /** The peer's address (a system call; read only when needed). */
  remoteAddress(): string | undefined;
  ondata?: (chunk: Buffer) => void;
  onend?: () => void;
  onclose?: (hadError: boolean) => void;
  ondrain?: () => void;
  onconnect?: () => void;
}

const HIGH_WATER_MARK = 64 * 1024;

// ---- libuv handles --------------------------------------------------------------------------

interface UvReq {
  oncomplete: (status: number) => void;
  handle?: unknown;
  async?: boolean;
  bytes?: number;
  buffer?: Buffer;
  address?: string;
  port?: number;
}
interface UvTcp {
  onread: (buf: ArrayBuffer | undefined) => void;
  onconnection: (err: number, handle: UvTcp) => void;
  readStart(): number;
  readStop(): number;
  writeBuffer(req: UvReq, buf: Buffer): number;
  shutdown(req: UvReq): number;
  close(cb: () => void): void;
  setNoDelay(on: boolean): number;
  getpeername(out: { address?: string }): number;
  connect(req: UvReq, host: string, port: number): number;
  connect6(req: UvReq, host: string, port: number): number;
  bind(host: string, port: number): number;
  bind6(host: string, port: number, flags: number): number;
  listen(backlog: number): number;
  getsockname(out: { port?: number }): number;
}
interface Bindings {
  TCP: new (type: number) => UvTcp;
  TCPConnectWrap: new () => UvReq;
  WriteWrap: new () => UvReq;
  ShutdownWrap: new () => UvReq;
  SOCKET: number;
  SERVER: number;
  state: Int32Array;
  kReadBytesOrError: number;
  kArrayBufferOffset: number;
  kLastWriteWasAsync: number;
}

/** The bindings, when present and shaped as this module expects; undefined otherwise. */
function loadBindings(): Bindings | undefined {
  try {
    const binding = (process as unknown as { binding?: (name: string) => Record<string, unknown> }).binding;
    if (typeof binding !== 'function') return undefined;
    const tcp = binding('tcp_wrap') as {
      TCP?: Bindings['TCP'];
      TCPConnectWrap?: Bindings['TCPConnectWrap'];
      constants?: { SOCKET?: number; SERVER?: number };
    };
    const stream = binding('stream_wrap') as Partial<Bindings> & { streamBaseState?: Int32Array };
    const { TCP, TCPConnectWrap, constants } = tcp;
    const { WriteWrap, ShutdownWrap, streamBaseState } = stream;
    if (!TCP || !TCPConnectWrap || !WriteWrap || !ShutdownWrap || !(streamBaseState instanceof Int32Array)) return;
    if (typeof constants?.SOCKET !== 'number' || typeof constants.SERVER !== 'number') return undefined;
    const indices = [stream.kReadBytesOrError, stream.kArrayBufferOffset, stream.kLastWriteWasAsync];
    if (!indices.every((i) => typeof i === 'number')) return undefined;
    const methods = ['readStart', 'readStop', 'writeBuffer', 'shutdown', 'close', 'setNoDelay', 'getpeername'];
    const probe = new TCP(constants.SOCKET) as unknown as Record<string, unknown>;
    const ok = [...methods, 'connect', 'connect6', 'bind', 'bind6', 'listen', 'getsockname'].every(
      (m) => typeof probe[m] === 'function',
    );
    (probe as unknown as UvTcp).close(() => {});
    if (!ok) return undefined;
    return {
      TCP,
      TCPConnectWrap,
      WriteWrap,
      ShutdownWrap,
      SOCKET: constants.SOCKET,
      SERVER: constants.SERVER,
      state: streamBaseState,
      kReadBytesOrError: stream.kReadBytesOrError!,
      kArrayBufferOffset: stream.kArrayBufferOffset!,
      kLastWriteWasAsync: stream.kLastWriteWasAsync!,
    };
  } catch {
    return undefined;
  }
}

const uv = loadBindings();
const UV_EOF = -4095;
let useHandles = uv !== undefined;

/** Which implementation new connections use. */
export function tcpImplementation(): 'handles' | 'sockets' {
  return useHandles ? 'handles' : 'sockets';
}

/** For tests: run the data path on `net.Socket`s (false) or on handles where available (true). */
export function preferHandles(on: boolean): void {
  useHandles = on && uv !== undefined;
}

function errnoError(op: string, err: number, host?: string, port?: number): NodeJS.ErrnoException {
  const code = util.getSystemErrorName(err);
  const where = host === undefined ? '' : ` ${host}:${port}`;
  const e = new Error(`${op} ${code}${where}`) as NodeJS.ErrnoException;
  e.code = code;
  e.errno = err;
  e.syscall = op;
  return e;
}

function onWriteComplete(this: UvReq & { conn: HandleConn }, status: number): void {
  this.conn.afterWrite(this, status);
}

class HandleConn implements Conn {
  ondata?: (chunk: Buffer) => void;
  onend?: () => void;
  onclose?: (hadError: boolean) => void;
  ondrain?: () => void;
  onconnect?: () => void;
  destroyed = false;
  connecting: boolean;
  #h: UvTcp;
  #b: Bindings;
  #paused = false;
  #readEnded = false;
  #shutdown: 'no' | 'wanted' | 'sent' | 'done' = 'no';
  #queued: Buffer[] | undefined;
  #pending = 0;
  #needDrain = false;
  /** Told when the connection closes (the listener that accepted it keeps a set). */
  untrack?: () => void;

  constructor(b: Bindings, h: UvTcp, connecting: boolean) {
    this.#b = b;
    this.#h = h;
    this.connecting = connecting;
    h.onread = (buf) => this.#onread(buf);
    if (!connecting) {
      h.setNoDelay(true);
      h.readStart();
    } else this.#queued = [];
  }

  afterConnect(status: number): void {
    if (this.destroyed) return;
    if (status < 0) return this.#fail();
    this.connecting = false;
    this.#h.setNoDelay(true);
    if (!this.#paused) this.#h.readStart();
    const queued = this.#queued ?? [];
    this.#queued = undefined;
    // Handed to the handle now: pending again only for what it cannot write at once.
    this.#pending = 0;
    for (const chunk of queued) this.write(chunk);
    if (this.#shutdown === 'wanted') this.#sendShutdown();
    this.onconnect?.();
    this.#drained();
  }

  #onread(buf: ArrayBuffer | undefined): void {
    const b = this.#b;
    const n = b.state[b.kReadBytesOrError];
    if (n > 0) {
      // A fresh buffer per read (libuv allocates it): handed on without a copy.
      this.ondata?.(Buffer.from(buf!, b.state[b.kArrayBufferOffset], n));
    } else if (n === UV_EOF) {
      this.#h.readStop();
      this.#readEnded = true;
      this.onend?.();
      this.#maybeClose();
    } else if (n < 0) this.#fail();
  }

  write(chunk: Buffer): boolean {
    if (this.destroyed || this.#shutdown === 'sent' || this.#shutdown === 'done') return false;
    if (this.#queued) {
      this.#queued.push(chunk);
      this.#pending += chunk.length;
      return this.#pending < HIGH_WATER_MARK || !(this.#needDrain = true);
    }
    const b = this.#b;
    const req = new b.WriteWrap() as UvReq & { conn: HandleConn };
    req.handle = this.#h;
    req.oncomplete = onWriteComplete;
    req.async = false;
    req.conn = this;
    const err = this.#h.writeBuffer(req, chunk);
    if (err) {
      this.#fail();
      return false;
    }
    if (b.state[b.kLastWriteWasAsync]) {
      // Not fully written yet: libuv holds the rest; the request keeps the bytes alive.
      req.buffer = chunk;
      req.bytes = chunk.length;
      this.#pending += chunk.length;
    }
    if (this.#pending >= HIGH_WATER_MARK) {
      this.#needDrain = true;
      return false;
    }
    return true;
  }

  afterWrite(req: UvReq, status: number): void {
    this.#pending -= req.bytes ?? 0;
    req.buffer = undefined;
    if (this.destroyed) return;
    if (status < 0) return this.#fail();
    this.#drained();
  }

  #drained(): void {
    if (this.#pending === 0 && this.#needDrain && !this.destroyed) {
      this.#needDrain = false;
      this.ondrain?.();
    }
  }

  end(): void {
    if (this.destroyed || this.#shutdown !== 'no') return;
    if (this.connecting) this.#shutdown = 'wanted';
    else this.#sendShutdown();
  }

  #sendShutdown(): void {
    const req = new this.#b.ShutdownWrap();
    req.handle = this.#h;
    req.oncomplete = () => {
      this.#shutdown = 'done';
      this.#maybeClose();
    };
    this.#shutdown = 'sent';
    if (this.#h.shutdown(req)) this.#fail();
  }

  #maybeClose(): void {
    if (this.#readEnded && this.#shutdown === 'done') this.#close(false);
  }

  #fail(): void {
    this.#close(true);
  }

  destroy(): void {
    this.#close(false);
  }

  #close(hadError: boolean): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.connecting = false;
    this.#queued = undefined;
    this.#h.close(() => {
      this.untrack?.();
      this.onclose?.(hadError);
    });
  }

  pause(): void {
    if (this.#paused) return;
    this.#paused = true;
    if (!this.connecting && !this.destroyed && !this.#readEnded) this.#h.readStop();
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    if (!this.connecting && !this.destroyed && !this.#readEnded) this.#h.readStart();
  }

  remoteAddress(): string | undefined {
    const out: { address?: string } = {};
    return this.destroyed || this.#h.getpeername(out) ? undefined : out.address;
  }

  static dial(b: Bindings, host: string, port: number): HandleConn {
    const h = new b.TCP(b.SOCKET);
    const conn = new HandleConn(b, h, true);
    const req = new b.TCPConnectWrap();
    req.oncomplete = (status: number) => conn.afterConnect(status);
    req.address = host;
    req.port = port;
    const err = net.isIPv6(host) ? h.connect6(req, host, port) : h.connect(req, host, port);
    // Reported asynchronously, as a socket would, once the caller has set its handlers.
    if (err) process.nextTick(() => conn.afterConnect(err));
    return conn;
  }
}

// ---- net.Socket -----------------------------------------------------------------------------

export class SocketConn implements Conn {
  ondata?: (chunk: Buffer) => void;
  onend?: () => void;
  onclose?: (hadError: boolean) => void;
  ondrain?: () => void;
  onconnect?: () => void;
  readonly socket: net.Socket;

  constructor(socket: net.Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => this.ondata?.(d));
    socket.on('end', () => this.onend?.());
    socket.on('close', (hadError: boolean) => this.onclose?.(hadError));
    socket.on('drain', () => this.ondrain?.());
    // An error is followed by 'close' (hadError true), which is what callers act on.
    socket.on('error', () => {});
    if (socket.connecting) socket.once('connect', () => this.onconnect?.());
  }
  write(chunk: Buffer): boolean {
    return this.socket.write(chunk);
  }
  end(): void {
    this.socket.end();
  }
  destroy(): void {
    this.socket.destroy();
  }
  pause(): void {
    this.socket.pause();
  }
  resume(): void {
    this.socket.resume();
  }
  get destroyed(): boolean {
    return this.socket.destroyed;
  }
  get connecting(): boolean {
    return this.socket.connecting;
  }
  remoteAddress(): string | undefined {
    return this.socket.remoteAddress;
  }
}

// ---- dialling and listening -----------------------------------------------------------------

/** Start a TCP connection to `host:port` (an IP address, or a name for the socket fallback). */
export function dial(host: string, port: number): Conn {
  if (useHandles && uv && net.isIP(host)) return HandleConn.dial(uv, host, port);
  return new SocketConn(net.connect({ host, port, allowHalfOpen: true }));
}

export interface TcpListener {
  readonly port: number;
  /**
   * Stop accepting (the port is released at once). Connections already accepted carry on unless
   * `destroyConnections`; with `net.Socket`s the promise waits for them to end.
   */
  close(destroyConnections?: boolean): Promise<void>;
}

/** Listen on `host:port`; rejects with the bind error (its `code`, e.g. EADDRINUSE). */
export function listen(host: string, port: number, onConnection: (c: Conn) => void): Promise<TcpListener> {
  return useHandles && uv ? listenHandles(uv, host, port, onConnection) : listenSockets(host, port, onConnection);
}

async function listenHandles(
  b: Bindings,
  host: string,
  port: number,
  onConnection: (c: Conn) => void,
): Promise<TcpListener> {
  const server = new b.TCP(b.SERVER);
  const live = new Set<HandleConn>();
  let err = net.isIPv6(host) ? server.bind6(host, port, 0) : server.bind(host, port);
  if (!err) err = server.listen(511);
  if (err) {
    await new Promise<void>((r) => server.close(r));
    throw errnoError('listen', err, host, port);
  }
  const bound: { port?: number } = {};
  server.getsockname(bound);
  server.onconnection = (status, handle) => {
    if (status) return;
    const conn = new HandleConn(b, handle, false);
    live.add(conn);
    conn.untrack = () => live.delete(conn);
    onConnection(conn);
  };
  let closed: Promise<void> | undefined;
  return {
    port: bound.port ?? port,
    close(destroyConnections = false) {
      if (destroyConnections) for (const c of live) c.destroy();
      closed ??= new Promise<void>((r) => server.close(r));
      return closed;
    },
  };
}

async function listenSockets(host: string, port: number, onConnection: (c: Conn) => void): Promise<TcpListener> {
  const live = new Set<net.Socket>();
  // Half-open allowed: a client that sends its request and then shuts down its side (`nc -N`,
  // some `curl --data @file` exchanges) still receives the answer.
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    live.add(socket);
    socket.once('close', () => live.delete(socket));
    onConnection(new SocketConn(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => resolve());
  });
  server.on('error', () => {});
  let closed: Promise<void> | undefined;
  return {
    port: (server.address() as net.AddressInfo).port,
    close(destroyConnections = false) {
      if (destroyConnections) for (const s of live) s.destroy();
      closed ??= new Promise<void>((r) => server.close(() => r()));
      return closed;
    },
  };
}
