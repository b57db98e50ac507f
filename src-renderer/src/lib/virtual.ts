// Windowing math for virtualised lists with fixed-height rows: which rows to render for a scroll
// position, plus the spacer heights that keep the scrollbar true. Pure and unit-tested.

export interface WindowInput {
  count: number;
  rowHeight: number;
  scrollTop: number;
  viewportHeight: number;
  /** Extra rows rendered above and below the viewport so fast scrolling shows no gaps. */
  overscan?: number;
}

export interface VirtualWindow {
  /** First rendered index (inclusive). */
  start: number;
  /** Last rendered index (exclusive). */
  end: number;
  /** Height of the spacer before the first rendered row. */
  before: number;
  /** Height of the spacer after the last rendered row. */
  after: number;
  total: number;
}

export function computeWindow({
  count,
  rowHeight,
  scrollTop,
  viewportHeight,
  overscan = 8,
}: WindowInput): VirtualWindow {
  const total = Math.max(0, count) * rowHeight;
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0, before: 0, after: 0, total: 0 };
  const maxScroll = Math.max(0, total - viewportHeight);
  const top = Math.min(Math.max(0, scrollTop), maxScroll);
  const first = Math.floor(top / rowHeight);
  const visible = Math.ceil((top + Math.max(0, viewportHeight)) / rowHeight) - first;
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, first + Math.max(visible, 1) + overscan);
  return { start, end, before: start * rowHeight, after: (count - end) * rowHeight, total };
}

/** The scrollTop that brings row `index` fully into view, or null when it already is. */
export function scrollToReveal(
  index: number,
  rowHeight: number,
  scrollTop: number,
  viewportHeight: number,
): number | null {
  const top = index * rowHeight;
  if (top < scrollTop) return top;
  if (top + rowHeight > scrollTop + viewportHeight) return top + rowHeight - viewportHeight;
  return null;
}
