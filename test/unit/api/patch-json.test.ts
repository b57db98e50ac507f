import { describe, expect, it } from 'vitest';
import { StatusError } from '../../../src-main/engine/api/errors.js';
import { applyJsonPatch, parseJsonPointer } from '../../../src-main/engine/api/patch/index.js';

function rejection(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StatusError);
    return err as StatusError;
  }
  throw new Error('expected the patch to be rejected');
}

const deployment = () => ({
  metadata: { name: 'web', labels: { app: 'web', 'a/b': 'x', 'm~n': 'y' } },
  spec: { replicas: 2, template: { spec: { containers: [{ name: 'a', image: 'nginx' }] } } },
});

describe('JSON Patch (RFC 6902)', () => {
  it('adds, replaces and removes object members', () => {
    const result = applyJsonPatch(deployment(), [
      { op: 'replace', path: '/spec/replicas', value: 5 },
      { op: 'add', path: '/metadata/labels/tier', value: 'front' },
      { op: 'remove', path: '/metadata/labels/app' },
    ]);
    expect(result).toMatchObject({ spec: { replicas: 5 }, metadata: { labels: { tier: 'front', 'a/b': 'x' } } });
    expect((result as ReturnType<typeof deployment>).metadata.labels).not.toHaveProperty('app');
  });

  it('unescapes ~1 to / and ~0 to ~ in pointers', () => {
    expect(parseJsonPointer('/metadata/labels/a~1b')).toEqual(['metadata', 'labels', 'a/b']);
    expect(parseJsonPointer('/m~0n/~01')).toEqual(['m~n', '~1']);
    const result = applyJsonPatch<ReturnType<typeof deployment>>(deployment(), [
      { op: 'remove', path: '/metadata/labels/a~1b' },
      { op: 'replace', path: '/metadata/labels/m~0n', value: 'z' },
    ]);
    expect(result.metadata.labels).toEqual({ app: 'web', 'm~n': 'z' });
  });

  it('"-" appends to an array and an index inserts before that element', () => {
    const result = applyJsonPatch<ReturnType<typeof deployment>>(deployment(), [
      { op: 'add', path: '/spec/template/spec/containers/-', value: { name: 'c' } },
      { op: 'add', path: '/spec/template/spec/containers/1', value: { name: 'b' } },
    ]);
    expect(result.spec.template.spec.containers.map((c) => c.name)).toEqual(['a', 'b', 'c']);
  });

  it('moves and copies values', () => {
    const result = applyJsonPatch({ a: { x: 1 }, list: [1, 2, 3] }, [
      { op: 'copy', from: '/a', path: '/b' },
      { op: 'move', from: '/a/x', path: '/c' },
      { op: 'move', from: '/list/0', path: '/list/-' },
    ]);
    expect(result).toEqual({ a: {}, b: { x: 1 }, c: 1, list: [2, 3, 1] });
  });

  it('a passing test operation lets the patch continue; object key order does not matter', () => {
    const result = applyJsonPatch({ a: { x: 1, y: [1, 2] } }, [
      { op: 'test', path: '/a', value: { y: [1, 2], x: 1 } },
      { op: 'replace', path: '/a/x', value: 2 },
    ]);
    expect(result).toEqual({ a: { x: 2, y: [1, 2] } });
  });

  it('a failing test operation rejects the patch naming the path and both values', () => {
    const err = rejection(() => applyJsonPatch(deployment(), [{ op: 'test', path: '/spec/replicas', value: 3 }]));
    expect(err.code).toBe(400);
    expect(err.reason).toBe('BadRequest');
    expect(err.message).toBe('jsonpatch test operation does not apply: value at "/spec/replicas" is 2, not 3');
  });

  it('a test of a missing path says the document is missing it', () => {
    const err = rejection(() => applyJsonPatch({ spec: {} }, [{ op: 'test', path: '/spec/replicas', value: 1 }]));
    expect(err.message).toBe('jsonpatch test operation does not apply: doc is missing path: "/spec/replicas"');
  });

  it('replace and remove of a missing member are rejected naming the operation and path', () => {
    expect(rejection(() => applyJsonPatch({}, [{ op: 'replace', path: '/spec/replicas', value: 1 }])).message).toBe(
      'jsonpatch replace operation does not apply: doc is missing path: "/spec/replicas"',
    );
    expect(rejection(() => applyJsonPatch({ a: [] }, [{ op: 'remove', path: '/a/0' }])).message).toBe(
      'jsonpatch remove operation does not apply: doc is missing path: "/a/0"',
    );
  });

  it('add into a missing parent and past the end of an array is rejected', () => {
    expect(rejection(() => applyJsonPatch({}, [{ op: 'add', path: '/a/b', value: 1 }])).message).toBe(
      'jsonpatch add operation does not apply: doc is missing path: "/a/b"',
    );
    expect(rejection(() => applyJsonPatch({ a: [1] }, [{ op: 'add', path: '/a/3', value: 1 }])).message).toMatch(
      /index 3 is out of bounds for the array of length 1 at "\/a\/3"/,
    );
    expect(rejection(() => applyJsonPatch({ a: [1] }, [{ op: 'add', path: '/a/01', value: 1 }])).message).toMatch(
      /"01" is not a valid array index/,
    );
  });

  it('malformed operations are rejected with what was expected', () => {
    expect(rejection(() => applyJsonPatch({}, { op: 'add' })).message).toMatch(/must be a JSON array/);
    expect(rejection(() => applyJsonPatch({}, [{ op: 'frobnicate', path: '/a' }])).message).toBe(
      'json patch operation 0: unknown op "frobnicate", expected one of add, remove, replace, move, copy, test',
    );
    expect(rejection(() => applyJsonPatch({}, [{ op: 'add', path: '/a' }])).message).toMatch(/missing its "value"/);
    expect(rejection(() => applyJsonPatch({}, [{ op: 'move', path: '/a' }])).message).toMatch(/missing its "from"/);
    expect(rejection(() => applyJsonPatch({}, [{ op: 'add', path: 'a', value: 1 }])).message).toMatch(
      /must be empty or start with "\/"/,
    );
  });

  it('moving a value into its own child is rejected', () => {
    expect(
      rejection(() => applyJsonPatch({ a: { b: {} } }, [{ op: 'move', from: '/a', path: '/a/b/c' }])).message,
    ).toMatch(/cannot move "\/a" into its own child "\/a\/b\/c"/);
  });

  it('a failure part-way through leaves the input untouched', () => {
    const doc = deployment();
    const before = structuredClone(doc);
    rejection(() =>
      applyJsonPatch(doc, [
        { op: 'replace', path: '/spec/replicas', value: 9 },
        { op: 'test', path: '/spec/replicas', value: 2 },
      ]),
    );
    expect(doc).toEqual(before);
  });

  it('never mutates the document or the values in the operations', () => {
    const doc = deployment();
    const value = { name: 'b', env: [] as unknown[] };
    const result = applyJsonPatch<ReturnType<typeof deployment>>(doc, [
      { op: 'add', path: '/spec/template/spec/containers/-', value },
    ]);
    (result.spec.template.spec.containers[1] as unknown as typeof value).env.push(1);
    expect(value.env).toEqual([]);
    expect(doc.spec.template.spec.containers).toHaveLength(1);
  });

  it('the empty path replaces the whole document', () => {
    expect(applyJsonPatch({ a: 1 }, [{ op: 'replace', path: '', value: { b: 2 } }])).toEqual({ b: 2 });
  });
});
