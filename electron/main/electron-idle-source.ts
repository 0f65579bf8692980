/**
 * Idle time in the desktop app: Electron's powerMonitor.getSystemIdleTime() (whole seconds
 * since the last keyboard/mouse input; Windows GetLastInputInfo, macOS IOKit HIDIdleTime,
 * Linux the X11 screensaver extension). powerMonitor is injected so this is unit-testable
 * without Electron; pass `powerMonitor` from 'electron' after app 'ready'.
 *
 * Caveats:
 *  - Wayland: Electron running through XWayland reports 0, or misses input that goes to
 *    native Wayland windows (electron#27912). Under Wayland the app should run with
 *    `--ozone-platform=wayland`, where Chromium asks the compositor (ext-idle-notify) instead.
 *    Until that is verified we say where the number comes from in `source`.
 *  - Some Windows setups always return 0 (electron#30126): reads as "active", never rents,
 *    which errs on the owner's side.
 *  - Game-pad input does not reset the OS idle timer on Windows or Linux: a controller-only
 *    player looks idle. The process watch list and the full-screen check cover that case.
 */
import type { IdleReading, IdleSource } from '../agent/presence/presence-ports';
import { loadKoffi } from '../agent/presence/windows/load-koffi';

/** The part of Electron's powerMonitor this needs. */
export interface PowerMonitorLike {
  getSystemIdleTime(): number;
}

export function createElectronIdleSource(
  powerMonitor: PowerMonitorLike,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): IdleSource {
  const source =
    platform === 'linux' && (env.WAYLAND_DISPLAY || env.XDG_SESSION_TYPE === 'wayland')
      ? 'electron-powerMonitor (Wayland: may miss input to native Wayland windows)'
      : 'electron-powerMonitor';
  return {
    read(): Promise<IdleReading> {
      try {
        const seconds = powerMonitor.getSystemIdleTime();
        if (!Number.isFinite(seconds) || seconds < 0) {
          return Promise.resolve({ available: false, reason: `the system reported an invalid idle time (${seconds})` });
        }
        return Promise.resolve({ available: true, idleSeconds: seconds, source });
      } catch (error) {
        return Promise.resolve({ available: false, reason: `the system idle time cannot be read: ${(error as Error).message}` });
      }
    },
  };
}

/**
 * Which idle source the desktop app hands the agent. On Windows none (undefined): the
 * agent's own source reads GetLastInputInfo through koffi, the same call powerMonitor makes,
 * so the desktop app and headless mode report the same thing (source "GetLastInputInfo").
 * Where koffi cannot load there, and on every other system, Electron's powerMonitor.
 */
export function chooseDesktopIdleSource(
  powerMonitor: PowerMonitorLike,
  platform: NodeJS.Platform = process.platform,
  windowsNativeLoads: () => boolean = () => loadKoffi().ok,
): IdleSource | undefined {
  if (platform === 'win32' && windowsNativeLoads()) return undefined;
  return createElectronIdleSource(powerMonitor, process.env, platform);
}
