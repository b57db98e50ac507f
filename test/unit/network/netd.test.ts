// kubedesk-netd's pure parts, loaded from the very file the netd container runs: DNS messages
// (RFC 1035) in and out, answers from the cluster zone, and the clusterIP proxy's backend choice.
import { createRequire } from 'node:module';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';

interface Question {
  name: string;
  type: number;
  class?: number;
}
interface Record {
  name: string;
  type: number;
  class?: number;
  ttl?: number;
  data: string | Buffer;
}
interface Message {
  id: number;
  flags: number;
  rcode?: number;
  questions: Question[];
  answers?: Record[];
}
interface NetdModule {
  decodeName(buf: Buffer, offset: number): { name: string; next: number };
  encodeName(name: string): Buffer;
  decodeMessage(buf: Buffer): Message & { rcode: number; answers: Record[] };
  encodeMessage(msg: Message): Buffer;
  fitUdp(msg: Message): Buffer;
  answerLocally(config: unknown, q: Question): { rcode: number; answers: Record[]; chase?: string | null } | null;
  ServiceProxy: new (
    entry: unknown,
    log: (l: string) => void,
  ) => {
    server: net.Server;
    update(entry: unknown): void;
    order(client: string): { ip: string; port: number }[];
    close(): void;
  };
  TYPE_A: number;
  TYPE_AAAA: number;
  TYPE_CNAME: number;
  RCODE_NXDOMAIN: number;
  FLAG_QR: number;
  FLAG_RD: number;
  FLAG_TC: number;
}

const netd = createRequire(import.meta.url)('../../../src-main/engine/network/kubedesk-netd.cjs') as NetdModule;

describe('DNS messages', () => {
  it('a query encodes and decodes back to the same id, flags and question', () => {
    const buf = netd.encodeMessage({
      id: 0x1234,
      flags: netd.FLAG_RD,
      questions: [{ name: 'web.default.svc.cluster.local', type: netd.TYPE_A }],
    });
    // Header (12) + name (1+3 +1+7 +1+3 +1+7 +1+5 +1) + type/class (4).
    expect(buf.length).toBe(12 + 31 + 4);
    expect(buf.subarray(12, 17)).toEqual(Buffer.from([3, 0x77, 0x65, 0x62, 7]));
    const back = netd.decodeMessage(buf);
    expect(back).toMatchObject({
      id: 0x1234,
      flags: netd.FLAG_RD,
      questions: [{ name: 'web.default.svc.cluster.local', type: 1, class: 1 }],
      answers: [],
    });
  });

  it('answers of type A and CNAME round-trip with their data decoded', () => {
    const buf = netd.encodeMessage({
      id: 7,
      flags: netd.FLAG_QR,
      questions: [{ name: 'alias.default.svc.cluster.local', type: netd.TYPE_A }],
      answers: [
        { name: 'alias.default.svc.cluster.local', type: netd.TYPE_CNAME, data: 'web.default.svc.cluster.local' },
        { name: 'web.default.svc.cluster.local', type: netd.TYPE_A, ttl: 5, data: '10.96.0.12' },
      ],
    });
    const back = netd.decodeMessage(buf);
    expect(back.answers).toEqual([
      {
        name: 'alias.default.svc.cluster.local',
        type: netd.TYPE_CNAME,
        class: 1,
        ttl: 5,
        data: 'web.default.svc.cluster.local',
      },
      { name: 'web.default.svc.cluster.local', type: netd.TYPE_A, class: 1, ttl: 5, data: '10.96.0.12' },
    ]);
  });

  it('names are read through compression pointers and lower-cased', () => {
    // "Example.COM" at 12, then a name "www" + pointer to offset 12.
    const head = Buffer.alloc(12);
    const first = Buffer.from([7, ...Buffer.from('Example'), 3, ...Buffer.from('COM'), 0]);
    const second = Buffer.from([3, ...Buffer.from('www'), 0xc0, 12]);
    const buf = Buffer.concat([head, first, second]);
    expect(netd.decodeName(buf, 12)).toEqual({ name: 'example.com', next: 12 + first.length });
    expect(netd.decodeName(buf, 12 + first.length)).toEqual({ name: 'www.example.com', next: buf.length });
  });

  it('a compression loop, a truncated message and a label over 63 bytes are errors, not hangs', () => {
    const loop = Buffer.concat([Buffer.alloc(12), Buffer.from([0xc0, 12])]);
    expect(() => netd.decodeName(loop, 12)).toThrow(/compression loop/);
    expect(() => netd.decodeMessage(Buffer.alloc(5))).toThrow(/shorter than its 12-byte header/);
    const truncated = Buffer.concat([Buffer.from([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]), Buffer.from([5, 0x61])]);
    expect(() => netd.decodeMessage(truncated)).toThrow(/past the end/);
    expect(() => netd.encodeName(`${'a'.repeat(64)}.com`)).toThrow(/longer than 63/);
  });
});

describe('UDP size limit', () => {
  it('a response over 512 bytes keeps the answers that fit and sets TC, so the resolver retries over TCP', () => {
    const name = 'big.default.svc.cluster.local';
    const answers = Array.from({ length: 40 }, (_, i) => ({ name, type: netd.TYPE_A, data: `10.250.8.${i}` }));
    const msg = { id: 9, flags: netd.FLAG_QR, questions: [{ name, type: netd.TYPE_A }], answers };
    expect(netd.encodeMessage(msg).length).toBeGreaterThan(512);
    const udp = netd.fitUdp(msg);
    expect(udp.length).toBeLessThanOrEqual(512);
    const back = netd.decodeMessage(udp);
    expect(back.flags & netd.FLAG_TC).toBe(netd.FLAG_TC);
    expect(back.answers.length).toBeGreaterThan(5);
    expect(back.answers.length).toBeLessThan(40);
    const small = { ...msg, answers: answers.slice(0, 3) };
    expect(netd.decodeMessage(netd.fitUdp(small)).flags & netd.FLAG_TC).toBe(0);
  });
});

describe('answers from the cluster zone', () => {
  const config = {
    clusterDomain: 'cluster.local',
    records: {
      a: {
        'web.default.svc.cluster.local': ['10.96.0.12'],
        'db.default.svc.cluster.local': ['10.250.8.3', '10.250.8.4'],
        'empty.default.svc.cluster.local': [],
      },
      cname: {
        'alias.default.svc.cluster.local': 'web.default.svc.cluster.local',
        'ext.default.svc.cluster.local': 'example.org',
      },
    },
  };

  it('a Service name answers its A records', () => {
    expect(netd.answerLocally(config, { name: 'db.default.svc.cluster.local', type: netd.TYPE_A })).toEqual({
      rcode: 0,
      chase: null,
      answers: [
        { name: 'db.default.svc.cluster.local', type: 1, data: '10.250.8.3' },
        { name: 'db.default.svc.cluster.local', type: 1, data: '10.250.8.4' },
      ],
    });
  });

  it('AAAA for a known name and A for an empty headless Service are empty NOERROR, not NXDOMAIN', () => {
    expect(netd.answerLocally(config, { name: 'web.default.svc.cluster.local', type: netd.TYPE_AAAA })).toMatchObject({
      rcode: 0,
      answers: [],
    });
    expect(netd.answerLocally(config, { name: 'empty.default.svc.cluster.local', type: netd.TYPE_A })).toMatchObject({
      rcode: 0,
      answers: [],
    });
  });

  it('an ExternalName answers a CNAME, followed inside the zone and chased outside it', () => {
    const inside = netd.answerLocally(config, { name: 'alias.default.svc.cluster.local', type: netd.TYPE_A });
    expect(inside!.answers.map((a) => a.data)).toEqual(['web.default.svc.cluster.local', '10.96.0.12']);
    expect(inside!.chase).toBeNull();
    const outside = netd.answerLocally(config, { name: 'ext.default.svc.cluster.local', type: netd.TYPE_A });
    expect(outside!.answers).toEqual([{ name: 'ext.default.svc.cluster.local', type: 5, data: 'example.org' }]);
    expect(outside!.chase).toBe('example.org');
  });

  it('an unknown name in the cluster domain is NXDOMAIN; other names are left to the upstream resolver', () => {
    expect(netd.answerLocally(config, { name: 'nope.default.svc.cluster.local', type: netd.TYPE_A })).toEqual({
      rcode: netd.RCODE_NXDOMAIN,
      answers: [],
    });
    expect(netd.answerLocally(config, { name: 'example.org', type: netd.TYPE_A })).toBeNull();
  });
});

describe('the clusterIP proxy', () => {
  const proxies: { close(): void }[] = [];
  const servers: net.Server[] = [];
  afterEach(() => {
    for (const p of proxies.splice(0)) p.close();
    for (const s of servers.splice(0)) s.close();
  });

  async function backend(name: string): Promise<number> {
    const server = net.createServer((sock) => sock.end(`${name}\n`));
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return (server.address() as net.AddressInfo).port;
  }

  async function freePort(): Promise<number> {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as net.AddressInfo;
    await new Promise((r) => server.close(r));
    return port;
  }

  async function request(port: number): Promise<string> {
    return new Promise((resolve, reject) => {
      let out = '';
      const sock = net.connect({ host: '127.0.0.1', port });
      sock.on('data', (d) => (out += d.toString()));
      sock.on('close', () => resolve(out.trim()));
      sock.on('error', reject);
    });
  }

  async function proxy(entry: object) {
    const p = new netd.ServiceProxy({ ip: '127.0.0.1', protocol: 'TCP', ...entry }, () => undefined);
    proxies.push(p);
    await new Promise((r) => p.server.once('listening', r));
    return p;
  }

  it('round robin spreads connections over every backend', async () => {
    const backends = [
      { ip: '127.0.0.1', port: await backend('a') },
      { ip: '127.0.0.1', port: await backend('b') },
    ];
    const port = await freePort();
    await proxy({ port, backends, affinityTimeoutSeconds: 0 });
    const got = [];
    for (let i = 0; i < 4; i++) got.push(await request(port));
    expect(got.sort()).toEqual(['a', 'a', 'b', 'b']);
  });

  it('ClientIP affinity keeps a client on the backend it first got', async () => {
    const backends = [
      { ip: '127.0.0.1', port: await backend('a') },
      { ip: '127.0.0.1', port: await backend('b') },
      { ip: '127.0.0.1', port: await backend('c') },
    ];
    const port = await freePort();
    await proxy({ port, backends, affinityTimeoutSeconds: 60 });
    const got = new Set<string>();
    for (let i = 0; i < 6; i++) got.add(await request(port));
    expect(got.size).toBe(1);
  });

  it('a backend that refuses is skipped for the next one before any byte is sent', async () => {
    const dead = await freePort();
    const port = await freePort();
    await proxy({
      port,
      backends: [
        { ip: '127.0.0.1', port: dead },
        { ip: '127.0.0.1', port: await backend('alive') },
      ],
      affinityTimeoutSeconds: 0,
    });
    for (let i = 0; i < 4; i++) expect(await request(port)).toBe('alive');
  });

  it('backends follow an update without re-binding, and no backends means the connection is closed', async () => {
    const port = await freePort();
    const p = await proxy({ port, backends: [], affinityTimeoutSeconds: 0 });
    expect(await request(port)).toBe('');
    p.update({ backends: [{ ip: '127.0.0.1', port: await backend('new') }], affinityTimeoutSeconds: 0 });
    expect(await request(port)).toBe('new');
  });
});
