// Crash test: a child process writes objects in a loop and is killed with SIGKILL at random
// moments; after every restart each acknowledged write must be present and the store must load.
import { describe, it, expect } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { ObjectStore } from '../../src-main/engine/store/object-store.js';

const ROUNDS = 24;

function runAndKill(
  dataDir: string,
  prefix: string,
  killAfterMs: number,
): Promise<{ acked: string[]; deleted: string[]; attempted: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(import.meta.dirname, 'crash/writer.ts'), dataDir, prefix],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const acked: string[] = [];
    const deleted: string[] = [];
    const attempted: string[] = [];
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const rl = createInterface({ input: child.stdout });
    rl.on('line', (line) => {
      if (line === 'READY') setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      else if (line.startsWith('ACK ')) acked.push(line.slice(4));
      else if (line.startsWith('DEL ')) deleted.push(line.slice(4));
      else if (line.startsWith('TRY ')) attempted.push(line.slice(4));
    });
    const closed = new Promise<void>((r) => rl.once('close', r));
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer exited with ${code ?? signal}: ${stderr}`));
      else void closed.then(() => resolve({ acked, deleted, attempted }));
    });
  });
}

describe('crash safety', () => {
  it(`every acknowledged write survives ${ROUNDS} SIGKILLs at random moments`, async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'kubedesk-crash-'));
    try {
      const mustExist = new Set<string>();
      const mustNotExist = new Set<string>();
      let totalAcked = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const { acked, deleted, attempted } = await runAndKill(
          dataDir,
          `r${round}`,
          30 + Math.floor(Math.random() * 400),
        );
        totalAcked += acked.length;
        for (const n of acked) mustExist.add(n);
        // A delete that was attempted but not acknowledged may or may not have happened.
        for (const n of attempted) mustExist.delete(n);
        for (const n of deleted) mustNotExist.add(n);
        const store = await ObjectStore.open({ dataDir });
        const present = new Set(store.list('/configmaps', 'default').map((o) => o.metadata.name!));
        const missing = [...mustExist].filter((n) => !present.has(n));
        const resurrected = [...mustNotExist].filter((n) => present.has(n));
        expect(store.warnings, `round ${round}`).toEqual([]);
        expect(missing, `round ${round}: acknowledged writes missing`).toEqual([]);
        expect(resurrected, `round ${round}: acknowledged deletes undone`).toEqual([]);
        await store.close();
      }
      console.log(`crash test: ${ROUNDS} kills, ${totalAcked} acknowledged creates verified`);
      expect(totalAcked).toBeGreaterThan(ROUNDS * 10);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
