// The snapshot file, kept with lowdb. lowdb gives the shape (a `Low` document read and written
// whole through an `Adapter`); this adapter makes the write crash-safe: write a temp file, fsync
// it, keep the previous good copy as `.bak`, rename the temp file over the original, fsync the
// directory. A reader therefore sees either the old or the new snapshot, never half of one.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { Low, type Adapter } from 'lowdb';
import { fsyncDir } from './journal.js';

export interface SnapshotData {
  /** Format version of this file. */
  format: 1;
  /** Every write up to and including this resource version is in `objects`. */
  resourceVersion: number;
  /** Object key → stored object. */
  objects: Record<string, unknown>;
}

export const SNAPSHOT_FILE = 'store.json';
export const BACKUP_FILE = 'store.json.bak';

export class CorruptSnapshotError extends Error {
  constructor(
    readonly file: string,
    why: string,
  ) {
    super(`the store file ${file} is unreadable: ${why}`);
    this.name = 'CorruptSnapshotError';
  }
}

/** lowdb adapter: compact JSON, atomic replace, previous copy kept as a backup. */
export class AtomicJSONAdapter implements Adapter<SnapshotData> {
  constructor(
    readonly file: string,
    readonly backup: string,
  ) {}

  async read(): Promise<SnapshotData | null> {
    let text: string;
    try {
      text = await fsp.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new CorruptSnapshotError(this.file, (err as Error).message);
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (err) {
      throw new CorruptSnapshotError(this.file, `not valid JSON (${(err as Error).message})`);
    }
    if (!isSnapshot(data)) throw new CorruptSnapshotError(this.file, 'not a KubeDesk store snapshot');
    return data;
  }

  async write(data: SnapshotData): Promise<void> {
    const dir = path.dirname(this.file);
    const tmp = `${this.file}.tmp-${process.pid}`;
    const fd = await fsp.open(tmp, 'w', 0o600);
    try {
      await fd.writeFile(JSON.stringify(data), 'utf8');
      await fd.sync();
    } finally {
      await fd.close();
    }
    // Keep the last good snapshot: if the new one is ever found corrupt, the backup plus the
    // journal segments kept since it still hold every acknowledged write.
    try {
      await fsp.rm(this.backup, { force: true });
      await fsp.link(this.file, this.backup);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        await fsp.copyFile(this.file, this.backup).catch(() => undefined);
      }
    }
    await fsp.rename(tmp, this.file);
    await fsyncDir(dir);
  }
}

function isSnapshot(data: unknown): data is SnapshotData {
  if (typeof data !== 'object' || data === null) return false;
  const d = data as Partial<SnapshotData>;
  return d.format === 1 && typeof d.resourceVersion === 'number' && typeof d.objects === 'object' && d.objects !== null;
}

export function emptySnapshot(): SnapshotData {
  return { format: 1, resourceVersion: 0, objects: {} };
}

export function openSnapshot(dir: string, file = SNAPSHOT_FILE): Low<SnapshotData> {
  return new Low<SnapshotData>(
    new AtomicJSONAdapter(path.join(dir, file), path.join(dir, file === SNAPSHOT_FILE ? BACKUP_FILE : `${file}.bak`)),
    emptySnapshot(),
  );
}
