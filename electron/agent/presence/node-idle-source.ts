/**
 * Idle time for the headless agent (the desktop app uses Electron's powerMonitor instead).
 *
 * Linux, in order of preference:
 *  1. `xprintidle` on a plain X11 session (DISPLAY set, no WAYLAND_DISPLAY): exact, from the
 *     X server's screensaver extension. Under XWayland it only sees input to X windows, so
 *     it is not used there.
 *  2. logind: the desktop (GNOME, KDE, ...) tells logind when the session goes idle, and
 *     `loginctl show-session` reads that hint. It is coarse: while IdleHint=no we report
 *     0 s (the desktop's own idle delay, often 5 min, has not passed), once it is yes we
 *     count from IdleSinceHintMonotonic. Errs on the side of "the owner is here".
 *     A desktop that never set the hint (both timestamps 0, hint no) is not trusted: it
 *     would read "active" forever.
 *  3. Otherwise unavailable, with a reason that says what to do.
 * Windows and macOS: headless mode has no way to ask without a native helper; unavailable.
 *
 * The working method is cached: a read costs one spawn (xprintidle or loginctl). When no
 * method works, nothing is spawned until `rediscoverMs` has passed (a desktop may log in later).
 */
import type { Clock, CommandRunner } from '../ports';
import type { IdleReading, IdleSource } from './presence-ports';

export const WAYLAND_IDLE_REASON =
  'idle time is not available on Wayland from headless mode; use the desktop app, or turn off idle detection';
export const NO_SESSION_IDLE_REASON =
  'no desktop session is logged in, so there is no keyboard or mouse to watch; use the desktop app on a logged-in desktop, or turn off idle detection';
export const platformIdleReason = (platform: NodeJS.Platform): string =>
  `idle time is not available on ${platform === 'win32' ? 'Windows' : platform === 'darwin' ? 'macOS' : platform} from headless mode; use the desktop app, or turn off idle detection`;

const COMMAND_TIMEOUT_MS = 2_000;
const GRAPHICAL_TYPES = new Set(['x11', 'wayland', 'mir']);

export interface LoginctlSession {
  id: string;
  uid: number | null;
}

/** `loginctl list-sessions --no-legend`: "SESSION UID USER SEAT TTY ..." (columns vary by version). */
export function parseListSessions(stdout: string): LoginctlSession[] {
  const sessions: LoginctlSession[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const cells = line.trim().split(/\s+/);
    const id = cells[0];
    if (!id || !/^[A-Za-z0-9_-]+$/.test(id)) continue;
    const uid = Number(cells[1]);
    sessions.push({ id, uid: Number.isInteger(uid) ? uid : null });
  }
  return sessions;
}

/** `loginctl show-session A B -p X -p Y`: KEY=VALUE lines, one block per session, blank line between. */
export function parseShowSession(stdout: string): Array<Record<string, string>> {
  const blocks: Array<Record<string, string>> = [];
  let current: Record<string, string> = {};
  for (const raw of stdout.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') {
      if (Object.keys(current).length > 0) blocks.push(current);
      current = {};
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0) current[line.slice(0, eq)] = line.slice(eq + 1);
  }
  if (Object.keys(current).length > 0) blocks.push(current);
  return blocks;
}

export const SESSION_DISCOVERY_PROPERTIES = ['Id', 'Type', 'Class', 'Active', 'Remote', 'IdleHint', 'IdleSinceHint', 'IdleSinceHintMonotonic'];
export const SESSION_IDLE_PROPERTIES = ['IdleHint', 'IdleSinceHint', 'IdleSinceHintMonotonic'];
export const showSessionArgs = (ids: readonly string[], properties: readonly string[]): string[] => [
  'show-session',
  ...ids,
  ...properties.flatMap((p) => ['-p', p]),
];

/** The local graphical session to watch: ours (XDG_SESSION_ID) first, then active, then any. */
export function pickGraphicalSession(
  blocks: ReadonlyArray<Record<string, string>>,
  preferredId: string | undefined,
): Record<string, string> | null {
  const graphical = blocks.filter(
    (b) => GRAPHICAL_TYPES.has(b.Type ?? '') && (b.Class ?? 'user') === 'user' && b.Remote !== 'yes',
  );
  return (
    graphical.find((b) => b.Id === preferredId) ?? graphical.find((b) => b.Active === 'yes') ?? graphical[0] ?? null
  );
}

/** True when the desktop ever set the idle hint; otherwise IdleHint=no means nothing. */
export const hintMaintained = (b: Record<string, string>): boolean =>
  b.IdleHint === 'yes' || Number(b.IdleSinceHint ?? 0) > 0 || Number(b.IdleSinceHintMonotonic ?? 0) > 0;

/**
 * Seconds idle from logind's properties. IdleSinceHintMonotonic is CLOCK_MONOTONIC µs (the
 * clock process.hrtime uses), immune to wall-clock changes; IdleSinceHint is realtime µs.
 */
export function logindIdleSeconds(b: Record<string, string>, monotonicMicros: number, nowMs: number): number | null {
  if (b.IdleHint === 'no') return 0;
  if (b.IdleHint !== 'yes') return null;
  const mono = Number(b.IdleSinceHintMonotonic ?? 0);
  if (Number.isFinite(mono) && mono > 0) return Math.max(0, Math.floor((monotonicMicros - mono) / 1e6));
  const real = Number(b.IdleSinceHint ?? 0);
  if (Number.isFinite(real) && real > 0) return Math.max(0, Math.floor((nowMs * 1000 - real) / 1e6));
  return null;
}

/** `xprintidle` prints milliseconds since the last input. */
export function parseXprintidle(stdout: string): number | null {
  const text = stdout.trim();
  if (!/^\d+$/.test(text)) return null;
  return Math.floor(Number(text) / 1000);
}

export interface NodeIdleSourceOptions {
  runner: CommandRunner;
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  clock: Clock;
  /** CLOCK_MONOTONIC in µs; default process.hrtime. */
  monotonicMicros?: () => number;
  /** How long a "no method works" answer is kept before trying again. */
  rediscoverMs?: number;
}

type Method = { kind: 'xprintidle' } | { kind: 'logind'; sessionId: string } | { kind: 'none'; reason: string; at: number };

export function createNodeIdleSource(options: NodeIdleSourceOptions): IdleSource {
  const { runner, platform, env, clock } = options;
  const monotonicMicros = options.monotonicMicros ?? (() => Number(process.hrtime.bigint() / 1000n));
  const rediscoverMs = options.rediscoverMs ?? 60_000;
  let method: Method | null = null;

  const run = (command: string, args: string[]) => runner.run(command, args, { timeoutMs: COMMAND_TIMEOUT_MS });

  async function readXprintidle(): Promise<number | null> {
    const result = await run('xprintidle', []);
    return result.kind === 'exited' && result.code === 0 ? parseXprintidle(result.stdout) : null;
  }

  const logindReading = (block: Record<string, string> | undefined): IdleReading | null => {
    const seconds = block ? logindIdleSeconds(block, monotonicMicros(), clock.now().getTime()) : null;
    return seconds === null ? null : { available: true, idleSeconds: seconds, source: 'logind' };
  };

  /** Finds a working method; its first reading comes along so discovery spawns nothing twice. */
  async function discover(): Promise<{ method: Method; reading: IdleReading | null }> {
    const wayland = Boolean(env.WAYLAND_DISPLAY) || env.XDG_SESSION_TYPE === 'wayland';
    if (env.DISPLAY && !wayland) {
      const seconds = await readXprintidle();
      if (seconds !== null) {
        return { method: { kind: 'xprintidle' }, reading: { available: true, idleSeconds: seconds, source: 'xprintidle' } };
      }
    }

    let sessionType: string | undefined;
    const list = await run('loginctl', ['list-sessions', '--no-legend']);
    if (list.kind === 'exited' && list.code === 0) {
      const ids = parseListSessions(list.stdout).map((s) => s.id);
      if (ids.length > 0) {
        const show = await run('loginctl', showSessionArgs(ids, SESSION_DISCOVERY_PROPERTIES));
        if (show.kind === 'exited' && show.code === 0) {
          const session = pickGraphicalSession(parseShowSession(show.stdout), env.XDG_SESSION_ID);
          sessionType = session?.Type;
          if (session?.Id && hintMaintained(session)) {
            return { method: { kind: 'logind', sessionId: session.Id }, reading: logindReading(session) };
          }
        }
      }
    }
    const reason = wayland || sessionType === 'wayland' ? WAYLAND_IDLE_REASON : NO_SESSION_IDLE_REASON;
    return { method: { kind: 'none', reason, at: clock.now().getTime() }, reading: { available: false, reason } };
  }

  async function readWith(current: Method): Promise<IdleReading | null> {
    if (current.kind === 'none') return { available: false, reason: current.reason };
    if (current.kind === 'xprintidle') {
      const seconds = await readXprintidle();
      return seconds === null ? null : { available: true, idleSeconds: seconds, source: 'xprintidle' };
    }
    const result = await run('loginctl', showSessionArgs([current.sessionId], SESSION_IDLE_PROPERTIES));
    if (result.kind !== 'exited' || result.code !== 0) return null;
    return logindReading(parseShowSession(result.stdout)[0]);
  }

  async function rediscover(): Promise<IdleReading> {
    const found = await discover();
    method = found.method;
    return found.reading ?? { available: false, reason: NO_SESSION_IDLE_REASON };
  }

  return {
    async read() {
      if (platform !== 'linux') return { available: false, reason: platformIdleReason(platform) };
      if (method?.kind === 'none' && clock.now().getTime() - method.at >= rediscoverMs) method = null;
      if (method === null) return rediscover();
      // A cached method that stopped working (X server gone, session logged out): find another.
      return (await readWith(method)) ?? rediscover();
    },
  };
}
