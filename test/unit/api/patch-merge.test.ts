import { describe, expect, it } from 'vitest';
import { applyMergePatch, createMergePatch } from '../../../src-main/engine/api/patch/index.js';

describe('JSON merge patch (RFC 7386)', () => {
  it('merges objects recursively and replaces scalars', () => {
    const target = { a: 'b', c: { d: 'e', f: 'g' } };
    expect(applyMergePatch(target, { a: 'z', c: { f: 'h' } })).toEqual({ a: 'z', c: { d: 'e', f: 'h' } });
  });

  it('a null member deletes the field', () => {
    expect(applyMergePatch({ a: 1, b: { c: 2, d: 3 } }, { b: { c: null } })).toEqual({ a: 1, b: { d: 3 } });
  });

  it('arrays are replaced, not merged', () => {
    expect(applyMergePatch({ list: [1, 2, 3] }, { list: [4] })).toEqual({ list: [4] });
  });

  it('passes the test cases of RFC 7386 appendix A', () => {
    const cases: [unknown, unknown, unknown][] = [
      [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
      [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
      [{ a: 'b' }, { a: null }, {}],
      [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
      [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
      [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
      [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
      [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
      [
        ['a', 'b'],
        ['c', 'd'],
        ['c', 'd'],
      ],
      [{ a: 'b' }, ['c'], ['c']],
      [{ a: 'foo' }, null, null],
      [{ a: 'foo' }, 'bar', 'bar'],
      [{ e: null }, { a: 1 }, { e: null, a: 1 }],
      [[1, 2], { a: 'b', c: null }, { a: 'b' }],
      [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
    ];
    for (const [target, patch, result] of cases) expect(applyMergePatch(target, patch)).toEqual(result);
  });

  it('never mutates the target or the patch', () => {
    const target = { a: { b: 1 }, keep: { x: [1] } };
    const patch = { a: { b: null, c: { d: 1 } } };
    const result = applyMergePatch<typeof target & { a: { c?: { d: number } } }>(target, patch);
    result.keep.x.push(2);
    result.a.c!.d = 5;
    expect(target).toEqual({ a: { b: 1 }, keep: { x: [1] } });
    expect(patch).toEqual({ a: { b: null, c: { d: 1 } } });
  });

  it('createMergePatch emits changed members and null for removed ones', () => {
    const original = { a: 1, b: { c: 2, d: 3 }, e: [1] };
    const modified = { a: 1, b: { c: 4 }, e: [1, 2], f: 'new' };
    expect(createMergePatch(original, modified)).toEqual({ b: { c: 4, d: null }, e: [1, 2], f: 'new' });
  });

  it('a member named __proto__ stays an ordinary field', () => {
    const patch = JSON.parse('{"__proto__": {"polluted": true}}') as unknown;
    const result = applyMergePatch<Record<string, unknown>>({}, patch);
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.hasOwn(result, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
