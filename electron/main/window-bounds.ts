/**
 * The window comes back where the owner left it: bounds and maximized state in a small
 * JSON file in userData (window-state.json), checked against the displays connected now
 * so a window last seen on an unplugged monitor opens on the primary one instead.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeJsonAtomically } from '../agent/node-adapters/atomic-json-file';
import type { Rectangle } from './desktop-ports';

const RectangleSchema = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().min(1),
  height: z.number().int().min(1),
});

export const WindowStateSchema = z.object({ bounds: RectangleSchema, maximized: z.boolean() });
export type WindowState = z.infer<typeof WindowStateSchema>;

export const MIN_WINDOW = { width: 820, height: 600 } as const;
export const DEFAULT_WINDOW = { width: 1200, height: 820 } as const;

/** A window must show at least this much of itself on some display to count as visible. */
const MIN_VISIBLE_PX = 100;

function overlap(a: Rectangle, b: Rectangle): { width: number; height: number } {
  return {
    width: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    height: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
  };
}

/**
 * Where to open the window. `workAreas` are the displays' work areas now, primary first.
 * Saved bounds are used when their title bar area is on a display (clamped to that
 * display's size); otherwise the default size, centred on the primary display.
 */
export function restoreWindowState(saved: WindowState | null, workAreas: readonly Rectangle[]): WindowState {
  const primary = workAreas[0] ?? { x: 0, y: 0, ...DEFAULT_WINDOW };
  const centred = (): Rectangle => {
    const width = Math.min(DEFAULT_WINDOW.width, primary.width);
    const height = Math.min(DEFAULT_WINDOW.height, primary.height);
    return {
      x: primary.x + Math.round((primary.width - width) / 2),
      y: primary.y + Math.round((primary.height - height) / 2),
      width,
      height,
    };
  };
  if (!saved) return { bounds: centred(), maximized: false };
  // The top strip (title bar) must be reachable, or the owner cannot move the window.
  const titleBar = { ...saved.bounds, height: Math.min(saved.bounds.height, 40) };
  const home = workAreas.find((area) => {
    const o = overlap(titleBar, area);
    return o.width >= Math.min(MIN_VISIBLE_PX, saved.bounds.width) && o.height > 0;
  });
  if (!home) return { bounds: centred(), maximized: saved.maximized };
  const width = Math.max(MIN_WINDOW.width, Math.min(saved.bounds.width, home.width));
  const height = Math.max(MIN_WINDOW.height, Math.min(saved.bounds.height, home.height));
  return { bounds: { ...saved.bounds, width, height }, maximized: saved.maximized };
}

export const windowStateFile = (userDataDir: string): string => join(userDataDir, 'window-state.json');

/** A missing or damaged file is simply "no saved state": the window opens centred. */
export function loadWindowState(file: string): WindowState | null {
  try {
    const parsed = WindowStateSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function saveWindowState(file: string, state: WindowState): Promise<void> {
  return writeJsonAtomically(file, WindowStateSchema.parse({ ...state, bounds: roundRect(state.bounds) }));
}

const roundRect = (r: Rectangle): Rectangle => ({
  x: Math.round(r.x),
  y: Math.round(r.y),
  width: Math.round(r.width),
  height: Math.round(r.height),
});
