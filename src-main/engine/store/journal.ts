// Append-only journal in front of the lowdb snapshot.
//
// Why a journal: lowdb rewrites its whole file on every write, which at 10,000 objects is ~10 MB
// per write — far too slow for thousands of writes per second. So every write is appended here as
// one line, and many concurrent writes share one `write` + `fdatasync` (group commit): a write is
// acknowledged only after the batch holding it is on disk. The snapshot (lowdb) is rewritten
// only at compaction, after which old journal segments are deleted.
//
// Line format: `<crc32 hex, 8 chars> <json>\n`. A torn last line (the process died mid-append)
// fails its checksum and is dropped: it was never acknowledged. A bad line anywhere else is
// corruption and is reported, never silently skipped.
import { promises as fsp, constants as fsc } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import path from 'node:path';

export interface JournalRecord {
  /** Resource version assigned to this write. */
  rv: number;
  /** Object key. */
  k: string;
  /** The stored object, or absent for a deletion. */
  o?: unknown;
}

export function encodeRecord(rec: JournalRecord): string {
  const json = JSON.stringify(rec);
  const sum = (crc32(json) >>> 0).toString(16).padStart(8, '0');
  return `${sum} ${json}\n`;
}

export interface ReadResult {
  records: JournalRecord[];
  /** Byte offset after the last good line. */
  goodBytes: number;
  /** Set when a bad line was found before the end of the file (not a torn tail). */
  corruptAt?: number;
  /** True when the file ended in a partial or bad final line (a torn write). */
  tornTail: boolean;
}

/** Parse a journal segment, stopping at the first bad line. */
export function decodeSegment(buf: Buffer): ReadResult {
  const records: JournalRecord[] = [];
  let offset = 0;
  while (offset < buf.length) {
    const nl = buf.indexOf(0x0a, offset);
    if (nl < 0) return { records, goodBytes: offset, tornTail: true };
    const line = buf.toString('utf8', offset, nl);
    const rec = decodeLine(line);
    if (!rec) {
      const isLast = nl === buf.length - 1;
      return isLast
        ? { records, goodBytes: offset, tornTail: true }
        : { records, goodBytes: offset, corruptAt: offset, tornTail: false };
    }
    records.push(rec);
    offset = nl + 1;
  }
  return { records, goodBytes: offset, tornTail: false };
}

function decodeLine(line: string): JournalRecord | null {
  if (line.length < 10 || line[8] !== ' ') return null;
  const json = line.slice(9);
  const expected = parseInt(line.slice(0, 8), 16);
  if (Number.isNaN(expected) || crc32(json) >>> 0 !== expected) return null;
  try {
    const rec = JSON.parse(json) as JournalRecord;
    if (typeof rec.rv !== 'number' || typeof rec.k !== 'string') return null;
    return rec;
  } catch {
    return null;
  }
}

export function segmentName(startRv: number): string {
  return `journal-${String(startRv).padStart(16, '0')}.log`;
}

export function parseSegmentName(name: string): number | null {
  const m = /^journal-(\d{16})\.log$/.exec(name);
  return m ? Number(m[1]) : null;
}

interface Pending {
  rv: number;
  data: string;
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * Writes records to the current segment with group commit. `append` resolves once the record is
 * on disk (`fdatasync`); records appended while a flush is in flight go out together in the next.
 * After a write error every pending append rejects and the partial batch is truncated away; if
 * that truncation fails too, the journal stays failed and rejects every later append.
 */
export class JournalWriter {
  #dir: string;
  #fd: FileHandle | null = null;
  #startRv = 0;
  #queue: Pending[] = [];
  #flushing: Promise<void> | null = null;
  #failed: Error | null = null;
  #sync: boolean;
  #rotate = false;
  bytesWritten = 0;

  constructor(dir: string, opts: { sync?: boolean } = {}) {
    this.#dir = dir;
    this.#sync = opts.sync ?? true;
  }

  get startRv(): number {
    return this.#startRv;
  }

  get failed(): Error | null {
    return this.#failed;
  }

  /** Open (or continue) the segment starting at `startRv`. */
  async open(startRv: number, truncateTo?: number): Promise<void> {
    const file = path.join(this.#dir, segmentName(startRv));
    this.#fd = await fsp.open(file, fsc.O_CREAT | fsc.O_WRONLY, 0o600);
    if (truncateTo !== undefined) await this.#fd.truncate(truncateTo);
    const st = await this.#fd.stat();
    this.bytesWritten = st.size;
    this.#startRv = startRv;
    await fsyncDir(this.#dir);
  }

  append(rec: JournalRecord): Promise<void> {
    if (this.#failed) return Promise.reject(this.#failed);
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ rv: rec.rv, data: encodeRecord(rec), resolve, reject });
      if (!this.#flushing) this.#flushing = this.#flushLoop();
    });
  }

  /** Wait for every queued record to be written. */
  async drain(): Promise<void> {
    while (this.#flushing) await this.#flushing;
  }

  /**
   * Ask for a new segment: the next batch written starts one, named after its first record's
   * version. Doing it inside the flush loop means no append ever meets a closed file.
   */
  requestRotation(): void {
    this.#rotate = true;
  }

  async close(): Promise<void> {
    await this.drain();
    await this.#fd?.close();
    this.#fd = null;
  }

  async #flushLoop(): Promise<void> {
    // Yield once so that writes issued in the same tick share this flush.
    await new Promise<void>((r) => setImmediate(r));
    while (this.#queue.length > 0) {
      const batch = this.#queue;
      this.#queue = [];
      try {
        if (this.#rotate) {
          this.#rotate = false;
          await this.#fd?.close();
          this.#fd = null;
          await this.open(batch[0].rv);
        }
        if (!this.#fd) throw new Error('journal is not open');
        const data = batch.length === 1 ? batch[0].data : batch.map((p) => p.data).join('');
        const buf = Buffer.from(data, 'utf8');
        // Positional writes: the segment may have been reopened after a torn tail was cut off.
        let off = 0;
        while (off < buf.length) {
          const { bytesWritten } = await this.#fd.write(buf, off, buf.length - off, this.bytesWritten + off);
          off += bytesWritten;
        }
        if (this.#sync) await this.#fd.datasync();
        this.bytesWritten += buf.length;
        for (const p of batch) p.resolve();
      } catch (err) {
        const failure = new Error(`cannot write the store journal: ${(err as Error).message}`);
        this.#failed = failure;
        for (const p of [...batch, ...this.#queue]) p.reject(failure);
        this.#queue = [];
        // Cut any partial batch off the end so the segment holds only acknowledged records; if
        // that works the journal accepts writes again (e.g. once a full disk has room).
        try {
          await this.#fd?.truncate(this.bytesWritten);
          if (this.#sync) await this.#fd?.datasync();
          this.#failed = null;
        } catch {
          // Stay failed: every later write is rejected rather than risk acknowledging a lie.
        }
      }
    }
    this.#flushing = null;
  }
}

export async function fsyncDir(dir: string): Promise<void> {
  // Directory fsync makes a create/rename durable; not supported on Windows, where it is a no-op.
  if (process.platform === 'win32') return;
  const fd = await fsp.open(dir, 'r');
  try {
    await fd.sync();
  } finally {
    await fd.close();
  }
}
