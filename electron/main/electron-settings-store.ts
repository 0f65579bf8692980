import { join } from 'node:path';
import Store from 'electron-store';
import type { Logger, SettingsStore } from '../agent/ports';
import { keepAside, lastGoodCopy, openWithBackup } from '../agent/node-adapters/open-with-backup';

/**
 * Desktop settings store: electron-store in the app's userData folder. The file
 * (settings.json) has the format `rigshift headless` reads through `conf`, and the same
 * last good copy next to it.
 */
export function createElectronSettingsStore(userDataDir: string, logger: Logger): SettingsStore {
  const file = join(userDataDir, 'settings.json');
  const { store, damaged } = openWithBackup(
    file,
    () => new Store<Record<string, unknown>>({ name: 'settings', cwd: userDataDir, watch: false }),
    logger,
  );
  const lastGood = lastGoodCopy(file);
  return {
    read: () => (Object.keys(store.store).length === 0 ? undefined : store.store),
    write: (document) => {
      store.store = document as Record<string, unknown>;
    },
    damaged: () => damaged,
    keepAside: () => keepAside(file, logger),
    readLastGood: () => lastGood.read(),
    writeLastGood: (document) => lastGood.write(document),
  };
}
