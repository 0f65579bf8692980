import { join } from 'node:path';
import Store from 'electron-store';
import type { Logger, SettingsStore } from '../agent/ports';
import { openWithBackup } from '../agent/node-adapters/open-with-backup';

/**
 * Desktop settings store: electron-store in the app's userData folder. The file
 * (settings.json) has the format `rigshift headless` reads through `conf`.
 */
export function createElectronSettingsStore(userDataDir: string, logger: Logger): SettingsStore {
  const store = openWithBackup(
    join(userDataDir, 'settings.json'),
    () => new Store<Record<string, unknown>>({ name: 'settings', cwd: userDataDir, watch: false }),
    logger,
  );
  return {
    read: () => (Object.keys(store.store).length === 0 ? undefined : store.store),
    write: (document) => {
      store.store = document as Record<string, unknown>;
    },
  };
}
