/**
 * One agent per data dir. The desktop app and `rigshift headless` share the same data dir by
 * default, and both would drive the same wallet: two nonce queues signing for one account,
 * two market agents claiming for one stake. The first agent writes <dataDir>/agent.lock
 * (its pid, mode and start time), created exclusively; a second one reads it and refuses to
 * start with a message naming the other process and what to do.
 *
 * A lock whose owner is gone (kill -9, a power cut) is stale and taken over: the owner pid is
 * checked with signal 0, and on Linux its start time too, so a pid reused after a reboot
 * does not keep the data dir locked for ever. A takeover moves the stale file aside first
 * and checks it moved the file it judged (two agents taking over at once: one wins).
 * Electron's single-instance lock does not cover this: it knows nothing of headless agents.
 */
import { closeSync, linkSync, openSync, readFileSync, renameSync, unlinkSync, writeSync, fsyncSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { AgentError } from '../../../shared/api/result';

export const LOCK_FILE_NAME = 'agent.lock';

export interface LockOwner {
  pid: number;
  mode: string;
  startedAt: string;
  host: string;
  /** Linux: the process start time in clock ticks since boot (/proc/<pid>/stat field 22). */
  procStart?: string;
}

/** How the lock sees processes; the real one uses signal 0 and /proc, tests pass a fake. */
export interface ProcessProbe {
  pid: number;
  /** True while a process with this pid exists (EPERM counts: it exists, owned by another user). */
  isAlive(pid: number): boolean;
  /** The process start marker, or null where the platform has none. */
  startMarker(pid: number): string | null;
}

export const realProcessProbe: ProcessProbe = {
  pid: process.pid,
  isAlive(pid) {
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  },
  startMarker(pid) {
    if (process.platform !== 'linux') return null;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Field 2 (comm) may hold spaces and parentheses: count from the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return fields[19] ?? null;
    } catch {
      return null;
    }
  },
};

export interface DataDirLock {
  readonly path: string;
  /** Removes the lock if it is still ours. Safe to call more than once. */
  release(): void;
}

/** Thrown when another live agent holds the data dir. */
export class DataDirLockedError extends AgentError {
  constructor(
    readonly owner: LockOwner,
    readonly dataDir: string,
  ) {
    const what = owner.mode === 'electron' ? 'the RigShift desktop app' : owner.mode === 'headless' ? 'a `rigshift headless` agent' : `a RigShift agent (${owner.mode})`;
    super(
      'data_dir_locked',
      `Another RigShift agent is already using ${dataDir}: ${what}, pid ${owner.pid}${owner.host === hostname() ? '' : ` on ${owner.host}`}, started ${owner.startedAt}. ` +
        'Two agents on one data dir would drive the same wallet, so this one does not start.',
      owner.mode === 'electron'
        ? 'Quit the desktop app (tray icon → Quit), or give this agent another --data-dir.'
        : `Stop it first (Ctrl-C in its terminal, or: kill ${owner.pid}), or use another --data-dir.`,
    );
    this.name = 'DataDirLockedError';
  }
}

function readOwner(path: string): LockOwner | null {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>;
    if (typeof parsed.pid !== 'number' || !Number.isInteger(parsed.pid) || parsed.pid <= 0) return null;
    return {
      pid: parsed.pid,
      mode: typeof parsed.mode === 'string' ? parsed.mode : 'unknown',
      startedAt: typeof parsed.startedAt === 'string' ? parsed.startedAt : 'at an unknown time',
      host: typeof parsed.host === 'string' ? parsed.host : hostname(),
      procStart: typeof parsed.procStart === 'string' ? parsed.procStart : undefined,
    };
  } catch {
    return null;
  }
}

/** Live means: the pid exists and (where known) is the same process that wrote the lock. */
function ownerIsAlive(owner: LockOwner, probe: ProcessProbe): boolean {
  if (owner.host !== hostname()) return true; // a data dir on a shared drive: cannot check, assume alive
  if (!probe.isAlive(owner.pid)) return false;
  if (owner.procStart !== undefined) {
    const now = probe.startMarker(owner.pid);
    if (now !== null && now !== owner.procStart) return false;
  }
  return true;
}

function createExclusive(path: string, owner: LockOwner): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, `${JSON.stringify(owner)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Takes the data dir's lock for this process or throws DataDirLockedError. `mode` says
 * what holds it ("electron", "headless") for the other agent's message.
 */
export function acquireDataDirLock(
  dataDir: string,
  mode: string,
  options: { probe?: ProcessProbe; now?: () => Date; onTakeover?: (stale: LockOwner | null) => void } = {},
): DataDirLock {
  const probe = options.probe ?? realProcessProbe;
  const path = join(dataDir, LOCK_FILE_NAME);
  const me: LockOwner = {
    pid: probe.pid,
    mode,
    startedAt: (options.now?.() ?? new Date()).toISOString(),
    host: hostname(),
    ...(probe.startMarker(probe.pid) !== null ? { procStart: probe.startMarker(probe.pid)! } : {}),
  };
  for (let attempt = 0; attempt < 5; attempt++) {
    if (createExclusive(path, me)) return lockHandle(path, me);
    const owner = readOwner(path);
    if (owner && owner.pid !== me.pid && ownerIsAlive(owner, probe)) throw new DataDirLockedError(owner, dataDir);
    if (owner && owner.pid === me.pid && owner.host === me.host && owner.procStart === me.procStart && owner.mode === mode) {
      // This very process locked it before (a restart of the agent inside one process).
      return lockHandle(path, owner);
    }
    // Stale (or unreadable: a write cut short by a crash). Move it aside, then check it was
    // the file judged: another agent may have taken over in between.
    const aside = `${path}.stale-${me.pid}-${attempt}`;
    try {
      renameSync(path, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    const moved = readOwner(aside);
    const same = moved === owner || (moved !== null && owner !== null && moved.pid === owner.pid && moved.startedAt === owner.startedAt);
    if (!same && moved && ownerIsAlive(moved, probe)) {
      // We moved a fresh lock of a live agent: put it back (only if the place is still free).
      try {
        linkSync(aside, path);
      } catch {
        // someone holds the path again; their lock stands
      }
      unlinkSync(aside);
      throw new DataDirLockedError(moved, dataDir);
    }
    unlinkSync(aside);
    options.onTakeover?.(owner);
  }
  throw new AgentError('data_dir_lock', `Could not take the lock ${path}: it keeps changing.`, 'Make sure no other RigShift agent is starting on this data dir, then try again.');
}

function lockHandle(path: string, me: LockOwner): DataDirLock {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.removeListener('exit', release);
    const owner = readOwner(path);
    if (owner && owner.pid === me.pid && owner.startedAt === me.startedAt) {
      try {
        unlinkSync(path);
      } catch {
        // already gone
      }
    }
  };
  // A normal exit (also process.exit) removes it; kill -9 leaves it stale, and the next start takes it over.
  process.once('exit', release);
  return { path, release };
}
