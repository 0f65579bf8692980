/**
 * Full screen on Windows: the foreground window's rectangle covers its monitor's. This is
 * how exclusive full screen (the window is resized to the display mode) and borderless
 * "full-screen windowed" games both look, and it is instant, unlike
 * SHQueryUserNotificationState, which is late, answers BUSY on Optimus laptops and for
 * borderless windows, can be faked through the __DDrawExclMode__ mutex, and always answers 5
 * (accepts notifications) under Wine. That call is kept as a hint only: when it says a
 * Direct3D app is exclusively full screen, that counts even if the rectangles disagree.
 *
 * The shell's own windows cover the screen too (the desktop behind everything: Progman,
 * WorkerW, #32769) and are skipped, as are the taskbar and our own windows.
 */
import type { Rect } from './win32-structs';

/** Window classes of the shell: the desktop, the wallpaper worker, the taskbars. */
export const SHELL_WINDOW_CLASSES = new Set(['#32769', 'Progman', 'WorkerW', 'Shell_TrayWnd', 'Shell_SecondaryTrayWnd']);

/** QUERY_USER_NOTIFICATION_STATE values (shellapi.h). */
export const QUNS = {
  NOT_PRESENT: 1,
  BUSY: 2,
  RUNNING_D3D_FULL_SCREEN: 3,
  PRESENTATION_MODE: 4,
  ACCEPTS_NOTIFICATIONS: 5,
  QUIET_TIME: 6,
  APP: 7,
} as const;

export interface ForegroundFacts {
  className: string;
  pid: number;
  ownPid: number;
  minimized: boolean;
  windowRect: Rect | null;
  monitorRect: Rect | null;
  /** SHQueryUserNotificationState's answer, or null when the call failed. */
  notificationState: number | null;
}

export type ForegroundVerdict = { fullscreen: false; why: 'shell' | 'own' | 'minimized' | 'smaller' } | { fullscreen: true; by: 'rect' | 'd3d-hint' };

export const coversMonitor = (window: Rect, monitor: Rect): boolean =>
  monitor.right > monitor.left &&
  monitor.bottom > monitor.top &&
  window.left <= monitor.left &&
  window.top <= monitor.top &&
  window.right >= monitor.right &&
  window.bottom >= monitor.bottom;

export function classifyForeground(facts: ForegroundFacts): ForegroundVerdict {
  if (SHELL_WINDOW_CLASSES.has(facts.className)) return { fullscreen: false, why: 'shell' };
  if (facts.pid === facts.ownPid) return { fullscreen: false, why: 'own' };
  if (facts.minimized) return { fullscreen: false, why: 'minimized' };
  if (facts.windowRect && facts.monitorRect && coversMonitor(facts.windowRect, facts.monitorRect)) {
    return { fullscreen: true, by: 'rect' };
  }
  if (facts.notificationState === QUNS.RUNNING_D3D_FULL_SCREEN) return { fullscreen: true, by: 'd3d-hint' };
  return { fullscreen: false, why: 'smaller' };
}
