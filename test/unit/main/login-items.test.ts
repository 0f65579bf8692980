import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  autostartDesktopEntry,
  createXdgAutostart,
  HIDDEN_ARG,
  shouldStartHidden,
  syncLoginItem,
  xdgConfigHome,
} from '../../../electron/main/login-items';
import type { LoginItemsPort } from '../../../electron/main/desktop-ports';
import { DEFAULT_SETTINGS } from '../../../shared/domain/settings';
import { tempDir } from '../../helpers/temp-dir';

describe('start on login', () => {
  it('is off by default', () => {
    expect(DEFAULT_SETTINGS.desktop.startOnLogin).toBe(false);
  });

  it('registers a hidden start, and removes it when switched off', () => {
    const calls: unknown[] = [];
    const port: LoginItemsPort = { set: (o) => calls.push(o), startedAtLogin: () => false };
    syncLoginItem(port, true);
    syncLoginItem(port, false);
    expect(calls).toEqual([
      { openAtLogin: true, hidden: true },
      { openAtLogin: false, hidden: true },
    ]);
  });

  it('starts hidden with --hidden or when the OS says it started us at login', () => {
    const port = (atLogin: boolean): LoginItemsPort => ({ set: () => undefined, startedAtLogin: () => atLogin });
    expect(shouldStartHidden(['/opt/RigShift/rigshift', HIDDEN_ARG], port(false))).toBe(true);
    expect(shouldStartHidden(['/opt/RigShift/rigshift'], port(true))).toBe(true);
    expect(shouldStartHidden(['/opt/RigShift/rigshift'], port(false))).toBe(false);
  });

  it('Linux: writes and removes an XDG autostart entry that starts the AppImage hidden', () => {
    const dir = tempDir('rigshift-autostart-');
    const executable = '/home/ann/Apps/RigShift 0.2.AppImage';
    const port = createXdgAutostart({ configHome: dir.path, executable, argv: ['x'] });
    const file = join(dir.path, 'autostart', 'rigshift.desktop');
    port.set({ openAtLogin: true, hidden: true });
    const entry = readFileSync(file, 'utf8');
    expect(entry).toContain('[Desktop Entry]');
    expect(entry).toContain('Exec="/home/ann/Apps/RigShift 0.2.AppImage" --hidden');
    port.set({ openAtLogin: false, hidden: true });
    expect(existsSync(file)).toBe(false);
    port.set({ openAtLogin: false, hidden: true }); // already gone: no error
    dir.cleanup();
  });

  it('quotes what the Desktop Entry spec reserves, and honours only an absolute XDG_CONFIG_HOME', () => {
    expect(autostartDesktopEntry('/opt/a$b"c')).toContain('Exec="/opt/a\\$b\\"c" --hidden');
    expect(xdgConfigHome({ XDG_CONFIG_HOME: '/cfg' }, '/home/ann')).toBe('/cfg');
    expect(xdgConfigHome({ XDG_CONFIG_HOME: 'relative' }, '/home/ann')).toBe('/home/ann/.config');
    expect(xdgConfigHome({}, '/home/ann')).toBe('/home/ann/.config');
  });
});
