// Durable storage for the object store: a lowdb snapshot plus journal segments.
//
// Files in the data directory:
//   store.json                       snapshot at some resource version S (lowdb document)
//   store.json.bak                   the snapshot before it, at P < S (the "last good copy")
//   journal-<startRv>.log            segments; every write since P is in one of them
//   *.corrupt-<time>                 files found unreadable, kept aside for the user
// Loading takes the snapshot (or the backup when the snapshot is unreadable) and replays every
// journal record newer than it, so both paths recover every acknowledged write.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { CorruptSnapshotError, openSnapshot, BACKUP_FILE, SNAPSHOT_FILE, type SnapshotData } from './snapshot.js';
import {
  decodeSegment,
  encodeRecord,
  JournalWriter,
  parseSegmentName,
  segmentName,
  type JournalRecord,
} from './journal.js';

export interface LoadedState {
  resourceVersion: number;
  objects: Map<string, unknown>;
  /** Things the user must be told about (a corrupt file set aside, records skipped). */
  warnings: string[];
}

export interface PersistenceOptions {
  /** fdatasync each group commit (default true). */
  sync?: boolean;
  /** Compact when the journal since the last snapshot exceeds this many bytes. */
  compactAfterBytes?: number;
}

export class Persistence {
  readonly dir: string;
  #journal: JournalWriter;
  #compactAfter: number;
  #snapshotRv = 0;
  #backupRv = 0;
  #journalBytesAtSnapshot = 0;
  #compacting: Promise<void> | null = null;

  constructor(dir: string, opts: PersistenceOptions = {}) {
    this.dir = dir;
    this.#journal = new JournalWriter(dir, { sync: opts.sync ?? true });
    this.#compactAfter = opts.compactAfterBytes ?? 64 * 1024 * 1024;
  }

  async load(): Promise<LoadedState> {
    await fsp.mkdir(this.dir, { recursive: true, mode: 0o700 });
    const warnings: string[] = [];
    const snapshot = await this.#readSnapshot(warnings);
    const objects = new Map<string, unknown>(Object.entries(snapshot.objects));
    let rv = snapshot.resourceVersion;
    this.#snapshotRv = rv;

    const segments = await this.#segments();
    let last: { start: number; goodBytes: number } | null = null;
    for (const [i, seg] of segments.entries()) {
      const file = path.join(this.dir, segmentName(seg));
      const buf = await fsp.readFile(file);
      const isLast = i === segments.length - 1;
      const read = readAllRecords(buf);
      const { records, skipped } = read;
      let goodBytes = read.goodBytes;
      if (skipped > 0 || (!isLast && goodBytes < buf.length)) {
        const aside = await setAside(file);
        warnings.push(
          `The store journal ${path.basename(file)} had ${skipped || 1} damaged record(s); a copy was kept as ${path.basename(aside)} and every readable record was recovered.`,
        );
        const clean = records.map(encodeRecord).join('');
        await fsp.writeFile(file, clean, { mode: 0o600 });
        goodBytes = Buffer.byteLength(clean);
      }
      for (const rec of records) {
        if (rec.rv <= snapshot.resourceVersion) continue;
        if (rec.o === undefined) objects.delete(rec.k);
        else objects.set(rec.k, rec.o);
        if (rec.rv > rv) rv = rec.rv;
      }
      if (isLast) last = { start: seg, goodBytes };
    }

    if (last) await this.#journal.open(last.start, last.goodBytes);
    else await this.#journal.open(rv + 1);
    this.#journalBytesAtSnapshot = 0;
    return { resourceVersion: rv, objects, warnings };
  }

  append(rec: JournalRecord): Promise<void> {
    return this.#journal.append(rec);
  }

  get journalFailed(): Error | null {
    return this.#journal.failed;
  }

  /** True when enough has been journaled since the last snapshot to make compaction worthwhile. */
  shouldCompact(): boolean {
    return !this.#compacting && this.#journal.bytesWritten - this.#journalBytesAtSnapshot > this.#compactAfter;
  }

  /**
   * Write a snapshot at `rv` (every write up to `rv` must already be acknowledged and every later
   * one must be in the journal) and delete segments no longer needed by the backup snapshot.
   */
  compact(rv: number, objects: ReadonlyMap<string, unknown>): Promise<void> {
    if (this.#compacting) return this.#compacting;
    const snapshotObjects = Object.fromEntries(objects);
    this.#journalBytesAtSnapshot = this.#journal.bytesWritten;
    this.#journal.requestRotation();
    this.#compacting = (async () => {
      try {
        const db = openSnapshot(this.dir);
        db.data = { format: 1, resourceVersion: rv, objects: snapshotObjects };
        await db.write();
        this.#backupRv = this.#snapshotRv;
        this.#snapshotRv = rv;
        await this.#dropSegmentsUpTo(this.#backupRv);
      } finally {
        this.#compacting = null;
      }
    })();
    return this.#compacting;
  }

  async close(): Promise<void> {
    await this.#compacting;
    await this.#journal.close();
  }

  async #readSnapshot(warnings: string[]): Promise<SnapshotData> {
    const main = openSnapshot(this.dir, SNAPSHOT_FILE);
    try {
      await main.read();
      return main.data;
    } catch (err) {
      if (!(err instanceof CorruptSnapshotError)) throw err;
      const aside = await setAside(path.join(this.dir, SNAPSHOT_FILE));
      const backup = openSnapshot(this.dir, BACKUP_FILE);
      try {
        await backup.read();
        warnings.push(
          `The store file was unreadable (${err.message}); it was kept as ${path.basename(aside)} and the last good copy (${BACKUP_FILE}) was used with the journal.`,
        );
        return backup.data;
      } catch (err2) {
        if (!(err2 instanceof CorruptSnapshotError)) throw err2;
        const asideBak = await setAside(path.join(this.dir, BACKUP_FILE));
        warnings.push(
          `The store file and its backup were unreadable; they were kept as ${path.basename(aside)} and ${path.basename(asideBak)}. Only objects still in the journal were recovered.`,
        );
        return { format: 1, resourceVersion: 0, objects: {} };
      }
    }
  }

  async #segments(): Promise<number[]> {
    const names = await fsp.readdir(this.dir);
    return names
      .map(parseSegmentName)
      .filter((n): n is number => n !== null)
      .sort((a, b) => a - b);
  }

  /** Delete segments whose every record is ≤ `rv` (never the current one). */
  async #dropSegmentsUpTo(rv: number): Promise<void> {
    const segs = await this.#segments();
    for (let i = 0; i < segs.length - 1; i++) {
      const lastRvInSegment = segs[i + 1] - 1;
      if (lastRvInSegment <= rv && segs[i] !== this.#journal.startRv) {
        await fsp.rm(path.join(this.dir, segmentName(segs[i])), { force: true });
      }
    }
  }
}

/** Read every good record of a segment, skipping (and counting) damaged lines. */
function readAllRecords(buf: Buffer): { records: JournalRecord[]; skipped: number; goodBytes: number } {
  const records: JournalRecord[] = [];
  let skipped = 0;
  let offset = 0;
  let goodBytes = 0;
  while (offset < buf.length) {
    const res = decodeSegment(buf.subarray(offset));
    records.push(...res.records);
    goodBytes = offset + res.goodBytes;
    if (res.corruptAt === undefined) break; // clean end, or a torn tail (never acknowledged)
    // Skip the damaged line and carry on with the rest of the segment.
    skipped++;
    const nl = buf.indexOf(0x0a, offset + res.corruptAt);
    offset = nl < 0 ? buf.length : nl + 1;
  }
  return { records, skipped, goodBytes };
}

async function setAside(file: string): Promise<string> {
  const aside = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  await fsp.rename(file, aside);
  return aside;
}
