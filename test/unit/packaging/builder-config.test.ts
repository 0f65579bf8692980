/**
 * The packaging config, checked without building (Electron cannot be downloaded here):
 * electron-builder.yml parses, names the targets and options the issue asks for, and
 * every file or folder it references exists; the scripts the docs and config rely on
 * exist in package.json; the tray icons are real PNGs of the right size.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../../helpers/cli';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a free-form YAML document, read field by field
const config = parse(readFileSync(join(repoRoot, 'electron-builder.yml'), 'utf8')) as Record<string, any>;
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string>; main: string };
const at = (path: string) => join(repoRoot, path);

/** Reads a PNG's width and height from its IHDR chunk. */
function pngSize(path: string): { width: number; height: number } {
  const bytes = readFileSync(path);
  expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  expect(bytes.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('electron-builder.yml', () => {
  it('names the app and its artifacts', () => {
    expect(config.appId).toBe('io.rigshift.app');
    expect(config.productName).toBe('RigShift');
    for (const key of ['artifactName']) expect(config[key]).toMatch(/\$\{version\}/);
    expect(config.win.artifactName).toMatch(/\$\{version\}.*\$\{arch\}/);
    expect(config.deb.artifactName).toMatch(/\$\{version\}.*\$\{arch\}/);
  });

  it('Windows: an NSIS installer per user that never asks for administrator rights', () => {
    expect(config.win.target).toEqual(['nsis']);
    expect(config.nsis).toMatchObject({ oneClick: false, perMachine: false, allowElevation: false });
  });

  it('Linux: AppImage and deb; the deb installs the power helper, its rules and the user unit', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    const after = readFileSync(at(config.deb.afterInstall), 'utf8');
    expect(after).toContain('/usr/lib/rigshift/rigshift-power-helper');
    expect(after).toContain('/etc/sudoers.d/rigshift-power-helper');
    expect(after).toContain('/usr/share/polkit-1/actions/io.rigshift.power-helper.policy');
    expect(after).toContain('/usr/lib/systemd/user/rigshift.service');
    expect(after).toMatch(/visudo -cf/);
    // The paths it copies from are the extraResources' destinations.
    const destinations = (config.extraResources as { to: string }[]).map((r) => r.to);
    for (const [, folder] of after.matchAll(/"\$RES\/([a-z-]+)\//g)) expect(destinations).toContain(folder);
    expect(config.deb.depends).toEqual(expect.arrayContaining(['docker.io | docker-ce', 'libnss3']));
  });

  it('rebuilds native modules for Electron and keeps .node files out of the asar', () => {
    expect(config.npmRebuild).toBe(true);
    expect(config.asarUnpack).toContain('**/*.node');
  });

  it('publishes to a generic update server named by RIGSHIFT_UPDATE_URL (no placeholder repository)', () => {
    expect(config.publish).toEqual({ provider: 'generic', url: '${env.RIGSHIFT_UPDATE_URL}' });
  });

  it('every file and folder it references exists', () => {
    const referenced: string[] = [
      config.directories.buildResources,
      config.win.icon,
      config.linux.icon,
      config.deb.afterInstall,
      config.deb.afterRemove,
      ...(config.extraResources as { from: string }[]).map((r) => r.from),
    ];
    for (const path of referenced) expect(existsSync(at(path)), `${path} is referenced but missing`).toBe(true);
    for (const script of [config.deb.afterInstall, config.deb.afterRemove, 'resources/linux/rigshift-cli.sh']) {
      expect(statSync(at(script)).mode & 0o111, `${script} must be executable`).not.toBe(0);
    }
    // The extraResources the agent reads at run time.
    const sources = (config.extraResources as { from: string }[]).map((r) => r.from);
    for (const needed of [
      'resources/security-policy.json',
      'resources/images',
      'resources/contracts',
      'resources/devnet',
      'resources/icons',
      'resources/power-helper',
      'resources/systemd',
    ]) {
      expect(sources).toContain(needed);
    }
    expect(pngSize(at(config.win.icon)).width).toBeGreaterThanOrEqual(256);
    expect(pngSize(at(config.linux.icon)).width).toBeGreaterThanOrEqual(256);
  });

  it('packages the built main, preload, renderer and CLI that package.json and the scripts name', () => {
    const files = config.files as string[];
    expect(files).toEqual(expect.arrayContaining(['dist/electron/**', 'dist/renderer/**', 'dist/cli/**', 'package.json']));
    expect(pkg.main).toBe('dist/electron/main.js');
    const build = pkg.scripts['build:electron']!;
    for (const output of ['dist/electron/main.js', 'dist/electron/preload.cjs', 'dist/cli/rigshift.mjs']) expect(build).toContain(output);
  });

  it('the scripts it relies on exist in package.json', () => {
    for (const name of ['build', 'build:renderer', 'build:electron', 'build:images', 'build:native', 'dist', 'start', 'headless']) {
      expect(pkg.scripts[name], `npm run ${name}`).toBeTruthy();
    }
    expect(pkg.scripts.dist).toMatch(/electron-builder/);
    expect(pkg.scripts.start).toMatch(/build:native/);
    // Every `npm run X` inside a script names a script that exists.
    for (const [name, command] of Object.entries(pkg.scripts)) {
      for (const [, used] of command.matchAll(/npm run ([\w:-]+)/g)) expect(pkg.scripts[used!], `${name} runs ${used}`).toBeTruthy();
    }
    expect(existsSync(at('scripts/build-native-electron.mjs'))).toBe(true);
  });
});

describe('tray and app icons', () => {
  it('one PNG per tray state at 16 px and 32 px (@2x)', () => {
    for (const status of ['available', 'renting', 'paused', 'attention']) {
      expect(pngSize(at(`resources/icons/tray-${status}.png`))).toEqual({ width: 16, height: 16 });
      expect(pngSize(at(`resources/icons/tray-${status}@2x.png`))).toEqual({ width: 32, height: 32 });
    }
  });
});

describe('systemd user unit', () => {
  it('runs `rigshift headless` with a data dir and restarts on failure', () => {
    const unit = readFileSync(at('resources/systemd/rigshift.service'), 'utf8');
    expect(unit).toMatch(/^ExecStart=\/usr\/bin\/rigshift headless .*--data-dir %h\/\.config\/RigShift$/m);
    expect(unit).toMatch(/^Restart=on-failure$/m);
    expect(unit).toMatch(/^WantedBy=default\.target$/m);
    expect(unit).not.toMatch(/^User=/m); // a user unit runs as its user
  });
});
