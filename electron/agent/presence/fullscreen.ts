/**
 * Is the window in front full-screen?
 *  - Linux X11: `xprop -root _NET_ACTIVE_WINDOW`, then `xprop -id <id> _NET_WM_STATE _NET_WM_NAME`
 *    and look for _NET_WM_STATE_FULLSCREEN (EWMH; every common window manager sets it,
 *    including for borderless "fullscreen windowed" games that request it). After the first
 *    polled read, two `xprop -spy` children follow the same properties (the root's active
 *    window, and that window's state and name): most ticks then cost no spawn at all, and a
 *    change is known as soon as the X server announces it. A polled read every `verifyMs`
 *    (and whenever the spies disagree or are silent) keeps them honest.
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
  "full-screen detection is not available on Wayland (no protocol lets an app see other windows); the watch list and other apps' GPU use (NVML) still work there, so a game that is listed or draws on the GPU still pauses renting";
export const NO_DISPLAY_FULLSCREEN_REASON = 'no X11 desktop (DISPLAY is not set), so there is no window to check';
export const MACOS_FULLSCREEN_REASON = 'full-screen detection is not available on macOS yet';
export const X11_FULLSCREEN_VIA = 'xprop (X11 _NET_ACTIVE_WINDOW, _NET_WM_STATE)';
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
  /**
   * Follow changes with `xprop -spy` (default on): no spawn per tick, the state as soon as
   * the X server announces it. A polled read still runs every `verifyMs` and whenever the
   * spies have nothing yet, so a spy that died (window gone, X server restarted) is noticed.
   */
  spy?: boolean;
  verifyMs?: number;
}

export const XPROP_SPY_ROOT_ARGS = ['-root', '-spy', '_NET_ACTIVE_WINDOW'];
export const xpropSpyWindowArgs = (windowId: string): string[] => ['-id', windowId, '-spy', '_NET_WM_STATE', '_NET_WM_NAME'];

/** Two long-lived `xprop -spy` children: the root's active window, and that window's state. */
interface Spies {
  root: { stop(): void };
  window: { stop(): void } | null;
  /** undefined until the root spy has spoken; null when no window is active. */
  windowId: string | null | undefined;
  /** The window spy's latest line per property. */
  lines: Map<'state' | 'name', string>;
  /**
   * xprop -spy watches only atoms that existed when it started ("no such atom on any
   * window": nobody has set _NET_WM_STATE on this display yet). Such a spy never reports,
   * so polled reads answer until it is restarted (every verifyMs).
   */
  blind: boolean;
  startedAt: number;
}

const toReading = (state: { fullscreen: boolean; name: string | undefined }): FullscreenReading =>
  state.fullscreen && state.name !== undefined ? { available: true, active: true, app: state.name } : { available: true, active: state.fullscreen };

export function createFullscreenSource(options: FullscreenSourceOptions): FullscreenSource {
  const { platform, runner, env, native } = options;
  const nowMs = options.nowMs ?? (() => performance.now());
  const recheckMissingMs = options.recheckMissingMs ?? 60_000;
  const spyEnabled = options.spy ?? true;
  const verifyMs = options.verifyMs ?? 10_000;
  let missingSince: number | null = null;
  let spies: Spies | null = null;
  let verifiedAt = Number.NEGATIVE_INFINITY;
  const unavailable = (reason: string): FullscreenReading => ({ available: false, reason });
  const xprop = (args: string[]) => runner.run('xprop', args, { timeoutMs: COMMAND_TIMEOUT_MS });

  function startSpies(): Spies {
    const spied: Spies = { root: { stop: () => undefined }, window: null, windowId: undefined, lines: new Map(), blind: false, startedAt: nowMs() };
    spied.root = runner.stream('xprop', XPROP_SPY_ROOT_ARGS, (line) => {
      if (!line.startsWith('_NET_ACTIVE_WINDOW')) return;
      if (line.includes('no such atom')) spied.blind = true;
      const id = parseActiveWindow(line);
      if (id === spied.windowId) return;
      spied.window?.stop();
      spied.window = null;
      spied.lines = new Map();
      spied.windowId = id;
      if (!id) return;
      spied.window = runner.stream('xprop', xpropSpyWindowArgs(id), (windowLine) => {
        if (windowLine.includes('no such atom')) spied.blind = true;
        if (windowLine.startsWith('_NET_WM_STATE')) spied.lines.set('state', windowLine);
        else if (windowLine.startsWith('_NET_WM_NAME')) spied.lines.set('name', windowLine);
      });
    });
    return spied;
  }

  function stopSpies(): void {
    spies?.window?.stop();
    spies?.root.stop();
    spies = null;
  }

  /** What the spies say, or null while they have not said enough. */
  function spiedReading(spied: Spies): FullscreenReading | null {
    if (spied.windowId === undefined || spied.blind) return null;
    if (spied.windowId === null) return { available: true, active: false };
    // xprop -spy prints every asked property once at start ("not found." included).
    if (!spied.lines.has('state') || !spied.lines.has('name')) return null;
    return toReading(parseWindowState([...spied.lines.values()].join('\n')));
  }

  async function poll(): Promise<FullscreenReading> {
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
    return toReading(parseWindowState(window.stdout));
  }

  return {
    via: native ? undefined : platform === 'linux' ? X11_FULLSCREEN_VIA : undefined,
    close: stopSpies,
    async read() {
      if (native) return native.read();
      if (platform === 'win32') return unavailable(WINDOWS_FULLSCREEN_REASON);
      if (platform === 'darwin') return unavailable(MACOS_FULLSCREEN_REASON);
      if (env.WAYLAND_DISPLAY || env.XDG_SESSION_TYPE === 'wayland') return unavailable(WAYLAND_FULLSCREEN_REASON);
      if (!env.DISPLAY) return unavailable(NO_DISPLAY_FULLSCREEN_REASON);

      const spied = spies ? spiedReading(spies) : null;
      if (spied && nowMs() - verifiedAt < verifyMs) return spied;
      const polled = await poll();
      verifiedAt = nowMs();
      if (!polled.available) {
        stopSpies();
        return polled;
      }
      // Spies out of step with the X server (one died, a window vanished): start afresh.
      if (spies && spied && JSON.stringify(spied) !== JSON.stringify(polled)) stopSpies();
      if (spies?.blind && nowMs() - spies.startedAt >= verifyMs) stopSpies();
      if (!spies && spyEnabled) spies = startSpies();
      return polled;
    },
  };
}

function describe(result: { kind: string; code?: number; stderr?: string }): string {
  if (result.kind === 'exited') return (result.stderr ?? '').trim() || `exit ${result.code}`;
  return result.kind;
}
