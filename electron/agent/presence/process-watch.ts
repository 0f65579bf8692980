/**
 * Which watched programs (games, the owner's own entries) are running, from the cheapest
 * process listing each OS offers:
 *  - Linux: /proc, no spawn. /proc/<pid>/comm is cut to 15 characters ("Cyberpunk2077.e"),
 *    so argv[0]'s basename from /proc/<pid>/cmdline is read too (full name; also how
 *    Proton/Wine games appear: "Z:\...\eldenring.exe"). /proc/<pid>/exe would be exact but
 *    is unreadable for other users' processes without root.
 *  - Windows: a Toolhelp snapshot through koffi (windows/windows-presence.ts, about 3 ms),
 *    chosen by node-presence-sources.ts. `tasklist /fo csv /nh` (WMI, 0.17–0.25 s of wall
 *    time per call) remains here only for when koffi cannot load.
 *  - macOS: `ps -axo comm=` (full executable paths; the basename is used).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILT_IN_WATCH_LIST } from '../../../shared/domain/game-watchlist';
import type { CommandRunner } from '../ports';
import type { ProcessLister } from './presence-ports';

export const TASKLIST_ARGS = ['/fo', 'csv', '/nh'];
export const PS_ARGS = ['-axo', 'comm='];
const COMMAND_TIMEOUT_MS = 5_000;

/** Last path element, for both separators (Wine paths use backslashes). */
export const baseName = (path: string): string => {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] ?? path;
};

/** Case-folded, without a trailing ".exe", without a directory. */
export const normalizeExecutable = (name: string): string => baseName(name.trim()).toLowerCase().replace(/\.exe$/, '');

function toMatcher(entry: string): (name: string) => boolean {
  const wanted = normalizeExecutable(entry);
  if (!wanted.includes('*')) return (name) => name === wanted;
  const pattern = new RegExp(`^${wanted.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return (name) => pattern.test(name);
}

/** The last call's answer and, per process name, whether it matched (the same entries). */
let lastMatch: { names: readonly string[]; key: string; matchers: Array<(name: string) => boolean>; found: string[]; byName: Map<string, boolean> } | null = null;

/**
 * The process names (as the OS reported them) that match the built-in list (when on) or the
 * owner's entries. Case-insensitive; "game" and "game.exe" are the same; `*` is a wildcard.
 * Memoized while the entries stay the same: the same frozen names array (the Linux scanner
 * returns the same one while nothing changed) gives the same answer without any matching,
 * and a name seen before is not matched again (most names stay from one second to the next).
 */
export function matchWatchList(processNames: readonly string[], options: { builtIn: boolean; watchList: readonly string[] }): string[] {
  const entries = [...(options.builtIn ? BUILT_IN_WATCH_LIST : []), ...options.watchList].filter((e) => e.trim() !== '');
  const key = entries.join('\0');
  if (lastMatch && lastMatch.key === key && lastMatch.names === processNames && Object.isFrozen(processNames)) return [...lastMatch.found];
  const same = lastMatch?.key === key;
  const matchers = same ? lastMatch!.matchers : entries.map(toMatcher);
  const byName = same && lastMatch!.byName.size < 20_000 ? lastMatch!.byName : new Map<string, boolean>();
  const found = new Set<string>();
  for (const name of processNames) {
    let matched = byName.get(name);
    if (matched === undefined) {
      const normalized = normalizeExecutable(name);
      matched = normalized !== '' && matchers.some((matches) => matches(normalized));
      byName.set(name, matched);
    }
    if (matched) found.add(name);
  }
  const sorted = [...found].sort();
  lastMatch = { names: processNames, key, matchers, found: sorted, byName };
  return [...sorted];
}

/** Image names from `tasklist /fo csv /nh`: `"name.exe","1234","Console","1","12,345 K"`. */
export function parseTasklistCsv(stdout: string): string[] {
  const names = new Set<string>();
  for (const line of stdout.split(/\r?\n/)) {
    const match = /^\s*"((?:[^"]|"")*)"/.exec(line);
    if (match?.[1]) names.add(match[1].replace(/""/g, '"'));
  }
  return [...names].sort();
}

/** `ps -axo comm=`: one executable path per line. */
export function parsePsComm(stdout: string): string[] {
  const names = new Set<string>();
  for (const line of stdout.split(/\r?\n/)) {
    const name = baseName(line.trim());
    if (name) names.add(name);
  }
  return [...names].sort();
}

/** argv[0] from a /proc/<pid>/cmdline (NUL-separated), as a basename. */
export function argv0Name(cmdline: string): string {
  const argv0 = cmdline.split('\0')[0] ?? '';
  return baseName(argv0).trim();
}

export interface LinuxScannerOptions {
  /** Every how many scans every known pid's comm is read again (an exec in an old process). Default 5. */
  fullSweepEvery?: number;
  /** For how many scans after it appeared a pid's comm is read on every scan (Wine renaming itself). Default 2. */
  youngScans?: number;
}

/**
 * Every process's comm and argv[0] basename under `procRoot`. Each scan lists the pids
 * (one readdir); comm is read for a new pid, for a pid first seen within the last
 * `youngScans` scans (a launcher or Wine renames itself right after start), and for every
 * pid on each `fullSweepEvery`-th scan (an exec in an old process: seen within that many
 * scans); cmdline only for a new pid or when comm changed. At one scan a second that is
 * about one small read per new process a second and a full sweep every 5 s, instead of a
 * read per process each second: on the 2-vCPU dev VM (121 processes) the readdir costs
 * ~0.12 ms and the comm of every pid ~1.2 ms, and that sweep was the largest part of an
 * idle agent's CPU (docs/benchmarks.md, "Chain idle and post → running"). Synchronous on purpose: measured on this
 * repo's CI VM (76 processes), fs/promises cost 12 ms CPU per scan (thread-pool hops for
 * open/stat/read/close) against 0.8 ms for readFileSync, and 0.44 ms for comm alone.
 * When nothing changed, the same frozen array is returned (matchWatchList memoizes on it).
 * Processes that exit while being read, or that we may not read, are skipped.
 */
export function createLinuxProcessScanner(procRoot = '/proc', options: LinuxScannerOptions = {}): { scan(): readonly string[] } {
  const fullSweepEvery = Math.max(1, options.fullSweepEvery ?? 5);
  const youngScans = options.youngScans ?? 2;
  let cache = new Map<string, { comm: string; argv0: string; seenAt: number }>();
  let scans = 0;
  let names: readonly string[] = Object.freeze([]);
  const read = (path: string): string | null => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return null;
    }
  };
  return {
    scan() {
      const full = scans % fullSweepEvery === 0;
      const at = scans++;
      const next = new Map<string, { comm: string; argv0: string; seenAt: number }>();
      let changed = false;
      for (const pid of readdirSync(procRoot)) {
        if (!/^\d+$/.test(pid)) continue;
        const known = cache.get(pid);
        if (known && !full && at - known.seenAt >= youngScans) {
          next.set(pid, known);
          continue;
        }
        const comm = read(join(procRoot, pid, 'comm'));
        if (comm === null) continue;
        if (known && known.comm === comm) {
          next.set(pid, known);
          continue;
        }
        changed = true;
        next.set(pid, { comm, argv0: argv0Name(read(join(procRoot, pid, 'cmdline')) ?? ''), seenAt: known?.seenAt ?? at });
      }
      if (!changed && next.size === cache.size) {
        cache = next;
        return names;
      }
      cache = next;
      const found = new Set<string>();
      for (const { comm, argv0 } of next.values()) {
        if (comm.trim()) found.add(comm.trim());
        if (argv0) found.add(argv0);
      }
      names = Object.freeze([...found].sort());
      return names;
    },
  };
}

/** One-off scan (no cache), for callers that list once. */
export const readLinuxProcessNames = (procRoot = '/proc'): readonly string[] => createLinuxProcessScanner(procRoot).scan();

export interface ProcessListerOptions {
  platform: NodeJS.Platform;
  runner: CommandRunner;
  procRoot?: string;
}

export function createProcessLister(options: ProcessListerOptions): ProcessLister {
  const { platform, runner } = options;
  const linux = platform === 'linux' ? createLinuxProcessScanner(options.procRoot) : null;
  const listWith = async (command: string, args: string[], parse: (stdout: string) => string[]) => {
    const result = await runner.run(command, args, { timeoutMs: COMMAND_TIMEOUT_MS });
    if (result.kind !== 'exited' || result.code !== 0) {
      throw new Error(`${command} ${args.join(' ')} failed: ${result.kind === 'exited' ? `exit ${result.code}` : result.kind}`);
    }
    return parse(result.stdout);
  };
  return {
    via: linux ? '/proc (comm and argv[0])' : platform === 'win32' ? 'tasklist' : 'ps',
    list() {
      if (linux) return Promise.resolve().then(() => linux.scan());
      if (platform === 'win32') return listWith('tasklist', TASKLIST_ARGS, parseTasklistCsv);
      return listWith('ps', PS_ARGS, parsePsComm);
    },
  };
}
