/**
 * Which better-sqlite3 binary to load. node_modules/better-sqlite3 is built for Node
 * (tests, headless, CLI). Inside Electron from a source checkout (`npm start`) the ABI
 * differs, so the desktop main process names an Electron build made by
 * scripts/build-native-electron.mjs in RIGSHIFT_SQLITE_BINDING; packaged apps need
 * nothing (electron-builder rebuilt node_modules for Electron). Every opener of a
 * database passes the result as options: `new Database(file, sqliteNativeOptions())`.
 */
import { existsSync } from 'node:fs';

export const SQLITE_BINDING_ENV = 'RIGSHIFT_SQLITE_BINDING';

export function sqliteNativeBinding(
  versions: NodeJS.ProcessVersions = process.versions,
  env: NodeJS.ProcessEnv = process.env,
  exists: (path: string) => boolean = existsSync,
): string | undefined {
  // Only the Electron runtime needs the other ABI; a Node child that inherited the variable ignores it.
  if (!versions.electron) return undefined;
  const path = env[SQLITE_BINDING_ENV];
  return path && exists(path) ? path : undefined;
}

/** Options for `new Database(file, options)`: `nativeBinding` only when it applies. */
export function sqliteNativeOptions(): { nativeBinding?: string } {
  const nativeBinding = sqliteNativeBinding();
  return nativeBinding ? { nativeBinding } : {};
}
