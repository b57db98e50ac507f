// Decoding manifest files: multi-document YAML or JSON, and `List` objects, one result per
// document so that one bad document never hides or spoils the others.
import { parseAllDocuments } from 'yaml';
import type { Unstructured } from '../api/types.js';
import { isObject } from '../api/types.js';
import { badRequest, tooLarge, type StatusError } from '../api/errors.js';
import { MAX_OBJECT_BYTES } from './write-path.js';

export interface ManifestDoc {
  /** Position in the file: `0`, `1`… and `2.0`, `2.1`… for items of a List. */
  index: string;
  object?: Unstructured;
  error?: StatusError;
}

/** Largest manifest text accepted at all (many documents of up to 3 MiB each). */
const MAX_TEXT_BYTES = 64 * 1024 * 1024;

export function parseManifests(text: string): ManifestDoc[] {
  const size = Buffer.byteLength(text);
  if (size > MAX_TEXT_BYTES) {
    return [{ index: '0', error: tooLarge(`the manifest is ${size} bytes; the limit is ${MAX_TEXT_BYTES}`) }];
  }
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    // Like kubectl's decoder: input that starts as JSON is JSON (YAML would forgive a trailing comma).
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      return [{ index: '0', error: badRequest(`error parsing JSON: ${(err as Error).message}`) }];
    }
    const tooDeep = depthError('0', value);
    return tooDeep ? [tooDeep] : expand('0', value);
  }
  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    docs = parseAllDocuments(text, { uniqueKeys: true });
  } catch (err) {
    return [{ index: '0', error: badRequest(`error parsing YAML: ${(err as Error).message}`) }];
  }
  const list = Array.isArray(docs) ? docs : [docs];
  const out: ManifestDoc[] = [];
  let n = 0;
  for (const doc of list) {
    const index = String(n++);
    if (doc.errors.length > 0) {
      const e = doc.errors[0];
      if (/call stack/i.test(e.message)) {
        out.push({ index, error: badRequest(`error converting YAML to JSON: document ${index} is nested too deeply`) });
        continue;
      }
      const pos = e.linePos?.[0] ? ` (line ${e.linePos[0].line}, column ${e.linePos[0].col})` : '';
      out.push({ index, error: badRequest(`error converting YAML to JSON: yaml: ${e.message.split('\n')[0]}${pos}`) });
      continue;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      const why = err instanceof RangeError ? `document ${index} is nested too deeply` : (err as Error).message;
      out.push({ index, error: badRequest(`error converting YAML to JSON: ${why}`) });
      continue;
    }
    const tooDeep = depthError(index, value);
    if (tooDeep) {
      out.push(tooDeep);
      continue;
    }
    if (value === null || value === undefined) {
      n--; // empty documents (a trailing `---`, comments only) are not counted, as kubectl skips them
      continue;
    }
    out.push(...expand(index, value));
  }
  return out;
}

function expand(index: string, value: unknown): ManifestDoc[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => expand(`${index}.${i}`, v));
  if (!isObject(value)) {
    return [
      {
        index,
        error: badRequest(`document ${index} is not an object (got ${value === null ? 'null' : typeof value})`),
      },
    ];
  }
  const kind = value.kind;
  if (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(value.items)) {
    return value.items.flatMap((item, i) => expand(`${index}.${i}`, item));
  }
  const size = Buffer.byteLength(JSON.stringify(value));
  if (size > MAX_OBJECT_BYTES) {
    return [
      {
        index,
        error: tooLarge(
          `Request entity too large: document ${index} is ${size} bytes; the limit is ${MAX_OBJECT_BYTES}`,
        ),
      },
    ];
  }
  return [{ index, object: value }];
}

/** Objects deeper than this are junk; checked iteratively so the check itself cannot overflow. */
const MAX_DEPTH = 100;

function depthError(index: string, value: unknown): ManifestDoc | null {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (d > MAX_DEPTH) {
      return { index, error: badRequest(`document ${index} is nested more than ${MAX_DEPTH} levels deep`) };
    }
    if (v && typeof v === 'object')
      for (const c of Object.values(v)) if (c && typeof c === 'object') stack.push([c, d + 1]);
  }
  return null;
}
