// The main window's size and position, remembered across launches (a small JSON file in the data
// folder). Pure: no electron here, so the clamping rules are unit-tested.
import { promises as fsp } from 'node:fs';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState extends Rect {
  maximized?: boolean;
}

export const DEFAULT_SIZE = { width: 1280, height: 800 };
const MIN = { width: 720, height: 480 };

/**
 * Saved bounds, if they still make sense: a sane size (at least the minimum, at most the largest
 * work area) and a position at least partly on a display that exists now. Otherwise the default
 * size, centred by the window manager.
 */
export function restoreBounds(
  saved: unknown,
  workAreas: Rect[],
): Partial<Rect> & { width: number; height: number; maximized?: boolean } {
  const s = saved as Partial<WindowState> | null;
  const ok = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);
  if (!s || !ok(s.width) || !ok(s.height)) return { ...DEFAULT_SIZE };
  const maxW = Math.max(...workAreas.map((a) => a.width), MIN.width);
  const maxH = Math.max(...workAreas.map((a) => a.height), MIN.height);
  const width = Math.min(Math.max(Math.round(s.width), MIN.width), maxW);
  const height = Math.min(Math.max(Math.round(s.height), MIN.height), maxH);
  const maximized = s.maximized === true;
  if (!ok(s.x) || !ok(s.y)) return { width, height, maximized };
  // Keep it only if at least 100×50 px of its title area is on some display.
  const visible = workAreas.some(
    (a) => s.x! + width - 100 >= a.x && s.x! + 100 <= a.x + a.width && s.y! >= a.y && s.y! + 50 <= a.y + a.height,
  );
  return visible ? { x: Math.round(s.x), y: Math.round(s.y), width, height, maximized } : { width, height, maximized };
}

export async function loadWindowState(file: string): Promise<unknown> {
  try {
    return JSON.parse(await fsp.readFile(file, 'utf8')) as unknown;
  } catch {
    return null;
  }
}

export async function saveWindowState(file: string, state: WindowState): Promise<void> {
  const tmp = `${file}.tmp`;
  await fsp.writeFile(tmp, JSON.stringify(state));
  await fsp.rename(tmp, file);
}
