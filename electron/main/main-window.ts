import { BrowserWindow } from 'electron';
import { secureWebPreferences } from './security';

/** The dashboard window, loaded from the bundled renderer (file://), never a remote URL. */
export function createMainWindow(options: { indexUrl: string; preloadPath: string; iconPath?: string }): BrowserWindow {
  const window = new BrowserWindow({
    width: 1200,
    height: 820,
    minWidth: 820,
    minHeight: 600,
    show: false,
    title: 'RigShift',
    icon: options.iconPath,
    backgroundColor: '#0f1115',
    webPreferences: secureWebPreferences(options.preloadPath),
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(options.indexUrl);
  return window;
}
