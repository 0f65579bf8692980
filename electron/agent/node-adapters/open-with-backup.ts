import { copyFileSync, existsSync, readFileSync, renameSync, writeFileSync, fsyncSync, openSync, closeSync } from 'node:fs';
import type { Logger } from '../ports';

export interface OpenedWithBackup<T> {
  store: T;
  /** Set when the file could not be parsed and was moved aside to `keptAt`. */
  damaged: { keptAt: string; error: string } | null;
}

/**
 * Opens a JSON-backed store; if the file cannot be parsed, moves it aside (never deletes
 * it: the owner may want it back) and opens a fresh one. The caller learns that it
 * happened (settings fail closed on it, see settings-service.ts).
 */
export function openWithBackup<T>(file: string, open: () => T, logger: Logger): OpenedWithBackup<T> {
  try {
    return { store: open(), damaged: null };
  } catch (error) {
    if (!existsSync(file)) throw error;
    const keptAt = `${file}.corrupt-${Date.now()}`;
    renameSync(file, keptAt);
    logger.warn('settings: unreadable settings file moved aside; starting paused with bidding off', {
      backup: keptAt,
      error: String(error),
    });
    return { store: open(), damaged: { keptAt, error: error instanceof Error ? error.message : String(error) } };
  }
}

/** Copies the file aside as it is (it parsed, but its content is not usable). */
export function keepAside(file: string, logger: Logger): string | null {
  if (!existsSync(file)) return null;
  const keptAt = `${file}.invalid-${Date.now()}`;
  copyFileSync(file, keptAt);
  logger.warn('settings: invalid settings file kept aside', { backup: keptAt });
  return keptAt;
}

/**
 * The last good copy of a settings file: `<name>.last-good.json` next to it, written after
 * every successful save (temp file, fsync, rename: never half-written), so a damaged
 * settings file can be undone.
 */
export function lastGoodCopy(file: string): {
  read(): { document: unknown; savedAt: string | null; path: string } | undefined;
  write(document: unknown): void;
} {
  const path = file.replace(/\.json$/, '') + '.last-good.json';
  return {
    read() {
      try {
        const parsed = JSON.parse(readFileSync(path, 'utf8')) as { savedAt?: unknown; document?: unknown };
        if (typeof parsed !== 'object' || parsed === null || !('document' in parsed)) return undefined;
        return { document: parsed.document, savedAt: typeof parsed.savedAt === 'string' ? parsed.savedAt : null, path };
      } catch {
        return undefined;
      }
    },
    write(document) {
      const temp = `${path}.${process.pid}.tmp`;
      writeFileSync(temp, `${JSON.stringify({ savedAt: new Date().toISOString(), document }, null, 2)}\n`, { mode: 0o600 });
      const fd = openSync(temp, 'r');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temp, path);
    },
  };
}
