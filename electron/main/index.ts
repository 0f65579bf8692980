/**
 * Desktop entry point (the composition root of the main process): builds the same agent
 * the headless CLI runs, hands it an electron-store settings store, and shows the
 * sandboxed renderer, which reaches the agent only through the preload's typed API.
 */
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { app, ipcMain, powerMonitor } from 'electron';
import { composeAgent } from '../agent/compose';
import { createConsoleLogger } from '../agent/node-adapters/console-logger';
import { createElectronIdleSource } from './electron-idle-source';
import { createElectronSettingsStore } from './electron-settings-store';
import { forwardEvents, registerIpcBridge } from './ipc-bridge';
import { createMainWindow } from './main-window';
import { applyContentSecurity } from './security';

// Bundled layout: dist/electron/main.js, dist/electron/preload.cjs, dist/renderer/.
const here = fileURLToPath(new URL('.', import.meta.url));
const rendererIndex = join(here, '..', 'renderer', 'index.html');
const indexUrl = pathToFileURL(rendererIndex).href;
const resourcesDir = app.isPackaged ? process.resourcesPath : join(here, '..', '..', 'resources');

if (!app.requestSingleInstanceLock()) {
  // A second launch only focuses the first window (see 'second-instance' below).
  app.quit();
} else {
  void start();
}

async function start(): Promise<void> {
  applyContentSecurity(app, indexUrl);
  await app.whenReady();
  const logger = createConsoleLogger('info');
  const dataDir = app.getPath('userData');
  const agent = composeAgent({
    mode: 'electron',
    dataDir,
    resourcesDir,
    settingsStore: createElectronSettingsStore(dataDir, logger),
    logger,
    // powerMonitor works only after 'ready'; it sees input the headless agent cannot (Windows).
    idleSource: createElectronIdleSource(powerMonitor),
  });
  registerIpcBridge(ipcMain, agent, indexUrl);
  await agent.start({ longRunning: true });

  const window = createMainWindow({
    indexUrl,
    preloadPath: join(here, 'preload.cjs'),
    iconPath: join(resourcesDir, 'icons', 'icon.png'),
  });
  const stopForwarding = forwardEvents(agent, window.webContents);
  window.on('closed', stopForwarding);

  app.on('second-instance', () => {
    if (window.isDestroyed()) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('window-all-closed', () => app.quit());
  let stopping = false;
  app.on('before-quit', (event) => {
    if (stopping) return;
    // Give the agent the chance to stop a running benchmark and remove its container.
    event.preventDefault();
    stopping = true;
    void agent.stop().finally(() => app.quit());
  });
}
