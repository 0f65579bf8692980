import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  loadWindowState,
  restoreWindowState,
  saveWindowState,
  windowStateFile,
} from '../../../electron/main/window-bounds';
import { tempDir } from '../../helpers/temp-dir';

const primary = { x: 0, y: 0, width: 1920, height: 1040 };
const right = { x: 1920, y: 0, width: 2560, height: 1400 };

describe('restoreWindowState', () => {
  it('no saved state: the default size, centred on the primary display', () => {
    expect(restoreWindowState(null, [primary, right])).toEqual({
      bounds: { x: 360, y: 110, width: 1200, height: 820 },
      maximized: false,
    });
  });

  it('keeps bounds that are on a connected display, including a secondary one', () => {
    const saved = { bounds: { x: 2100, y: 100, width: 1400, height: 900 }, maximized: true };
    expect(restoreWindowState(saved, [primary, right])).toEqual(saved);
  });

  it('a window left on a monitor that is gone opens centred on the primary one', () => {
    const saved = { bounds: { x: 2100, y: 100, width: 1400, height: 900 }, maximized: false };
    expect(restoreWindowState(saved, [primary]).bounds).toEqual({ x: 360, y: 110, width: 1200, height: 820 });
  });

  it('a title bar above the top of every display does not count as visible', () => {
    const saved = { bounds: { x: 100, y: -500, width: 1000, height: 700 }, maximized: false };
    expect(restoreWindowState(saved, [primary]).bounds.y).toBe(110);
  });

  it('clamps a window larger than its display, never below the minimum size', () => {
    const small = { x: 0, y: 0, width: 1024, height: 700 };
    const saved = { bounds: { x: 0, y: 0, width: 3000, height: 2000 }, maximized: false };
    expect(restoreWindowState(saved, [small]).bounds).toEqual({ x: 0, y: 0, width: 1024, height: 700 });
    const tiny = { x: 0, y: 0, width: 640, height: 480 };
    expect(restoreWindowState(saved, [tiny]).bounds).toMatchObject({ width: 820, height: 600 });
  });
});

describe('window-state.json', () => {
  const dir = tempDir('rigshift-bounds-');
  afterEach(() => undefined);

  it('round-trips, and a damaged or foreign file reads as "nothing saved"', async () => {
    const file = windowStateFile(dir.path);
    expect(loadWindowState(file)).toBeNull();
    await saveWindowState(file, { bounds: { x: 10.4, y: 20.6, width: 900, height: 700 }, maximized: false });
    expect(loadWindowState(file)).toEqual({ bounds: { x: 10, y: 21, width: 900, height: 700 }, maximized: false });
    writeFileSync(file, '{"bounds": {"x": "left"}}');
    expect(loadWindowState(file)).toBeNull();
    writeFileSync(join(dir.path, 'window-state.json'), 'not json');
    expect(loadWindowState(file)).toBeNull();
    dir.cleanup();
  });
});
