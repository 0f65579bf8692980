#!/usr/bin/env node
/**
 * better-sqlite3 for the desktop app, without breaking Node.
 *
 * A native module is built for one ABI. `node_modules/better-sqlite3` stays built for
 * Node (tests, `rigshift headless`, the CLI); this script builds a second copy for the
 * Electron version in node_modules/electron into build/native/electron/better_sqlite3.node.
 * `npm start` runs it first (it returns at once when the stamp matches), and the desktop
 * main process points better-sqlite3 at that file (`nativeBinding`, see
 * electron/agent/desktop/sqlite-native-binding.ts). Packaged apps do not need it:
 * electron-builder rebuilds node_modules for Electron inside the package (npmRebuild).
 *
 * It tries the project's prebuilt binary for Electron first (prebuild-install, a download
 * from the better-sqlite3 GitHub releases), then compiles with node-gyp against Electron's
 * headers (needs a C++ toolchain and Python). Both need the internet once.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const outDir = join(root, 'build', 'native', 'electron');
const target = join(outDir, 'better_sqlite3.node');
const stampFile = join(outDir, 'stamp.json');

const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
const sqliteDir = dirname(require.resolve('better-sqlite3/package.json'));
const sqliteVersion = JSON.parse(readFileSync(join(sqliteDir, 'package.json'), 'utf8')).version;
const stamp = { electron: electronVersion, betterSqlite3: sqliteVersion, platform: process.platform, arch: process.arch };

function current() {
  try {
    return existsSync(target) && JSON.stringify(JSON.parse(readFileSync(stampFile, 'utf8'))) === JSON.stringify(stamp);
  } catch {
    return false;
  }
}

if (process.argv.includes('--check')) {
  process.stdout.write(current() ? `up to date (${target})\n` : 'missing or stale\n');
  process.exit(current() ? 0 : 1);
}
if (current()) process.exit(0);

process.stdout.write(`Building better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} (${process.platform}-${process.arch})…\n`);
const work = join(root, 'build', 'native', 'work');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
for (const part of ['package.json', 'binding.gyp', 'src', 'deps', 'lib']) cpSync(join(sqliteDir, part), join(work, part), { recursive: true });

const bin = (name) => join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name);
const run = (command, args) => execFileSync(command, args, { cwd: work, stdio: 'inherit', shell: process.platform === 'win32' });
try {
  run(bin('prebuild-install'), ['--runtime', 'electron', '--target', electronVersion, '--arch', process.arch]);
} catch {
  process.stdout.write('No prebuilt binary; compiling against the Electron headers with node-gyp…\n');
  run(bin('node-gyp'), [
    'rebuild',
    '--release',
    '--runtime=electron',
    `--target=${electronVersion}`,
    `--arch=${process.arch}`,
    '--dist-url=https://electronjs.org/headers',
  ]);
}
mkdirSync(outDir, { recursive: true });
cpSync(join(work, 'build', 'Release', 'better_sqlite3.node'), target);
writeFileSync(stampFile, `${JSON.stringify(stamp, null, 2)}\n`);
rmSync(work, { recursive: true, force: true });
process.stdout.write(`Wrote ${target}\n`);
