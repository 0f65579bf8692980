/**
 * Is the window in front full-screen?
 *  - Linux X11: `xprop -root _NET_ACTIVE_WINDOW`, then `xprop -id <id> _NET_WM_STATE _NET_WM_NAME`
 *    and look for _NET_WM_STATE_FULLSCREEN (EWMH; every common window manager sets it,
 *    including for borderless "fullscreen windowed" games that request it).
 *  - Linux Wayland / no DISPLAY: unavailable (no protocol lets a client see other windows).
 *  - Windows: the native check (`NativeFullscreenCheck`), windows/windows-presence.ts through
 *    koffi: the foreground window's rectangle against its monitor's, SHQueryUserNotificationState
 *    as a hint. Wired by node-presence-sources.ts; unavailable only when koffi cannot load.
 *  - macOS: unavailable.
 */
import type { CommandRunner } from '../ports';
import type { FullscreenReading, FullscreenSource } from './presence-ports';

/** The native check (Windows: windows/windows-presence.ts createWindowsFullscreenCheck). */
export interface NativeFullscreenCheck {
  read(): Promise<FullscreenReading>;
}

export const XPROP_ACTIVE_WINDOW_ARGS = ['-root', '_NET_ACTIVE_WINDOW'];
export const xpropWindowArgs = (windowId: string): string[] => ['-id', windowId, '_NET_WM_STATE', '_NET_WM_NAME'];

export const WINDOWS_FULLSCREEN_REASON =
  'full-screen detection on Windows needs its native check (koffi), which could not be loaded in this desktop app or agent (see the log); add your games to the watch list meanwhile';
export const WAYLAND_FULLSCREEN_REASON =
  'full-screen detection is not available on Wayland (other windows are not visible to apps); add your games to the watch list instead';
export const NO_DISPLAY_FULLSCREEN_REASON = 'no X11 desktop (DISPLAY is not set), so there is no window to check';
export const MACOS_FULLSCREEN_REASON = 'full-screen detection is not available on macOS yet';
export const NO_XPROP_REASON = 'xprop is not installed (Debian/Ubuntu: sudo apt install x11-utils)';

const COMMAND_TIMEOUT_MS = 2_000;

/** "_NET_ACTIVE_WINDOW(WINDOW): window id # 0x3a00007" → "0x3a00007"; null for none (0x0) or unknown. */
export function parseActiveWindow(stdout: string): string | null {
  const match = /window id #\s*(0x[0-9a-fA-F]+)/.exec(stdout);
  if (!match?.[1] || /^0x0+$/.test(match[1])) return null;
  return match[1];
}

/** From `xprop -id <id> _NET_WM_STATE _NET_WM_NAME`. */
export function parseWindowState(stdout: string): { fullscreen: boolean; name: string | undefined } {
  const stateLine = stdout.split(/\r?\n/).find((line) => line.startsWith('_NET_WM_STATE')) ?? '';
  const nameMatch = /^_NET_WM_NAME\([^)]*\)\s*=\s*"((?:[^"\\]|\\.)*)"/m.exec(stdout);
  return {
    fullscreen: /\b_NET_WM_STATE_FULLSCREEN\b/.test(stateLine),
    name: nameMatch?.[1]?.replace(/\\(.)/g, '$1') || undefined,
  };
}

export interface FullscreenSourceOptions {
  platform: NodeJS.Platform;
  runner: CommandRunner;
  env: NodeJS.ProcessEnv;
  native?: NativeFullscreenCheck;
  /** Monotonic ms, for not retrying a missing xprop on every tick. */
  nowMs?: () => number;
  /** How long "xprop is not installed" is believed before looking again. */
  recheckMissingMs?: number;
}

export function createFullscreenSource(options: FullscreenSourceOptions): FullscreenSource {
  const { platform, runner, env, native } = options;
  const nowMs = options.nowMs ?? (() => performance.now());
  const recheckMissingMs = options.recheckMissingMs ?? 60_000;
  let missingSince: number | null = null;
  const unavailable = (reason: string): FullscreenReading => ({ available: false, reason });
  const xprop = (args: string[]) => runner.run('xprop', args, { timeoutMs: COMMAND_TIMEOUT_MS });

  return {
    async read() {
      if (native) return native.read();
      if (platform === 'win32') return unavailable(WINDOWS_FULLSCREEN_REASON);
      if (platform === 'darwin') return unavailable(MACOS_FULLSCREEN_REASON);
      if (env.WAYLAND_DISPLAY || env.XDG_SESSION_TYPE === 'wayland') return unavailable(WAYLAND_FULLSCREEN_REASON);
      if (!env.DISPLAY) return unavailable(NO_DISPLAY_FULLSCREEN_REASON);

      if (missingSince !== null && nowMs() - missingSince < recheckMissingMs) return unavailable(NO_XPROP_REASON);
      const root = await xprop(XPROP_ACTIVE_WINDOW_ARGS);
      if (root.kind === 'missing') {
        missingSince = nowMs();
        return unavailable(NO_XPROP_REASON);
      }
      missingSince = null;
      if (root.kind !== 'exited' || root.code !== 0) {
        return unavailable(`cannot reach the X server on ${env.DISPLAY} (xprop: ${describe(root)})`);
      }
      const windowId = parseActiveWindow(root.stdout);
      if (!windowId) return { available: true, active: false };
      const window = await xprop(xpropWindowArgs(windowId));
      // The window can close between the two calls: then nothing full-screen is in front.
      if (window.kind !== 'exited' || window.code !== 0) return { available: true, active: false };
      const state = parseWindowState(window.stdout);
      return state.fullscreen && state.name !== undefined
        ? { available: true, active: true, app: state.name }
        : { available: true, active: state.fullscreen };
    },
  };
}

function describe(result: { kind: string; code?: number; stderr?: string }): string {
  if (result.kind === 'exited') return (result.stderr ?? '').trim() || `exit ${result.code}`;
  return result.kind;
}
