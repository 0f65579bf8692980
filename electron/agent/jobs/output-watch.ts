/**
 * Watches a running job's out/ (a host bind mount) and reports, once, when it passes the
 * output limits, so the runner can kill the job. A poll alone (every 250 ms) let a job
 * writing at page-cache speed put hundreds of MB past the cap on the owner's disk before
 * it was seen (issue 4, output bomb). So out/ is measured on every inotify change event
 * as well, with at most one measurement in flight: events arriving during a measurement
 * ask for exactly one more right after it, never a queue. The poll stays as the fallback
 * for whatever the events miss (a watch that could not be set up, a bind mount whose
 * writes raise no host events, as on Docker Desktop).
 *
 * Not `recursive: true`: on Linux, Node 20 emulates it in JavaScript with a synchronous
 * stat on every event and a synchronous readdir of every new folder, on the agent's event
 * loop, in a tree the stranger controls. Instead each folder gets its own native watch as
 * it appears, and no more of them than the entry limit (past it the job is killed anyway).
 */
import { type FSWatcher, watch } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../ports';
import { watchDiskFull } from './disk-full-watch';
import { type OutputLimits, type OutputUsage, measureOutputs } from './output-collector';

export interface OutputWatchOptions {
  dir: string;
  limits: OutputLimits;
  /** Fallback measurement interval. */
  pollMs: number;
  /** Called at most once, with the first measurement past a limit. */
  onExceeded: (usage: OutputUsage) => void;
  logger: Logger;
  /** Free bytes of the folder's file system (default statfs): see disk-full-watch.ts. */
  diskFree?: (dir: string) => Promise<number>;
  /** Injection points for tests. */
  measure?: (dir: string, stopAfterEntries: number) => Promise<OutputUsage>;
  watchDir?: (dir: string, onEvent: (event: string, name: string | null) => void) => { close(): void };
}

export interface OutputWatch {
  stop(): void;
  /** Whether our disk was (almost) full at any sample while watched: the run's writes may have failed. */
  diskWasFull(): Promise<boolean>;
}

function nativeWatch(dir: string, onEvent: (event: string, name: string | null) => void): FSWatcher {
  const watcher = watch(dir, { persistent: false }, (event, name) => onEvent(event, name === null ? null : String(name)));
  // An FSWatcher emits 'error' when its folder goes away; unhandled, that would throw.
  watcher.on('error', () => watcher.close());
  return watcher;
}

export function watchOutputs(options: OutputWatchOptions): OutputWatch {
  const { dir, limits, logger } = options;
  const measure = options.measure ?? measureOutputs;
  const watchDir = options.watchDir ?? nativeWatch;
  const watchers = new Map<string, { close(): void }>();
  let stopped = false;
  let measuring = false;
  let again = false;
  const disk = watchDiskFull(dir, { intervalMs: Math.min(options.pollMs, 250), free: options.diskFree });
  let diskVerdict: Promise<boolean> | null = null;

  const check = (): void => {
    if (stopped) return;
    if (measuring) {
      again = true;
      return;
    }
    measuring = true;
    again = false;
    measure(dir, limits.maxFiles)
      .then((usage) => {
        if (stopped) return;
        if (usage.entries > limits.maxFiles || usage.bytes > limits.maxTotalBytes) {
          stop();
          options.onExceeded(usage);
        }
      })
      .catch((error: unknown) => logger.warn('job: could not measure outputs', { dir, error: String(error) }))
      .finally(() => {
        measuring = false;
        if (again) check();
      });
  };

  const follow = (folder: string): void => {
    if (stopped || watchers.has(folder) || watchers.size > limits.maxFiles) return;
    try {
      const watcher = watchDir(folder, (event, name) => {
        check();
        // A new entry may be a folder: watch it too, so writes below it raise events.
        if (event === 'rename' && name !== null) {
          const path = join(folder, name);
          lstat(path)
            .then((st) => {
              if (st.isDirectory()) follow(path);
            })
            .catch(() => undefined); // gone again, or a removal
        }
      });
      if (stopped) watcher.close();
      else watchers.set(folder, watcher);
    } catch (error) {
      // inotify watches exhausted, the folder gone...: the poll still measures.
      logger.debug('job: cannot watch an output folder', { folder, error: String(error) });
    }
  };

  const poll = setInterval(check, options.pollMs);

  function stop(): void {
    if (stopped) return;
    stopped = true;
    clearInterval(poll);
    diskVerdict = disk.stop();
    for (const watcher of watchers.values()) {
      try {
        watcher.close();
      } catch {
        // already closed
      }
    }
    watchers.clear();
  }

  follow(dir);
  return { stop, diskWasFull: () => diskVerdict ?? disk.stop() };
}
