'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS, run by plain node inside the netd container */
// kubedesk-netd: the in-cluster half of KubeDesk's Service networking. It runs in one system
// container per cluster, on the cluster's Docker network, and does what kube-proxy and CoreDNS do
// in Kubernetes:
//   - every Service clusterIP is local here (one `ip route add local <service CIDR> dev lo`; the
//     CIDR lies in the cluster network's subnet, so this also answers ARP for every clusterIP and
//     pods reach them on-link, with no route of their own), and a
//     TCP proxy listens on each clusterIP:port, forwarding to the Service's READY endpoints (round
//     robin, or sticky per client IP with sessionAffinity: ClientIP);
//   - a small DNS server answers the cluster domain (Services, headless Services, StatefulSet pod
//     names, ExternalName as CNAME) and forwards every other name to Docker's embedded DNS.
// Its whole configuration is one JSON file the KubeDesk main process writes atomically (temp file,
// then rename) into a bind-mounted directory; the file is re-read on every change (inotify, with a
// slow poll as a safety net for file sharing that drops events).
//
// This file is self-contained (Node built-ins only) so the container needs nothing but `node`:
// it is shipped as-is and bind-mounted into the network image. When required as a module (unit
// tests) it only exports its pure parts.

const dgram = require('node:dgram');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { execFile } = require('node:child_process');

const TYPE_A = 1;
const TYPE_CNAME = 5;
const TYPE_AAAA = 28;
const TYPE_ANY = 255;
const CLASS_IN = 1;
const RCODE_SERVFAIL = 2;
const RCODE_NXDOMAIN = 3;
const FLAG_QR = 0x8000;
const FLAG_AA = 0x0400;
const FLAG_RD = 0x0100;
const FLAG_RA = 0x0080;
/** Short TTLs: endpoints change as pods come and go (CoreDNS's kubernetes plugin defaults to 5 s). */
const TTL_SECONDS = 5;
const FORWARD_TIMEOUT_MS = 2000;
/** In-cluster connects take well under a millisecond; an address that does not answer is skipped after this. */
const CONNECT_TIMEOUT_MS = 1000;
/** Sticky entries are swept once the table grows past this (expired ones only). */
const STICKY_SWEEP_AT = 10000;

// ---------------------------------------------------------------------------------------------
// DNS messages (RFC 1035 §4)

/** Reads a possibly compressed domain name at `offset`; returns it lower-cased, without the final dot. */
function decodeName(buf, offset) {
  const labels = [];
  let pos = offset;
  let end = -1;
  for (let jumps = 0; ;) {
    if (pos >= buf.length) throw new Error('DNS name runs past the end of the message');
    const len = buf[pos];
    if (len === 0) {
      pos += 1;
      break;
    }
    if ((len & 0xc0) === 0xc0) {
      if (pos + 1 >= buf.length) throw new Error('DNS compression pointer runs past the end of the message');
      if (++jumps > 32) throw new Error('DNS name has a compression loop');
      if (end < 0) end = pos + 2;
      pos = ((len & 0x3f) << 8) | buf[pos + 1];
      continue;
    }
    if ((len & 0xc0) !== 0) throw new Error(`DNS label length byte 0x${len.toString(16)} is not supported`);
    if (pos + 1 + len > buf.length) throw new Error('DNS label runs past the end of the message');
    labels.push(buf.toString('latin1', pos + 1, pos + 1 + len));
    pos += 1 + len;
  }
  return { name: labels.join('.').toLowerCase(), next: end >= 0 ? end : pos };
}

function encodeName(name) {
  const parts = name.replace(/\.$/, '').split('.').filter(Boolean);
  const chunks = [];
  for (const part of parts) {
    const label = Buffer.from(part, 'latin1');
    if (label.length > 63) throw new Error(`DNS label "${part}" is longer than 63 bytes`);
    chunks.push(Buffer.from([label.length]), label);
  }
  chunks.push(Buffer.from([0]));
  return Buffer.concat(chunks);
}

/** Parses a DNS message: header, questions, and answer records (rdata of A and CNAME decoded). */
function decodeMessage(buf) {
  if (buf.length < 12) throw new Error(`DNS message of ${buf.length} bytes is shorter than its 12-byte header`);
  const id = buf.readUInt16BE(0);
  const flags = buf.readUInt16BE(2);
  const qd = buf.readUInt16BE(4);
  const an = buf.readUInt16BE(6);
  let pos = 12;
  const questions = [];
  for (let i = 0; i < qd; i++) {
    const { name, next } = decodeName(buf, pos);
    if (next + 4 > buf.length) throw new Error('DNS question runs past the end of the message');
    questions.push({ name, type: buf.readUInt16BE(next), class: buf.readUInt16BE(next + 2) });
    pos = next + 4;
  }
  const answers = [];
  for (let i = 0; i < an; i++) {
    const { name, next } = decodeName(buf, pos);
    if (next + 10 > buf.length) throw new Error('DNS record runs past the end of the message');
    const type = buf.readUInt16BE(next);
    const cls = buf.readUInt16BE(next + 2);
    const ttl = buf.readUInt32BE(next + 4);
    const rdlength = buf.readUInt16BE(next + 8);
    const start = next + 10;
    if (start + rdlength > buf.length) throw new Error('DNS record data runs past the end of the message');
    let data = buf.subarray(start, start + rdlength);
    if (type === TYPE_A && rdlength === 4) data = [...data].join('.');
    else if (type === TYPE_CNAME) data = decodeName(buf, start).name;
    answers.push({ name, type, class: cls, ttl, data });
    pos = start + rdlength;
  }
  return { id, flags, rcode: flags & 0xf, questions, answers };
}

function encodeRecord(rr) {
  let rdata;
  if (rr.type === TYPE_A) rdata = Buffer.from(String(rr.data).split('.').map(Number));
  else if (rr.type === TYPE_CNAME) rdata = encodeName(String(rr.data));
  else rdata = Buffer.from(rr.data);
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(rr.type, 0);
  fixed.writeUInt16BE(rr.class ?? CLASS_IN, 2);
  fixed.writeUInt32BE(rr.ttl ?? TTL_SECONDS, 4);
  fixed.writeUInt16BE(rdata.length, 8);
  return Buffer.concat([encodeName(rr.name), fixed, rdata]);
}

/** Builds a DNS message (no name compression: answers stay far below 512 bytes for our zones). */
function encodeMessage(msg) {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(msg.id, 0);
  header.writeUInt16BE(msg.flags, 2);
  header.writeUInt16BE(msg.questions.length, 4);
  header.writeUInt16BE((msg.answers ?? []).length, 6);
  const questions = msg.questions.map((q) => {
    const tail = Buffer.alloc(4);
    tail.writeUInt16BE(q.type, 0);
    tail.writeUInt16BE(q.class ?? CLASS_IN, 2);
    return Buffer.concat([encodeName(q.name), tail]);
  });
  return Buffer.concat([header, ...questions, ...(msg.answers ?? []).map(encodeRecord)]);
}

const FLAG_TC = 0x0200;
const UDP_LIMIT = 512;

/** Encodes a response for UDP: answers that do not fit in 512 bytes are dropped and TC is set. */
function fitUdp(msg) {
  let out = encodeMessage(msg);
  if (out.length <= UDP_LIMIT) return out;
  const answers = [...(msg.answers ?? [])];
  while (answers.length > 0 && out.length > UDP_LIMIT) {
    answers.pop();
    out = encodeMessage({ ...msg, flags: msg.flags | FLAG_TC, answers });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Answering from the cluster zone

/**
 * Looks a question up in the config's records. Returns the answer records and rcode, or null when
 * the name is outside every zone we own (the caller forwards it). An unknown name inside the
 * cluster domain is NXDOMAIN; a known name asked for another type (AAAA) is an empty NOERROR, so
 * resolvers that ask A and AAAA together do not give up on the name.
 */
function answerLocally(config, question) {
  const name = question.name;
  const records = config.records ?? { a: {}, cname: {} };
  const answers = [];
  let current = name;
  for (let hops = 0; hops < 8; hops++) {
    const target = records.cname?.[current];
    if (target === undefined) break;
    answers.push({ name: current, type: TYPE_CNAME, data: target });
    current = target;
  }
  const addresses = records.a?.[current];
  if (addresses && (question.type === TYPE_A || question.type === TYPE_ANY)) {
    for (const ip of addresses) answers.push({ name: current, type: TYPE_A, data: ip });
  }
  const known = answers.length > 0 || addresses !== undefined;
  if (known) return { rcode: 0, answers, chase: addresses === undefined && answers.length > 0 ? current : null };
  if (inZone(name, config.clusterDomain ?? 'cluster.local')) return { rcode: RCODE_NXDOMAIN, answers: [] };
  return null;
}

function inZone(name, zone) {
  return name === zone || name.endsWith('.' + zone);
}

// ---------------------------------------------------------------------------------------------
// The TCP proxy for one clusterIP:port

class ServiceProxy {
  constructor(entry, log) {
    this.key = `${entry.ip}:${entry.port}`;
    this.log = log;
    this.next = 0;
    /** client IP → { backend: "ip:port", until: ms } for sessionAffinity: ClientIP. */
    this.sticky = new Map();
    this.update(entry);
    this.server = net.createServer((socket) => this.accept(socket));
    this.server.on('error', (err) => log(`proxy ${this.key}: ${err.message}`));
    this.server.listen({ host: entry.ip, port: entry.port });
  }

  update(entry) {
    this.backends = entry.backends ?? [];
    this.affinitySeconds = entry.affinityTimeoutSeconds ?? 0;
  }

  /** Backends in the order to try: the client's sticky one first, then round robin. */
  order(clientIP) {
    const list = this.backends;
    if (list.length === 0) return [];
    const start = this.next++ % list.length;
    const ordered = list.slice(start).concat(list.slice(0, start));
    if (this.affinitySeconds > 0) {
      const held = this.sticky.get(clientIP);
      if (held && held.until > Date.now()) {
        const i = ordered.findIndex((b) => `${b.ip}:${b.port}` === held.backend);
        if (i > 0) ordered.unshift(...ordered.splice(i, 1));
      }
    }
    return ordered;
  }

  accept(client) {
    client.setNoDelay(true);
    client.pause();
    client.on('error', () => undefined);
    const clientIP = client.remoteAddress ?? '';
    const candidates = this.order(clientIP);
    const tryNext = () => {
      const backend = candidates.shift();
      if (!backend) {
        client.destroy();
        return;
      }
      // A backend that refuses is skipped before any byte of the client's is sent, so a dying pod
      // costs a retry, not a failed request.
      const upstream = net.connect({ host: backend.ip, port: backend.port });
      const timer = setTimeout(() => upstream.destroy(new Error('connect timeout')), CONNECT_TIMEOUT_MS);
      upstream.once('error', () => {
        clearTimeout(timer);
        tryNext();
      });
      upstream.once('connect', () => {
        clearTimeout(timer);
        upstream.setNoDelay(true);
        if (this.affinitySeconds > 0) {
          if (this.sticky.size >= STICKY_SWEEP_AT) {
            const now = Date.now();
            for (const [ip, held] of this.sticky) if (held.until <= now) this.sticky.delete(ip);
          }
          this.sticky.set(clientIP, {
            backend: `${backend.ip}:${backend.port}`,
            until: Date.now() + this.affinitySeconds * 1000,
          });
        }
        upstream.removeAllListeners('error');
        upstream.on('error', () => client.destroy());
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
    };
    tryNext();
  }

  close() {
    this.server.close();
  }
}

// ---------------------------------------------------------------------------------------------
// The daemon

function main() {
  const configFile = process.env.KUBEDESK_NETD_CONFIG ?? '/kubedesk/config/network.json';
  const upstream = process.env.KUBEDESK_NETD_UPSTREAM ?? '127.0.0.11';
  const log = (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);
  let config = { records: { a: {}, cname: {} }, services: [] };
  const proxies = new Map();
  let lastStamp = '';
  let routed = false;

  const applyRoute = (cidr) => {
    if (routed || !cidr) return;
    routed = true;
    // Makes every address of the Service CIDR local, so a listener can bind any clusterIP.
    execFile('ip', ['route', 'replace', 'local', cidr, 'dev', 'lo'], (err) => {
      if (err) log(`cannot route ${cidr} locally (needs NET_ADMIN): ${err.message}`);
      reconcile();
    });
  };

  const reconcile = () => {
    if (!routed) return;
    const wanted = new Map();
    for (const entry of config.services ?? []) {
      if ((entry.protocol ?? 'TCP') === 'TCP') wanted.set(`${entry.ip}:${entry.port}`, entry);
    }
    for (const [key, proxy] of proxies) {
      if (!wanted.has(key)) {
        proxy.close();
        proxies.delete(key);
      }
    }
    for (const [key, entry] of wanted) {
      const have = proxies.get(key);
      if (have) have.update(entry);
      else proxies.set(key, new ServiceProxy(entry, log));
    }
  };

  const load = () => {
    let stat;
    try {
      stat = fs.statSync(configFile);
    } catch {
      return;
    }
    const stamp = `${stat.mtimeMs}/${stat.size}/${stat.ino}`;
    if (stamp === lastStamp) return;
    try {
      const next = JSON.parse(fs.readFileSync(configFile, 'utf8'));
      lastStamp = stamp;
      config = next;
      applyRoute(config.serviceCIDR);
      reconcile();
    } catch (err) {
      log(`ignoring unreadable ${configFile}: ${err.message}`);
    }
  };

  try {
    fs.watch(path.dirname(configFile), () => load());
  } catch (err) {
    log(`cannot watch ${path.dirname(configFile)} (${err.message}); polling only`);
  }
  // Docker Desktop's file sharing may not deliver inotify events: poll as well (a stat is cheap).
  setInterval(load, 250).unref();
  load();

  // DNS over UDP. Forwarded queries keep their own id towards the client; upstream sees a new one.
  const dns = dgram.createSocket('udp4');
  const forwarder = dgram.createSocket('udp4');
  const pending = new Map();
  let nextId = 1;
  forwarder.on('message', (reply) => {
    if (reply.length < 12) return;
    const waiter = pending.get(reply.readUInt16BE(0));
    if (waiter) waiter(reply);
  });
  const forward = (query, onReply) => {
    nextId = (nextId % 0xffff) + 1;
    const id = nextId;
    const copy = Buffer.from(query);
    copy.writeUInt16BE(id, 0);
    const timer = setTimeout(() => {
      pending.delete(id);
      onReply(null);
    }, FORWARD_TIMEOUT_MS);
    pending.set(id, (reply) => {
      clearTimeout(timer);
      pending.delete(id);
      onReply(reply);
    });
    forwarder.send(copy, 53, upstream);
  };
  /**
   * Answers one query; `send` gets the response bytes. Over UDP a response is kept within 512
   * bytes (TC set when answers were dropped), so the resolver retries over TCP for the rest.
   */
  const handle = (buf, send, udp) => {
    let query;
    try {
      query = decodeMessage(buf);
    } catch {
      return;
    }
    const question = query.questions[0];
    if (!question) return;
    const reply = (rcode, answers, authoritative) => {
      const flags = FLAG_QR | (authoritative ? FLAG_AA : 0) | (query.flags & FLAG_RD) | FLAG_RA | rcode;
      const msg = { id: query.id, flags, questions: query.questions, answers };
      send(udp ? fitUdp(msg) : encodeMessage(msg));
    };
    const local = answerLocally(config, question);
    if (!local) {
      forward(buf, (answer) => {
        if (answer) {
          answer.writeUInt16BE(query.id, 0);
          send(answer);
        } else reply(RCODE_SERVFAIL, [], false);
      });
      return;
    }
    if (!local.chase || question.type !== TYPE_A) {
      reply(local.rcode, local.answers, true);
      return;
    }
    // ExternalName to an outside name: resolve the target upstream, as CoreDNS does.
    const chase = encodeMessage({ id: 0, flags: FLAG_RD, questions: [{ name: local.chase, type: TYPE_A }] });
    forward(chase, (answer) => {
      let extra = [];
      try {
        if (answer) extra = decodeMessage(answer).answers.filter((a) => a.type === TYPE_A || a.type === TYPE_CNAME);
      } catch {
        extra = [];
      }
      reply(0, [...local.answers, ...extra], true);
    });
  };
  dns.on('message', (buf, rinfo) => handle(buf, (out) => dns.send(out, rinfo.port, rinfo.address), true));
  // DNS over TCP (RFC 7766): each message is prefixed with its 2-byte length.
  const dnsTcp = net.createServer((sock) => {
    let pending = Buffer.alloc(0);
    sock.on('error', () => undefined);
    sock.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        const msg = pending.subarray(2, 2 + pending.readUInt16BE(0));
        pending = pending.subarray(2 + msg.length);
        handle(
          Buffer.from(msg),
          (out) => {
            const len = Buffer.alloc(2);
            len.writeUInt16BE(out.length, 0);
            if (!sock.destroyed) sock.write(Buffer.concat([len, out]));
          },
          false,
        );
      }
    });
  });
  dnsTcp.on('error', (err) => log(`dns (tcp): ${err.message}`));
  dnsTcp.listen(53);
  dns.on('error', (err) => log(`dns: ${err.message}`));
  dns.bind(53);
  forwarder.bind(0);
  log(`kubedesk-netd ready: config ${configFile}, upstream DNS ${upstream}`);
  const stop = () => {
    for (const proxy of proxies.values()) proxy.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

module.exports = {
  decodeName,
  encodeName,
  decodeMessage,
  encodeMessage,
  fitUdp,
  answerLocally,
  ServiceProxy,
  TYPE_A,
  TYPE_AAAA,
  TYPE_CNAME,
  RCODE_NXDOMAIN,
  FLAG_QR,
  FLAG_AA,
  FLAG_RD,
  FLAG_TC,
};

if (require.main === module) main();
