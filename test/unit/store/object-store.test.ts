import { describe, it, expect, afterEach } from 'vitest';
import { mkdtemp, rm, readdir, readFile, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ObjectStore } from '../../../src-main/engine/store/object-store.js';
import type { KubeObject } from '../../../src-main/engine/api/types.js';
import { StatusError } from '../../../src-main/engine/api/errors.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(path.join(tmpdir(), 'kubedesk-store-'));
  dirs.push(d);
  return d;
}
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

function cm(name: string, labels: Record<string, string> = {}, data: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', labels }, data };
}
const key = (name: string, ns = 'default') => `/configmaps/${ns}/${name}`;

describe('object store', () => {
  it('stamps one strictly increasing resourceVersion across all resources', async () => {
    const s = await ObjectStore.open();
    const a = await s.put(key('a'), cm('a'), { create: true });
    const b = await s.put('/secrets/default/b', { ...cm('b'), kind: 'Secret' }, { create: true });
    const a2 = await s.put(key('a'), cm('a', { x: '1' }), {});
    expect(Number(a.metadata.resourceVersion)).toBeLessThan(Number(b.metadata.resourceVersion));
    expect(Number(b.metadata.resourceVersion)).toBeLessThan(Number(a2.metadata.resourceVersion));
    expect(s.resourceVersion).toBe(Number(a2.metadata.resourceVersion));
  });

  it('a stale resourceVersion update is rejected with 409 Conflict and changes nothing', async () => {
    const s = await ObjectStore.open();
    const a = await s.put(key('a'), cm('a'), { create: true });
    await s.put(key('a'), cm('a', { v: '2' }), { expectRv: a.metadata.resourceVersion });
    let err: unknown;
    try {
      await s.put(key('a'), cm('a', { v: '3' }), { expectRv: a.metadata.resourceVersion });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).code).toBe(409);
    expect((err as StatusError).reason).toBe('Conflict');
    expect((err as StatusError).message).toContain('the object has been modified');
    expect(s.get(key('a'))!.metadata.labels).toEqual({ v: '2' });
  });

  it('creating an existing key fails with AlreadyExists, even while the first create is in flight', async () => {
    const s = await ObjectStore.open({ dataDir: await tempDir() });
    const first = s.put(key('a'), cm('a'), { create: true });
    expect(() => s.put(key('a'), cm('a'), { create: true })).toThrow(/already exists/);
    await first;
    await s.close();
  });

  it('lists one resource sorted by namespace and name, optionally one namespace', async () => {
    const s = await ObjectStore.open();
    for (const [ns, n] of [
      ['b', 'z'],
      ['a', 'y'],
      ['a', 'x'],
    ]) {
      await s.put(key(n, ns), { ...cm(n), metadata: { name: n, namespace: ns } }, { create: true });
    }
    expect(s.list('/configmaps').map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      'a/x',
      'a/y',
      'b/z',
    ]);
    expect(s.list('/configmaps', 'a').map((o) => o.metadata.name)).toEqual(['x', 'y']);
    expect(s.list('/secrets')).toEqual([]);
  });

  it('reads see only acknowledged writes', async () => {
    const s = await ObjectStore.open({ dataDir: await tempDir() });
    const p = s.put(key('a'), cm('a'), { create: true });
    expect(s.get(key('a'))).toBeUndefined();
    expect(s.latest(key('a'))).toBeDefined();
    await p;
    expect(s.get(key('a'))).toBeDefined();
    await s.close();
  });
});

describe('watch', () => {
  it('delivers ADDED, MODIFIED and DELETED in order with the versions of the writes', async () => {
    const s = await ObjectStore.open();
    const seen: string[] = [];
    s.watch('/configmaps', 0, {}, (e) => seen.push(`${e.type}:${e.object.metadata.name}:${e.rv}`));
    await s.put(key('a'), cm('a'), { create: true });
    await s.put(key('a'), cm('a', { x: '1' }), {});
    await s.remove(key('a'));
    expect(seen).toEqual(['ADDED:a:1', 'MODIFIED:a:2', 'DELETED:a:3']);
  });

  it('resumes from a resourceVersion by replaying the changes after it', async () => {
    const s = await ObjectStore.open();
    await s.put(key('a'), cm('a'), { create: true });
    const rv = s.resourceVersion;
    await s.put(key('b'), cm('b'), { create: true });
    await s.put(key('c'), cm('c'), { create: true });
    const seen: string[] = [];
    s.watch('/configmaps', rv, {}, (e) => seen.push(e.object.metadata.name!));
    expect(seen).toEqual(['b', 'c']);
  });

  it('a watch from a version older than the window fails with 410 Gone', async () => {
    const s = await ObjectStore.open({ historySize: 3 });
    for (const n of ['a', 'b', 'c', 'd', 'e']) await s.put(key(n), cm(n), { create: true });
    expect(() => s.watch('/configmaps', 1, {}, () => undefined)).toThrow(/too old resource version/);
    try {
      s.watch('/configmaps', 1, {}, () => undefined);
    } catch (err) {
      expect((err as StatusError).code).toBe(410);
      expect((err as StatusError).reason).toBe('Gone');
    }
    expect(() => s.watch('/configmaps', 2, {}, () => undefined)).not.toThrow();
  });

  it('an object moving out of a selector is DELETED to that watcher, and ADDED when it moves back in', async () => {
    const s = await ObjectStore.open();
    await s.put(key('a'), cm('a', { app: 'web' }), { create: true });
    const seen: string[] = [];
    s.watch('/configmaps', s.resourceVersion, { matches: (o) => o.metadata.labels?.app === 'web' }, (e) =>
      seen.push(e.type),
    );
    await s.put(key('a'), cm('a', { app: 'db' }), {});
    await s.put(key('a'), cm('a', { app: 'db', x: 'y' }), {});
    await s.put(key('a'), cm('a', { app: 'web' }), {});
    expect(seen).toEqual(['DELETED', 'ADDED']);
  });

  it('a watcher that throws does not stop delivery to the others', async () => {
    const s = await ObjectStore.open();
    const seen: string[] = [];
    s.watch('/configmaps', 0, {}, () => {
      throw new Error('boom');
    });
    s.watch('/configmaps', 0, {}, (e) => seen.push(e.type));
    const orig = console.error;
    console.error = () => undefined;
    try {
      await s.put(key('a'), cm('a'), { create: true });
    } finally {
      console.error = orig;
    }
    expect(seen).toEqual(['ADDED']);
  });
});

describe('persistence', () => {
  it('every acknowledged write is there after reopening', async () => {
    const dir = await tempDir();
    const s = await ObjectStore.open({ dataDir: dir });
    await Promise.all(Array.from({ length: 200 }, (_, i) => s.put(key(`o${i}`), cm(`o${i}`), { create: true })));
    await s.remove(key('o7'));
    await s.put(key('o8'), cm('o8', { changed: 'yes' }), {});
    const rv = s.resourceVersion;
    await s.close();
    const t = await ObjectStore.open({ dataDir: dir });
    expect(t.list('/configmaps')).toHaveLength(199);
    expect(t.get(key('o7'))).toBeUndefined();
    expect(t.get(key('o8'))!.metadata.labels).toEqual({ changed: 'yes' });
    expect(t.resourceVersion).toBe(rv);
    const next = await t.put(key('new'), cm('new'), { create: true });
    expect(Number(next.metadata.resourceVersion)).toBe(rv + 1);
    await t.close();
  });

  it('compaction writes a lowdb snapshot, keeps the previous one as backup, and loses nothing', async () => {
    const dir = await tempDir();
    const s = await ObjectStore.open({ dataDir: dir, compactAfterBytes: 2_000 });
    for (let i = 0; i < 100; i++) await s.put(key(`o${i}`), cm(`o${i}`, {}, { i: String(i) }), { create: true });
    await s.compact();
    for (let i = 100; i < 150; i++) await s.put(key(`o${i}`), cm(`o${i}`), { create: true });
    await s.compact();
    await s.close();
    const files = await readdir(dir);
    expect(files).toContain('store.json');
    expect(files).toContain('store.json.bak');
    const snap = JSON.parse(await readFile(path.join(dir, 'store.json'), 'utf8')) as { objects: object };
    expect(Object.keys(snap.objects).length).toBeGreaterThanOrEqual(100);
    const t = await ObjectStore.open({ dataDir: dir });
    expect(t.list('/configmaps')).toHaveLength(150);
    await t.close();
  });

  it('a torn last journal line (a crash mid-append) is dropped silently', async () => {
    const dir = await tempDir();
    const s = await ObjectStore.open({ dataDir: dir });
    await s.put(key('a'), cm('a'), { create: true });
    await s.close();
    const journal = (await readdir(dir)).find((f) => f.startsWith('journal-'))!;
    await appendFile(path.join(dir, journal), '0123abcd {"rv":2,"k":"/configmaps/default/b","o":{"kin');
    const t = await ObjectStore.open({ dataDir: dir });
    expect(t.list('/configmaps').map((o) => o.metadata.name)).toEqual(['a']);
    expect(t.warnings).toEqual([]);
    await t.put(key('c'), cm('c'), { create: true });
    await t.close();
    const u = await ObjectStore.open({ dataDir: dir });
    expect(u.list('/configmaps').map((o) => o.metadata.name)).toEqual(['a', 'c']);
    await u.close();
  });

  it('a corrupt snapshot is set aside, the user is told, and the backup plus journal restore everything', async () => {
    const dir = await tempDir();
    const s = await ObjectStore.open({ dataDir: dir });
    for (let i = 0; i < 10; i++) await s.put(key(`o${i}`), cm(`o${i}`), { create: true });
    await s.compact();
    for (let i = 10; i < 20; i++) await s.put(key(`o${i}`), cm(`o${i}`), { create: true });
    await s.compact();
    for (let i = 20; i < 25; i++) await s.put(key(`o${i}`), cm(`o${i}`), { create: true });
    await s.close();
    await writeFile(path.join(dir, 'store.json'), '{"format":1,"resourceVersion":20,"objects":{"trunc');
    const t = await ObjectStore.open({ dataDir: dir });
    expect(t.list('/configmaps')).toHaveLength(25);
    expect(t.warnings.join('\n')).toMatch(/unreadable.*kept as store\.json\.corrupt-.*last good copy/s);
    expect((await readdir(dir)).some((f) => f.startsWith('store.json.corrupt-'))).toBe(true);
    await t.close();
  });

  it('a damaged record in the middle of the journal is reported and the rest recovered', async () => {
    const dir = await tempDir();
    const s = await ObjectStore.open({ dataDir: dir });
    for (const n of ['a', 'b', 'c']) await s.put(key(n), cm(n), { create: true });
    await s.close();
    const journal = path.join(
      dir,
      (await readdir(dir)).find((f) => f.startsWith('journal-'))!,
    );
    const lines = (await readFile(journal, 'utf8')).split('\n');
    lines[1] = lines[1].replace('"b"', '"B"'); // checksum no longer matches
    await writeFile(journal, lines.join('\n'));
    const t = await ObjectStore.open({ dataDir: dir });
    expect(t.list('/configmaps').map((o) => o.metadata.name)).toEqual(['a', 'c']);
    expect(t.warnings.join('\n')).toMatch(/damaged record/);
    await t.close();
  });

  it('a failed disk write rejects the write and leaves the store exactly as it was', async () => {
    const dir = await tempDir();
    const s = await ObjectStore.open({ dataDir: dir });
    await s.put(key('a'), cm('a'), { create: true });
    const before = s.resourceVersion;
    // Make the journal unwritable by closing its file underneath it.
    const { JournalWriter } = await import('../../../src-main/engine/store/journal.js');
    const proto = JournalWriter.prototype as unknown as { append: (r: unknown) => Promise<void> };
    const orig = proto.append;
    proto.append = () => Promise.reject(new Error('ENOSPC: no space left on device'));
    try {
      await expect(s.put(key('b'), cm('b'), { create: true })).rejects.toThrow(
        /no space left on device; nothing was changed/,
      );
    } finally {
      proto.append = orig;
    }
    expect(s.get(key('b'))).toBeUndefined();
    expect(s.latest(key('b'))).toBeUndefined();
    expect(s.resourceVersion).toBe(before);
    await s.put(key('b'), cm('b'), { create: true });
    await s.close();
  });
});
