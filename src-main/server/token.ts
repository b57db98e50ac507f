// Bearer-token authentication for the API: one random 256-bit token per data directory, stored
// 0600, compared in constant time. Requests without it get 401.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { writePrivate } from './pki.js';

export async function ensureToken(dataDir: string, file = 'token'): Promise<string> {
  const p = path.join(dataDir, file);
  try {
    const existing = (await fsp.readFile(p, 'utf8')).trim();
    if (/^[0-9a-f]{64}$/.test(existing)) return existing;
  } catch {
    // first start
  }
  const token = randomBytes(32).toString('hex');
  await writePrivate(p, token + '\n');
  return token;
}

/** Constant-time check of `Authorization: Bearer <token>` (hashing first makes lengths equal). */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  const given = createHash('sha256')
    .update(m ? m[1] : '')
    .digest();
  const want = createHash('sha256').update(token).digest();
  return timingSafeEqual(given, want) && m !== null;
}
