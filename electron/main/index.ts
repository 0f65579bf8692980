/**
 * Desktop entry point (the composition root of the main process): builds the same agent
 * the headless CLI runs, hands it an electron-store settings store, shows the sandboxed
 * renderer (which reaches the agent only through the preload's typed API), and adds what
 * a tray app needs: single instance, tray, close-to-tray, start at login, remembered
 * window bounds, notifications and updates. Each of those is a small module with its
 * Electron parts behind a port (desktop-ports.ts).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { app, type BrowserWindow, dialog, ipcMain, powerMonitor, safeStorage, screen, shell } from 'electron';
import electronUpdater from 'electron-updater';
import { composeAgent } from '../agent/compose';
import { electronDeploymentFileChooser } from './deployment-file-dialog';
import { SQLITE_BINDING_ENV } from '../agent/desktop/sqlite-native-binding';
import { createConsoleLogger } from '../agent/node-adapters/console-logger';
import { acquireDataDirLock, type DataDirLock, DataDirLockedError } from '../agent/node-adapters/data-dir-lock';
import { watchAgent } from './agent-watch';
import { startAutoUpdate } from './auto-updater';
import {
  createElectronLoginItems,
  createElectronNotifier,
  createElectronTray,
  electronAppPort,
  electronUpdaterPort,
  askStopDialog,
  electronWindowPort,
  promptUpdateDialog,
} from './electron-adapters';
import { chooseDesktopIdleSource } from './electron-idle-source';
import { createElectronSettingsStore } from './electron-settings-store';
import { createSafeStorageSecretStore } from './safe-storage-secret-store';
import { forwardEvents, registerIpcBridge } from './ipc-bridge';
import { shouldStartHidden, syncLoginItem } from './login-items';
import { createMainWindow } from './main-window';
import { startNotificationController } from './notification-controller';
import { applyContentSecurity, enforceSandbox } from './security';
import { untilDelivered } from '../agent/jobs/until-delivered';
import { createStopGuard } from './stop-guard';
import { startTrayController } from './tray-controller';
import { loadWindowState, restoreWindowState, saveWindowState, windowStateFile } from './window-bounds';
import { claimSingleInstance, focusWindow, installCloseToTray, trackWindowBounds } from './window-lifecycle';

// Bundled layout: dist/electron/main.js, dist/electron/preload.cjs, dist/renderer/.
const here = fileURLToPath(new URL('.', import.meta.url));
const appRoot = join(here, '..', '..');
const rendererIndex = join(here, '..', 'renderer', 'index.html');
const indexUrl = pathToFileURL(rendererIndex).href;
const resourcesDir = app.isPackaged ? process.resourcesPath : join(appRoot, 'resources');
const iconsDir = join(resourcesDir, 'icons');

let window: BrowserWindow | null = null;
const show = (hash?: string) => {
  if (!window || window.isDestroyed()) return;
  const port = electronWindowPort(window);
  if (hash) port.openRoute(hash);
  focusWindow(port);
};

enforceSandbox(app);
if (claimSingleInstance(electronAppPort(app), () => show())) void start();

/** From a source checkout, better-sqlite3 must load the Electron build (see README, "npm start"). */
function useElectronSqlite(logger: ReturnType<typeof createConsoleLogger>): void {
  if (app.isPackaged) return;
  const binding = join(appRoot, 'build', 'native', 'electron', 'better_sqlite3.node');
  if (existsSync(binding)) process.env[SQLITE_BINDING_ENV] = binding;
  else logger.warn('no Electron build of better-sqlite3: run `node scripts/build-native-electron.mjs` (npm start does)', { binding });
}

async function start(): Promise<void> {
  applyContentSecurity(app, indexUrl, (url) => void shell.openExternal(url));
  await app.whenReady();
  const logger = createConsoleLogger('info');
  useElectronSqlite(logger);
  const dataDir = app.getPath('userData');
  // Electron's single-instance lock only knows other desktop instances; a headless agent on
  // the same data dir would drive the same wallet. Refuse, naming it, and quit.
  let lock: DataDirLock;
  try {
    lock = acquireDataDirLock(dataDir, 'electron');
  } catch (error) {
    const message = error instanceof DataDirLockedError ? `${error.message}\n\n${error.hint ?? ''}` : String(error);
    logger.error('another agent uses this data dir', { error: message });
    dialog.showErrorBox('RigShift is already running', message);
    app.exit(1);
    return;
  }
  app.once('will-quit', () => lock.release());
  const agent = composeAgent({
    mode: 'electron',
    dataDir,
    resourcesDir,
    settingsStore: createElectronSettingsStore(dataDir, logger),
    logger,
    // powerMonitor works only after 'ready'. On Windows the agent reads GetLastInputInfo itself.
    idleSource: chooseDesktopIdleSource(powerMonitor),
    secretStore: createSafeStorageSecretStore(safeStorage),
    deploymentFileChooser: electronDeploymentFileChooser(() => window),
  });
  registerIpcBridge(ipcMain, agent, indexUrl);
  await agent.start({ longRunning: true });
  const watch = watchAgent(agent);
  const now = () => new Date();

  const loginItems = createElectronLoginItems(app);
  let startOnLogin = agent.snapshot().settings.desktop.startOnLogin;
  syncLoginItem(loginItems, startOnLogin);
  agent.onEvent((event) => {
    if (event.name !== 'settings' || event.payload.desktop.startOnLogin === startOnLogin) return;
    startOnLogin = event.payload.desktop.startOnLogin;
    syncLoginItem(loginItems, startOnLogin);
  });

  const boundsFile = windowStateFile(dataDir);
  const workAreas = () => [screen.getPrimaryDisplay(), ...screen.getAllDisplays()].map((d) => d.workArea);
  window = createMainWindow({
    indexUrl,
    preloadPath: join(here, 'preload.cjs'),
    iconPath: join(iconsDir, 'icon.png'),
    state: restoreWindowState(loadWindowState(boundsFile), workAreas()),
    showOnReady: !shouldStartHidden(process.argv, loginItems),
  });
  const windowPort = electronWindowPort(window);
  const stopForwarding = forwardEvents(agent, window.webContents);
  trackWindowBounds({
    window: windowPort,
    save: (state) => void saveWindowState(boundsFile, state).catch((error: unknown) => logger.warn('window bounds not saved', { error: String(error) })),
  });

  const notifier = createElectronNotifier(join(iconsDir, 'icon.png'));
  const guard = createStopGuard({
    agent,
    ask: (action, jobs) => askStopDialog(window, action, jobs),
    untilDelivered: (jobIds) => untilDelivered(agent, jobIds),
    notify: (message) => {
      logger.info(message);
      if (notifier.supported()) notifier.show({ title: 'RigShift', body: message });
    },
  });
  let trayOk = false;
  let stopTray = () => undefined as void;
  try {
    stopTray = startTrayController({
      tray: createElectronTray(iconsDir),
      agent,
      watch,
      guard,
      now,
      openWindow: show,
      quit: () => app.quit(),
      onError: (message) => logger.warn('tray action failed', { message }),
    });
    trayOk = true;
  } catch (error) {
    // Some Linux desktops have no status area: then closing the window quits.
    logger.warn('no system tray; closing the window will quit RigShift', { error: String(error) });
  }
  const stopNotifications = startNotificationController({ notifier, agent, now, openWindow: show });

  let quitting = false;
  installCloseToTray({
    window: windowPort,
    closeToTray: () => agent.snapshot().settings.desktop.closeToTray,
    trayAvailable: () => trayOk,
    quitting: () => quitting,
    onFirstHide: () =>
      notifier.supported() &&
      notifier.show({ title: 'RigShift keeps running', body: 'It is in the tray. Quit it from the tray menu.' }, () => show()),
  });
  window.on('closed', () => {
    stopForwarding();
    window = null;
  });

  const updates = canUpdate()
    ? startAutoUpdate({
        updater: electronUpdaterPort(configuredUpdater()),
        busy: watch.busy,
        onBusyChange: watch.onChange,
        prompt: (version, busy) => promptUpdateDialog(window, version, busy),
        beforeInstall: async () => {
          quitting = true;
        },
        logger,
      })
    : null;

  app.on('window-all-closed', () => app.quit());
  let stopping = false;
  app.on('before-quit', (event) => {
    if (stopping) return;
    // Every quit path asks before a job loses its unpaid work (stop-guard.ts); then the
    // agent gets the chance to stop a running benchmark and remove its container.
    event.preventDefault();
    void guard.mayQuit().then((go) => {
      if (!go || stopping) return;
      quitting = true;
      stopping = true;
      updates?.stop();
      stopNotifications();
      stopTray();
      watch.stop();
      void agent.stop().finally(() => app.quit());
    });
  });
}

/**
 * Updates come from the generic server named at build time (publish.url in
 * electron-builder.yml, from RIGSHIFT_UPDATE_URL) or, to test another server, from
 * RIGSHIFT_UPDATE_URL at run time. A source checkout never updates itself.
 */
function canUpdate(): boolean {
  return app.isPackaged && (existsSync(join(process.resourcesPath, 'app-update.yml')) || Boolean(process.env.RIGSHIFT_UPDATE_URL));
}

function configuredUpdater() {
  const { autoUpdater } = electronUpdater;
  autoUpdater.autoDownload = true;
  // "Later" means: install when the owner quits RigShift.
  autoUpdater.autoInstallOnAppQuit = true;
  if (process.env.RIGSHIFT_UPDATE_URL) autoUpdater.setFeedURL({ provider: 'generic', url: process.env.RIGSHIFT_UPDATE_URL });
  return autoUpdater;
}
