import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { compareQuantity, formatQuantity, parseQuantity } from '../../../src-main/engine/api/quantity.js';

describe('quantity (k8s.io/apimachinery/pkg/api/resource)', () => {
  it.each([
    ['100m', 0.1],
    ['0.5', 0.5],
    ['1', 1],
    ['1Gi', 2 ** 30],
    ['500Mi', 500 * 2 ** 20],
    ['1Ki', 1024],
    ['1k', 1000],
    ['1M', 1e6],
    ['1G', 1e9],
    ['1T', 1e12],
    ['1P', 1e15],
    ['1E', 1e18],
    ['1e3', 1000],
    ['1E3', 1000],
    ['-2', -2],
    ['+3', 3],
    ['.5', 0.5],
    ['250u', 0.00025],
    [1.5, 1.5],
  ])('parses %s as %d base units', (input, value) => {
    expect(parseQuantity(input)?.value).toBeCloseTo(value, 12);
  });

  it.each(['1.5.5', 'abc', '1Gb', '', ' 1', '1 Gi', 'Gi', '1KiB', '--1', '1e'])('rejects %j', (input) => {
    expect(parseQuantity(input)).toBeNull();
  });

  it('reads 1E as exa but 1E3 as an exponent', () => {
    expect(parseQuantity('1E')?.format).toBe('DecimalSI');
    expect(parseQuantity('1E3')?.format).toBe('DecimalExponent');
  });

  it('rounds milli values up as MilliValue does', () => {
    expect(parseQuantity('100m')?.milli).toBe(100);
    expect(parseQuantity('1500u')?.milli).toBe(2);
  });

  it('formats canonically: the largest suffix keeping an integer mantissa', () => {
    expect(formatQuantity(0.5)).toBe('500m');
    expect(formatQuantity(1500)).toBe('1500');
    expect(formatQuantity(2000)).toBe('2k');
    expect(formatQuantity(2 ** 30, 'BinarySI')).toBe('1Gi');
    expect(formatQuantity(1536, 'BinarySI')).toBe('1536');
    expect(formatQuantity(0)).toBe('0');
    expect(formatQuantity(-0.25)).toBe('-250m');
  });

  it('round-trips formatted millis through parse', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), (milli) => {
        const q = parseQuantity(formatQuantity(milli / 1000));
        return q !== null && q.milli === milli;
      }),
    );
  });

  it('round-trips binary quantities', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 20 }), fc.constantFrom(1, 1024, 2 ** 20, 2 ** 30), (n, unit) => {
        return parseQuantity(formatQuantity(n * unit, 'BinarySI'))?.value === n * unit;
      }),
    );
  });

  it('orders quantities as their values are ordered, across suffixes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 0, max: 1e9 }), (a, b) => {
        const expected = Math.sign(a - b);
        return compareQuantity(`${a}m`, formatQuantity(b / 1000)) === expected;
      }),
    );
    expect(compareQuantity('1Gi', '1G')).toBe(1);
    expect(compareQuantity('1000m', 1)).toBe(0);
    expect(compareQuantity('500m', '1')).toBe(-1);
  });
});
