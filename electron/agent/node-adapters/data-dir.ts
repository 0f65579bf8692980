import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const APP_DIR_NAME = 'RigShift';

/**
 * The same folder Electron uses as app.getPath('userData') for productName "RigShift",
 * so the desktop app and `rigshift headless` share settings and history by default.
 */
export function defaultDataDir(platform: NodeJS.Platform = process.platform, env = process.env): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_DIR_NAME);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_DIR_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_DIR_NAME);
}

/** Resolves and creates the data dir (private to the owner: it will hold the wallet). */
export function prepareDataDir(dir: string | undefined): string {
  const path = resolve(dir ?? defaultDataDir());
  mkdirSync(path, { recursive: true, mode: 0o700 });
  return path;
}
