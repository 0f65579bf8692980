import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireDataDirLock, DataDirLockedError, LOCK_FILE_NAME, type ProcessProbe } from '../../../electron/agent/node-adapters/data-dir-lock';
import { tempDir } from '../../helpers/temp-dir';

/** Processes as a table: pid → start marker; absent pids are dead. */
function fakeProcesses(table: Map<number, string>, pid: number): ProcessProbe {
  return { pid, isAlive: (p) => table.has(p), startMarker: (p) => table.get(p) ?? null };
}

const dirs: Array<{ cleanup(): void }> = [];
function dataDir(): string {
  const dir = tempDir('rigshift-lock-');
  dirs.push(dir);
  return dir.path;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.cleanup();
});

describe('data-dir lock', () => {
  it('refuses a second agent while the first lives, naming its pid and what to do', () => {
    const dir = dataDir();
    const table = new Map([[100, 'a'], [200, 'b']]);
    const first = acquireDataDirLock(dir, 'electron', { probe: fakeProcesses(table, 100) });
    const failure = (() => {
      try {
        acquireDataDirLock(dir, 'headless', { probe: fakeProcesses(table, 200) });
        return null;
      } catch (error) {
        return error;
      }
    })();
    expect(failure).toBeInstanceOf(DataDirLockedError);
    const error = failure as DataDirLockedError;
    expect(error.code).toBe('data_dir_locked');
    expect(error.message).toContain(`pid 100`);
    expect(error.message).toContain('the RigShift desktop app');
    expect(error.message).toContain(dir);
    expect(error.hint).toMatch(/Quit the desktop app|another --data-dir/);
    first.release();
    // Once released, the second one starts.
    const second = acquireDataDirLock(dir, 'headless', { probe: fakeProcesses(table, 200) });
    expect(JSON.parse(readFileSync(second.path, 'utf8')).pid).toBe(200);
    second.release();
    expect(existsSync(join(dir, LOCK_FILE_NAME))).toBe(false);
  });

  it('a headless owner is named with the command to stop it', () => {
    const dir = dataDir();
    const table = new Map([[100, 'a'], [200, 'b']]);
    acquireDataDirLock(dir, 'headless', { probe: fakeProcesses(table, 100) });
    expect(() => acquireDataDirLock(dir, 'headless', { probe: fakeProcesses(table, 200) })).toThrow(
      expect.objectContaining({ hint: expect.stringContaining('kill 100') }),
    );
  });

  it('takes over a stale lock whose owner died (kill -9)', () => {
    const dir = dataDir();
    const table = new Map([[100, 'a'], [200, 'b']]);
    acquireDataDirLock(dir, 'headless', { probe: fakeProcesses(table, 100) });
    table.delete(100); // killed without a chance to remove its lock
    const taken: unknown[] = [];
    const second = acquireDataDirLock(dir, 'headless', { probe: fakeProcesses(table, 200), onTakeover: (stale) => taken.push(stale?.pid) });
    expect(taken).toEqual([100]);
    expect(JSON.parse(readFileSync(second.path, 'utf8')).pid).toBe(200);
  });

  it('takes over a lock whose pid now belongs to another process (pid reused after a reboot)', () => {
    const dir = dataDir();
    const table = new Map([[100, 'boot-1'], [200, 'b']]);
    acquireDataDirLock(dir, 'headless', { probe: fakeProcesses(table, 100) });
    table.set(100, 'boot-2');
    expect(() => acquireDataDirLock(dir, 'headless', { probe: fakeProcesses(table, 200) })).not.toThrow();
  });

  it('takes over an unreadable lock (a write cut short by a crash)', () => {
    const dir = dataDir();
    writeFileSync(join(dir, LOCK_FILE_NAME), '{"pid": 1');
    const lock = acquireDataDirLock(dir, 'headless', { probe: fakeProcesses(new Map([[200, 'b']]), 200) });
    expect(JSON.parse(readFileSync(lock.path, 'utf8'))).toMatchObject({ pid: 200, mode: 'headless', host: hostname() });
  });

  it('a release does not remove a lock another agent took over since', () => {
    const dir = dataDir();
    const table = new Map([[100, 'a'], [200, 'b']]);
    const first = acquireDataDirLock(dir, 'headless', { probe: fakeProcesses(table, 100) });
    table.delete(100);
    acquireDataDirLock(dir, 'headless', { probe: fakeProcesses(table, 200) });
    first.release();
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE_NAME), 'utf8')).pid).toBe(200);
  });

  it('uses the real process table: this live process holds it against a second claimant', () => {
    const dir = dataDir();
    const lock = acquireDataDirLock(dir, 'headless');
    const other: ProcessProbe = { pid: process.pid + 1_000_000, isAlive: (p) => p === process.pid, startMarker: () => null };
    expect(() => acquireDataDirLock(dir, 'headless', { probe: other })).toThrow(DataDirLockedError);
    lock.release();
  });
});
