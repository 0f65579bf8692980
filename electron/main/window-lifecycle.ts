/**
 * The window's life in a tray app: closing hides it (when the owner wants that and a tray
 * exists), a second launch focuses it, and its bounds are saved as the owner moves it.
 */
import type { AppPort, WindowPort } from './desktop-ports';
import type { WindowState } from './window-bounds';

/** Shows the window, un-minimized and focused (tray click, second launch, notification). */
export function focusWindow(window: WindowPort): void {
  if (window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}

/**
 * One instance per user: a second launch hands over to the first (which shows its window)
 * and quits. Returns false in the second instance.
 */
export function claimSingleInstance(app: AppPort, onSecondLaunch: () => void): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.onSecondInstance(onSecondLaunch);
  return true;
}

export interface CloseToTrayDeps {
  window: WindowPort;
  /** settings.desktop.closeToTray, read at each close. */
  closeToTray(): boolean;
  /** A tray icon exists (some Linux desktops have none: then closing quits). */
  trayAvailable(): boolean;
  /** Set once the owner chose Quit (menu, tray, OS shutdown): closing then really closes. */
  quitting(): boolean;
  /** Called the first time the window hides instead of closing (to say where it went). */
  onFirstHide?(): void;
}

export function installCloseToTray(deps: CloseToTrayDeps): () => void {
  let hiddenOnce = false;
  return deps.window.onClose((event) => {
    if (deps.quitting() || !deps.closeToTray() || !deps.trayAvailable()) return;
    event.preventDefault();
    deps.window.hide();
    if (!hiddenOnce) {
      hiddenOnce = true;
      deps.onFirstHide?.();
    }
  });
}

export interface BoundsTrackerDeps {
  window: WindowPort;
  save(state: WindowState): void;
  /** Moves and resizes come in bursts: save once they settle. */
  debounceMs?: number;
  timers?: { setTimeout(fn: () => void, ms: number): unknown; clearTimeout(handle: unknown): void };
}

/** Saves the bounds after moves/resizes settle, and once more right before closing. */
export function trackWindowBounds(deps: BoundsTrackerDeps): () => void {
  const timers = deps.timers ?? {
    setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
    clearTimeout: (handle: unknown) => clearTimeout(handle as NodeJS.Timeout),
  };
  let pending: unknown = null;
  const current = (): WindowState | null =>
    deps.window.isDestroyed() ? null : { bounds: deps.window.getNormalBounds(), maximized: deps.window.isMaximized() };
  const flush = () => {
    if (pending !== null) timers.clearTimeout(pending);
    pending = null;
    // Normal bounds, so a maximized window un-maximizes to where it was; a minimized
    // window's position is meaningless on some platforms, so it is not saved.
    const state = current();
    if (state && !deps.window.isMinimized()) deps.save(state);
  };
  const offBounds = deps.window.onBoundsChanged(() => {
    if (pending !== null) timers.clearTimeout(pending);
    pending = timers.setTimeout(flush, deps.debounceMs ?? 500);
  });
  const offClose = deps.window.onClose(() => flush());
  return () => {
    offBounds();
    offClose();
    if (pending !== null) timers.clearTimeout(pending);
  };
}
