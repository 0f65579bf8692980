/**
 * Start with the OS login, hidden in the tray (settings.desktop.startOnLogin, off by
 * default). Windows and macOS: Electron's login items with a `--hidden` argument (macOS
 * reports wasOpenedAtLogin instead). Linux has no such API in Electron: an XDG autostart entry
 * (~/.config/autostart/rigshift.desktop) does the same; for an AppImage it points at the
 * AppImage file, not at the temporary mount the app runs from.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoginItemsPort } from './desktop-ports';

export const HIDDEN_ARG = '--hidden';

/** The window stays hidden when the OS started us at login. */
export function shouldStartHidden(argv: readonly string[], loginItems: LoginItemsPort): boolean {
  return argv.includes(HIDDEN_ARG) || loginItems.startedAtLogin();
}

export function syncLoginItem(loginItems: LoginItemsPort, startOnLogin: boolean): void {
  loginItems.set({ openAtLogin: startOnLogin, hidden: true });
}

/** Quotes one Exec argument per the Desktop Entry spec. */
function desktopExecArg(arg: string): string {
  return /^[A-Za-z0-9_./:=@+-]+$/.test(arg) ? arg : `"${arg.replace(/(["`$\\])/g, '\\$1')}"`;
}

export function autostartDesktopEntry(executable: string): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=RigShift',
    'Comment=Rent out your NVIDIA GPU while you are away',
    `Exec=${desktopExecArg(executable)} ${HIDDEN_ARG}`,
    'Icon=rigshift',
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** The Linux implementation of LoginItemsPort. */
export function createXdgAutostart(options: { configHome: string; executable: string; argv: readonly string[] }): LoginItemsPort {
  const file = join(options.configHome, 'autostart', 'rigshift.desktop');
  return {
    set({ openAtLogin }) {
      if (openAtLogin) {
        mkdirSync(join(options.configHome, 'autostart'), { recursive: true });
        writeFileSync(file, autostartDesktopEntry(options.executable), { mode: 0o644 });
      } else {
        rmSync(file, { force: true });
      }
    },
    startedAtLogin: () => options.argv.includes(HIDDEN_ARG),
  };
}

export const xdgConfigHome = (env: NodeJS.ProcessEnv, home: string): string =>
  env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(home, '.config');
