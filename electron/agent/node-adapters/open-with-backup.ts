import { existsSync, renameSync } from 'node:fs';
import type { Logger } from '../ports';

/**
 * Opens a JSON-backed store; if the file cannot be parsed, moves it aside (never deletes
 * it: the owner may want it back) and opens a fresh one.
 */
export function openWithBackup<T>(file: string, open: () => T, logger: Logger): T {
  try {
    return open();
  } catch (error) {
    if (existsSync(file)) {
      const backup = `${file}.corrupt-${Date.now()}`;
      renameSync(file, backup);
      logger.warn('settings: unreadable settings file moved aside; using defaults', {
        backup,
        error: String(error),
      });
    }
    return open();
  }
}
