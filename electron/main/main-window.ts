import { BrowserWindow } from 'electron';
import { secureWebPreferences } from './security';
import { MIN_WINDOW, type WindowState } from './window-bounds';

/**
 * The dashboard window, loaded from the bundled renderer (file://), never a remote URL.
 * It opens where the owner left it (window-bounds.ts), and stays hidden when RigShift
 * started with the OS login (it lives in the tray until opened).
 */
export function createMainWindow(options: {
  indexUrl: string;
  preloadPath: string;
  iconPath?: string;
  state: WindowState;
  showOnReady: boolean;
}): BrowserWindow {
  const window = new BrowserWindow({
    ...options.state.bounds,
    minWidth: MIN_WINDOW.width,
    minHeight: MIN_WINDOW.height,
    show: false,
    title: 'RigShift',
    icon: options.iconPath,
    backgroundColor: '#0f1115',
    webPreferences: secureWebPreferences(options.preloadPath),
  });
  if (options.state.maximized) window.maximize();
  if (options.showOnReady) window.once('ready-to-show', () => window.show());
  void window.loadURL(options.indexUrl);
  return window;
}
