// The bad-manifest corpus: every file in test/fixtures/bad-manifests/ (plus a few cases too big to
// commit, generated below) is applied to a fresh engine, must be rejected with the Status that
// kube-apiserver or kubectl would give, and must leave the store exactly as it was — "bad input
// gets a clear error and changes nothing" (DESIGN.md).
//
// A fixture names its expectation in leading comment lines (or, for JSON, in a sibling `.expect`):
//   # expect-code: 422
//   # expect-message: <substring of the Status message>
//   # expect-field: <a details.causes[].field that must be present>   (optional)
//   # known-bug: <how we deviate from Kubernetes>                     (optional; runs as it.fails)
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it, expect } from 'vitest';
import { applyManifests } from '../../../src-main/engine/apiserver/apply.js';
import type { ObjectStore } from '../../../src-main/engine/store/object-store.js';
import { testEngine } from './helpers.js';

interface Expectation {
  code: number;
  message: string;
  field?: string;
  knownBug?: string;
}

interface CorpusCase extends Expectation {
  name: string;
  text: () => string;
}

const FIXTURES = path.join(import.meta.dirname, '../../fixtures/bad-manifests');

function parseExpectation(file: string, header: string): Expectation {
  const tags = new Map<string, string>();
  for (const line of header.split('\n')) {
    const m = /^#\s*(expect-code|expect-message|expect-field|known-bug):\s*(.*?)\s*$/.exec(line);
    if (m) tags.set(m[1], m[2]);
  }
  const code = Number(tags.get('expect-code'));
  const message = tags.get('expect-message');
  if (!Number.isInteger(code) || !message) {
    throw new Error(`${file}: expected "# expect-code: <n>" and "# expect-message: <text>" header lines`);
  }
  return { code, message, field: tags.get('expect-field'), knownBug: tags.get('known-bug') };
}

/** The leading comment lines of a YAML file. */
function headerOf(text: string): string {
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('#')) break;
    lines.push(line);
  }
  return lines.join('\n');
}

function fixtureCases(): CorpusCase[] {
  const files = readdirSync(FIXTURES)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort();
  return files.map((file) => {
    const full = path.join(FIXTURES, file);
    const text = readFileSync(full, 'utf8');
    const header = file.endsWith('.json') ? readFileSync(full.replace(/\.json$/, '.expect'), 'utf8') : headerOf(text);
    return { name: file.replace(/\.(ya?ml|json)$/, ''), text: () => text, ...parseExpectation(file, header) };
  });
}

const configMapHead = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;
const MiB = 1024 * 1024;

/** Cases generated at runtime: too big (or too silly) to commit as files. */
const generatedCases: CorpusCase[] = [
  {
    // ValidateAnnotations: the total size of keys and values is at most TotalAnnotationSizeLimitB.
    name: 'g01-configmap-annotations-over-256KiB',
    text: () => `${configMapHead('big')}  annotations:\n    note: "${'x'.repeat(256 * 1024)}"\n`,
    code: 422,
    message: 'metadata.annotations: Too long',
    field: 'metadata.annotations',
  },
  {
    name: 'g02-configmap-200-deep-nested-maps',
    text: () => {
      let s = `${configMapHead('deep')}junk:\n`;
      for (let i = 1; i <= 200; i++) s += `${' '.repeat(i)}a:\n`;
      return s;
    },
    code: 400,
    message: 'nested more than 100 levels deep',
  },
  {
    name: 'g03-yaml-10000-deep-nested-maps',
    text: () => `${configMapHead('deep')}junk: ${'{a: '.repeat(10_000)}1${'}'.repeat(10_000)}\n`,
    code: 400,
    message: 'nested',
  },
  {
    name: 'g04-json-10000-deep-nested-maps',
    text: () =>
      `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep"},"junk":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`,
    code: 400,
    message: 'nested',
  },
  {
    // kube-apiserver refuses request bodies over 3 MiB with 413.
    name: 'g05-yaml-10MiB-configmap',
    text: () => `${configMapHead('big')}data:\n  blob: ${'x'.repeat(10 * MiB)}\n`,
    code: 413,
    message: 'Request entity too large',
  },
  {
    name: 'g06-json-10MiB-configmap',
    text: () =>
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'big' },
        data: Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, 'y'.repeat(MiB)])),
      }),
    code: 413,
    message: 'Request entity too large',
  },
];

/** Every stored object, serialized, keyed by store key. */
function dump(store: ObjectStore): Record<string, string> {
  const out: Record<string, string> = {};
  for (const resource of store.countByResource().keys()) {
    for (const key of store.keys(resource)) out[key] = JSON.stringify(store.get(key));
  }
  return out;
}

function title(c: CorpusCase): string {
  const what = c.field ? `naming ${c.field}` : `saying "${c.message}"`;
  const bug = c.knownBug ? ` (known bug: ${c.knownBug})` : '';
  return `${c.name} is rejected with ${c.code} ${what}${bug}`;
}

const cases = [...fixtureCases(), ...generatedCases];

describe('bad manifests', () => {
  it('the corpus holds at least 60 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
  });

  for (const c of cases) {
    (c.knownBug ? it.fails : it)(title(c), async () => {
      const { engine } = await testEngine();
      try {
        await engine.settle();
        const rv = engine.store.resourceVersion;
        const before = dump(engine.store);

        const results = await applyManifests(engine.api, c.text());

        expect(results.length).toBeGreaterThan(0);
        for (const r of results) {
          expect(r.error, `document ${r.index} was ${r.action} instead of being rejected`).toBeDefined();
          expect(r.error!.code, r.error!.message).toBe(c.code);
          expect(r.error!.message).toContain(c.message);
          if (c.field) expect(r.error!.details?.causes?.map((x) => x.field)).toContain(c.field);
        }
        await engine.settle();
        expect(engine.store.resourceVersion).toBe(rv);
        expect(dump(engine.store)).toEqual(before);
      } finally {
        await engine.stop();
      }
    });
  }
});

describe('manifests that look bad but Kubernetes accepts', () => {
  // CronJob validation parses with robfig/cron/v3's ParseStandard, whose descriptors include
  // `@every <duration>` (parser.go, parseDescriptor), so kube-apiserver creates this CronJob.
  it('a CronJob scheduled "@every 5m" is created', async () => {
    const { engine } = await testEngine();
    try {
      const text = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: every
spec:
  schedule: "@every 5m"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: main
              image: busybox:1.36
`;
      const results = await applyManifests(engine.api, text);
      expect(results.map((r) => r.error?.message)).toEqual([undefined]);
      expect(results).toMatchObject([{ action: 'created' }]);
    } finally {
      await engine.stop();
    }
  });
});
