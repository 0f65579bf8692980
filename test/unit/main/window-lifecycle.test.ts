import { describe, expect, it } from 'vitest';
import type { AppPort } from '../../../electron/main/desktop-ports';
import { claimSingleInstance, focusWindow, installCloseToTray, trackWindowBounds } from '../../../electron/main/window-lifecycle';
import type { WindowState } from '../../../electron/main/window-bounds';
import { fakeWindow } from './fixtures';

function fakeApp(lock: boolean) {
  const log: string[] = [];
  let second: (() => void) | null = null;
  const app: AppPort = {
    requestSingleInstanceLock: () => lock,
    onSecondInstance: (listener) => (second = listener),
    quit: () => log.push('quit'),
  };
  return { app, log, launchAgain: () => second?.() };
}

describe('single instance', () => {
  it('the first instance keeps running and focuses its window on a second launch', () => {
    const { app, log, launchAgain } = fakeApp(true);
    const win = fakeWindow();
    win.state.visible = false;
    win.state.minimized = true;
    expect(claimSingleInstance(app, () => focusWindow(win.window))).toBe(true);
    launchAgain();
    expect(log).toEqual([]);
    expect(win.log).toEqual(['restore', 'show', 'focus']);
    expect(win.state.visible).toBe(true);
  });

  it('a second instance quits at once', () => {
    const { app, log } = fakeApp(false);
    expect(claimSingleInstance(app, () => undefined)).toBe(false);
    expect(log).toEqual(['quit']);
  });

  it('focusing a destroyed window does nothing', () => {
    const win = fakeWindow();
    win.state.destroyed = true;
    focusWindow(win.window);
    expect(win.log).toEqual([]);
  });
});

describe('close to tray', () => {
  const setup = (options: { closeToTray: boolean; tray?: boolean }) => {
    const win = fakeWindow();
    let quitting = false;
    let hides = 0;
    installCloseToTray({
      window: win.window,
      closeToTray: () => options.closeToTray,
      trayAvailable: () => options.tray ?? true,
      quitting: () => quitting,
      onFirstHide: () => (hides += 1),
    });
    return { win, quit: () => (quitting = true), hides: () => hides };
  };

  it('with the setting on, closing hides the window (once announced) instead of quitting', () => {
    const { win, hides } = setup({ closeToTray: true });
    expect(win.close()).toBe(true);
    expect(win.state.visible).toBe(false);
    win.window.show();
    expect(win.close()).toBe(true);
    expect(hides()).toBe(1);
  });

  it('with the setting off, closing closes', () => {
    const { win } = setup({ closeToTray: false });
    expect(win.close()).toBe(false);
  });

  it('without a tray (a desktop with no status area) closing closes, or the app would be unreachable', () => {
    expect(setup({ closeToTray: true, tray: false }).win.close()).toBe(false);
  });

  it('after Quit was chosen, closing really closes', () => {
    const { win, quit } = setup({ closeToTray: true });
    quit();
    expect(win.close()).toBe(false);
  });
});

describe('window bounds tracking', () => {
  function manualTimers() {
    const pending = new Map<number, () => void>();
    let next = 0;
    return {
      timers: {
        setTimeout: (fn: () => void) => (pending.set(++next, fn), next),
        clearTimeout: (handle: unknown) => pending.delete(handle as number),
      },
      fire: () => [...pending.entries()].forEach(([id, fn]) => (pending.delete(id), fn())),
      count: () => pending.size,
    };
  }

  it('saves once a burst of moves settles, and again right before closing', () => {
    const win = fakeWindow();
    const saved: WindowState[] = [];
    const clock = manualTimers();
    trackWindowBounds({ window: win.window, save: (s) => saved.push(s), timers: clock.timers });
    win.moved({ x: 1, y: 1, width: 900, height: 700 });
    win.moved({ x: 2, y: 2, width: 900, height: 700 });
    win.moved({ x: 3, y: 3, width: 901, height: 700 });
    expect(clock.count()).toBe(1);
    clock.fire();
    expect(saved).toEqual([{ bounds: { x: 3, y: 3, width: 901, height: 700 }, maximized: false }]);
    win.state.maximized = true;
    win.close();
    expect(saved[1]).toEqual({ bounds: { x: 3, y: 3, width: 901, height: 700 }, maximized: true });
  });

  it('does not save a minimized window', () => {
    const win = fakeWindow();
    const saved: WindowState[] = [];
    trackWindowBounds({ window: win.window, save: (s) => saved.push(s), timers: manualTimers().timers });
    win.state.minimized = true;
    win.close();
    expect(saved).toEqual([]);
  });
});
