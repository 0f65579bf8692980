/**
 * The Electron side of the desktop ports (desktop-ports.ts). Each adapter is a thin
 * translation; the behaviour lives in the modules that use the ports, which are tested.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { type App, type BrowserWindow, dialog, Menu, nativeImage, Notification, Tray } from 'electron';
import type { JobRecord } from '../../shared/domain/job';
import { type StopAction, stopQuestion } from '../../shared/domain/stopping-jobs';
import type { StopChoice } from './stop-guard';
import type { AppUpdater } from 'electron-updater';
import type { AppPort, LoginItemsPort, NotifierPort, TrayPort, TrayStatus, WindowPort } from './desktop-ports';
import type { UpdaterPort } from './auto-updater';
import { createXdgAutostart, HIDDEN_ARG, xdgConfigHome } from './login-items';

export function createElectronTray(iconsDir: string): TrayPort {
  // Electron picks tray-<status>@2x.png by itself on HiDPI screens.
  const icon = (status: TrayStatus) => nativeImage.createFromPath(join(iconsDir, `tray-${status}.png`));
  const tray = new Tray(icon('paused'));
  return {
    setStatus(status, tooltip) {
      tray.setImage(icon(status));
      tray.setToolTip(tooltip);
    },
    setMenu(items, onAction) {
      tray.setContextMenu(
        Menu.buildFromTemplate(
          items.map((item) =>
            item.kind === 'separator'
              ? { type: 'separator' as const }
              : item.kind === 'label'
                ? { label: item.label, enabled: false }
                : { label: item.label, enabled: item.enabled, click: () => onAction(item.action) },
          ),
        ),
      );
    },
    onClick: (listener) => void tray.on('click', listener),
    destroy: () => tray.destroy(),
  };
}

export function createElectronNotifier(iconPath: string): NotifierPort {
  return {
    supported: () => Notification.isSupported(),
    show(notification, onClick) {
      const shown = new Notification({ title: notification.title, body: notification.body, icon: iconPath });
      if (onClick) shown.on('click', onClick);
      shown.show();
    },
  };
}

/** Windows/macOS login items; an XDG autostart entry on Linux (Electron has no API there). */
export function createElectronLoginItems(app: App): LoginItemsPort {
  if (process.platform === 'linux') {
    return createXdgAutostart({
      configHome: xdgConfigHome(process.env, homedir()),
      // An AppImage runs from a temporary mount: autostart must point at the file itself.
      executable: process.env.APPIMAGE ?? process.execPath,
      argv: process.argv,
    });
  }
  return {
    set({ openAtLogin, hidden }) {
      // The argument is how the started app knows to stay in the tray (Windows passes it
      // to the registered command; macOS reports wasOpenedAtLogin).
      app.setLoginItemSettings({ openAtLogin, args: hidden ? [HIDDEN_ARG] : [] });
    },
    startedAtLogin: () => process.argv.includes(HIDDEN_ARG) || app.getLoginItemSettings().wasOpenedAtLogin,
  };
}

export function electronWindowPort(window: BrowserWindow): WindowPort {
  return {
    show: () => window.show(),
    hide: () => window.hide(),
    focus: () => window.focus(),
    restore: () => window.restore(),
    isMinimized: () => window.isMinimized(),
    isVisible: () => window.isVisible(),
    isDestroyed: () => window.isDestroyed(),
    getNormalBounds: () => window.getNormalBounds(),
    isMaximized: () => window.isMaximized(),
    // Same page, new hash: the renderer's hash router follows; no reload, no navigation.
    openRoute: (hash) => void window.webContents.executeJavaScript(`location.hash = ${JSON.stringify(hash)}`),
    onClose(listener) {
      window.on('close', listener);
      return () => window.off('close', listener);
    },
    onBoundsChanged(listener) {
      window.on('resize', listener);
      window.on('move', listener);
      return () => {
        window.off('resize', listener);
        window.off('move', listener);
      };
    },
  };
}

export function electronAppPort(app: App): AppPort {
  return {
    requestSingleInstanceLock: () => app.requestSingleInstanceLock(),
    onSecondInstance: (listener) => void app.on('second-instance', listener),
    quit: () => app.quit(),
  };
}

export function electronUpdaterPort(updater: AppUpdater): UpdaterPort {
  return {
    checkForUpdates: () => updater.checkForUpdates(),
    onUpdateDownloaded: (listener) => void updater.on('update-downloaded', (info) => listener({ version: info.version })),
    onError: (listener) => void updater.on('error', listener),
    // Not silent on Windows (the owner sees the installer's progress), and start again after.
    quitAndInstall: () => updater.quitAndInstall(false, true),
  };
}

/** The "update ready" question, as a native dialog. */
export async function promptUpdateDialog(window: BrowserWindow | null, version: string, busy: boolean): Promise<boolean> {
  const options = {
    type: 'info' as const,
    title: 'Update ready',
    message: `RigShift ${version} is ready to install.`,
    detail: busy
      ? 'A job is running on your machine. Choose "Restart when the job ends" and RigShift installs the update as soon as it finishes; the job is never cut short.'
      : 'RigShift restarts to install it; this takes a few seconds. Or install it the next time you quit RigShift.',
    buttons: [busy ? 'Restart when the job ends' : 'Restart now', 'Later'],
    defaultId: 0,
    cancelId: 1,
  };
  const { response } = window && !window.isDestroyed() ? await dialog.showMessageBox(window, options) : await dialog.showMessageBox(options);
  return response === 0;
}

/** The stop question (stop-guard.ts) as a native dialog: finish first, stop now, or cancel. */
export async function askStopDialog(window: BrowserWindow | null, action: StopAction, jobs: readonly Pick<JobRecord, 'name'>[]): Promise<StopChoice> {
  const words = stopQuestion(action, jobs);
  const options = {
    type: 'warning' as const,
    title: action === 'pause' ? 'Pause renting?' : 'Quit RigShift?',
    message: words.message,
    detail: words.detail,
    buttons: [words.finish, words.stopNow, 'Cancel'],
    defaultId: 0,
    cancelId: 2,
  };
  const { response } = window && !window.isDestroyed() ? await dialog.showMessageBox(window, options) : await dialog.showMessageBox(options);
  return response === 0 ? 'finish-first' : response === 1 ? 'stop-now' : 'cancel';
}
