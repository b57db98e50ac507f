import { describe, expect, it } from 'vitest';
import { computeWindow, scrollToReveal } from '../../../src-renderer/src/lib/virtual.js';

describe('virtual list windowing', () => {
  it('renders only the rows in view plus overscan at the top of a long list', () => {
    const w = computeWindow({ count: 10_000, rowHeight: 34, scrollTop: 0, viewportHeight: 680, overscan: 5 });
    expect(w).toEqual({ start: 0, end: 25, before: 0, after: (10_000 - 25) * 34, total: 340_000 });
  });

  it('keeps the spacers plus rendered rows equal to the full height anywhere in the list', () => {
    for (const scrollTop of [0, 17, 34, 5000, 123_456, 339_320]) {
      const w = computeWindow({ count: 10_000, rowHeight: 34, scrollTop, viewportHeight: 680 });
      expect(w.before + (w.end - w.start) * 34 + w.after).toBe(w.total);
      expect(w.start * 34).toBeLessThanOrEqual(scrollTop);
      expect(w.end * 34).toBeGreaterThanOrEqual(Math.min(scrollTop + 680, w.total));
    }
  });

  it('covers a partly visible row at both edges', () => {
    const w = computeWindow({ count: 100, rowHeight: 10, scrollTop: 15, viewportHeight: 30, overscan: 0 });
    expect([w.start, w.end]).toEqual([1, 5]); // rows 1..4 are (partly) visible
  });

  it('clamps a scroll position past the end (rows deleted while scrolled down)', () => {
    const w = computeWindow({ count: 50, rowHeight: 20, scrollTop: 99_999, viewportHeight: 200, overscan: 2 });
    expect(w.end).toBe(50);
    expect(w.start).toBe(38);
    expect(w.after).toBe(0);
  });

  it('renders every row of a list shorter than the viewport and nothing for an empty one', () => {
    expect(computeWindow({ count: 3, rowHeight: 34, scrollTop: 0, viewportHeight: 600 })).toMatchObject({
      start: 0,
      end: 3,
      after: 0,
    });
    expect(computeWindow({ count: 0, rowHeight: 34, scrollTop: 0, viewportHeight: 600 })).toEqual({
      start: 0,
      end: 0,
      before: 0,
      after: 0,
      total: 0,
    });
  });

  it('treats a negative scrollTop (elastic scrolling) as the top', () => {
    expect(computeWindow({ count: 100, rowHeight: 10, scrollTop: -40, viewportHeight: 50, overscan: 0 }).start).toBe(0);
  });

  it('scrolls just enough to reveal a row above or below the viewport', () => {
    expect(scrollToReveal(2, 10, 50, 100)).toBe(20);
    expect(scrollToReveal(20, 10, 50, 100)).toBe(110);
    expect(scrollToReveal(8, 10, 50, 100)).toBeNull();
  });
});
