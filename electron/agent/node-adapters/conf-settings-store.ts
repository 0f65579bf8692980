import { join } from 'node:path';
import Conf from 'conf';
import type { Logger, SettingsStore } from '../ports';
import { keepAside, lastGoodCopy, openWithBackup } from './open-with-backup';

/**
 * Headless settings store. electron-store is `conf` plus Electron glue, so using `conf`
 * directly with the same file name gives the desktop app and `rigshift headless` one
 * settings file format; point --data-dir at the app's data folder to share it.
 */
export function createConfSettingsStore(dataDir: string, logger: Logger): SettingsStore {
  const file = join(dataDir, 'settings.json');
  const { store: conf, damaged } = openWithBackup(
    file,
    // conf parses the file on open (it throws on corrupt JSON) and writes atomically.
    () => new Conf<Record<string, unknown>>({ cwd: dataDir, configName: 'settings', watch: false }),
    logger,
  );
  const lastGood = lastGoodCopy(file);
  return {
    read: () => (Object.keys(conf.store).length === 0 ? undefined : conf.store),
    write: (document) => {
      conf.store = document as Record<string, unknown>;
    },
    damaged: () => damaged,
    keepAside: () => keepAside(file, logger),
    readLastGood: () => lastGood.read(),
    writeLastGood: (document) => lastGood.write(document),
  };
}
