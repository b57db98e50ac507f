import { describe, it, expect } from 'vitest';
import { DEFAULT_SIZE, restoreBounds } from '../../../src-main/desktop/window-state.js';

const laptop = [{ x: 0, y: 0, width: 1920, height: 1080 }];

describe('window state', () => {
  it('restores a saved size and position that is on a display', () => {
    expect(restoreBounds({ x: 100, y: 80, width: 1400, height: 900, maximized: true }, laptop)).toEqual({
      x: 100,
      y: 80,
      width: 1400,
      height: 900,
      maximized: true,
    });
  });

  it('drops a position on a display that is gone, keeping the size', () => {
    expect(restoreBounds({ x: 3000, y: 100, width: 1000, height: 700 }, laptop)).toEqual({
      width: 1000,
      height: 700,
      maximized: false,
    });
  });

  it('clamps sizes to the minimum and to the largest display, and ignores junk', () => {
    expect(restoreBounds({ x: 0, y: 0, width: 100, height: 5000 }, laptop)).toMatchObject({ width: 720, height: 1080 });
    expect(restoreBounds('junk', laptop)).toEqual(DEFAULT_SIZE);
    expect(restoreBounds({ width: Number.NaN, height: 3 }, laptop)).toEqual(DEFAULT_SIZE);
  });
});
