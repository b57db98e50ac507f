// The kubelet's AtomicWriter (pkg/volume/util/atomic_writer.go), reduced: a projected volume's
// files are written into a fresh timestamped directory, `..data` is switched to it by renaming a
// symlink over the old one, and each top-level entry is a symlink through `..data`. A container
// that has the directory mounted sees the whole new set at once, never half an update.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { isJsonEqual } from './util.js';

export interface ProjectedFile {
  /** Relative path inside the volume (may contain `/`). */
  path: string;
  data: Buffer;
  mode: number;
}

const DATA_LINK = '..data';
const MANIFEST = '..manifest.json';

/** Write `files` into `dir` atomically; does nothing when they are already what is there. */
export async function writeAtomically(dir: string, files: ProjectedFile[], stamp: number): Promise<boolean> {
  await fsp.mkdir(dir, { recursive: true, mode: 0o755 });
  const manifest = files.map((f) => ({ p: f.path, m: f.mode, d: f.data.toString('base64') }));
  const manifestFile = path.join(dir, MANIFEST);
  const old = await fsp.readFile(manifestFile, 'utf8').then(
    (s) => JSON.parse(s) as unknown,
    () => null,
  );
  if (old && isJsonEqual(old, manifest)) return false;

  const tsDir = `..${new Date(stamp).toISOString().replace(/[:.]/g, '_')}.${Math.random().toString(36).slice(2, 8)}`;
  const tsPath = path.join(dir, tsDir);
  await fsp.mkdir(tsPath, { mode: 0o755 });
  for (const f of files) {
    const target = path.join(tsPath, f.path);
    if (!target.startsWith(tsPath + path.sep)) continue; // validation rejects `..`; belt and braces
    await fsp.mkdir(path.dirname(target), { recursive: true, mode: 0o755 });
    await fsp.writeFile(target, f.data, { mode: f.mode });
    await fsp.chmod(target, f.mode);
  }
  const prevTarget = await fsp.readlink(path.join(dir, DATA_LINK)).catch(() => null);
  const tmpLink = path.join(dir, `..data_tmp`);
  await fsp.rm(tmpLink, { force: true });
  await fsp.symlink(tsDir, tmpLink);
  await fsp.rename(tmpLink, path.join(dir, DATA_LINK));

  // Top-level entries: `key -> ..data/key`; stale ones go.
  const tops = new Set(files.map((f) => f.path.split('/')[0]));
  for (const top of tops) {
    const link = path.join(dir, top);
    const want = path.join(DATA_LINK, top);
    const have = await fsp.readlink(link).catch(() => null);
    if (have === want) continue;
    await fsp.rm(link, { recursive: true, force: true });
    await fsp.symlink(want, link);
  }
  for (const entry of await fsp.readdir(dir)) {
    if (entry.startsWith('..') || tops.has(entry)) continue;
    await fsp.rm(path.join(dir, entry), { recursive: true, force: true });
  }
  if (prevTarget && prevTarget !== tsDir) await fsp.rm(path.join(dir, prevTarget), { recursive: true, force: true });
  await fsp.writeFile(manifestFile, JSON.stringify(manifest), { mode: 0o600 });
  return true;
}
