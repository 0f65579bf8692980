/**
 * Renderer hardening, in one place so a test can hold it to the Electron security
 * checklist (https://www.electronjs.org/docs/latest/tutorial/security).
 */
import type { App, WebContents, WebPreferences } from 'electron';

export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    // The renderer gets no Node, runs in Chromium's sandbox, and sees the preload's API
    // only through contextBridge (checklist items 2, 3, 4).
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webviewTag: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    spellcheck: false,
  };
}

/** True only for our own bundled page: privileged IPC answers nothing else. */
export function isTrustedRendererUrl(url: string, indexUrl: string): boolean {
  try {
    const given = new URL(url);
    const ours = new URL(indexUrl);
    return given.protocol === ours.protocol && given.pathname === ours.pathname && given.host === ours.host;
  } catch {
    return false;
  }
}

/**
 * App-wide guards for every WebContents ever created: no navigation away from our page,
 * no new windows, no <webview>, and every permission request denied (checklist 5, 11-14).
 */
export function applyContentSecurity(app: App, indexUrl: string): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isTrustedRendererUrl(url, indexUrl)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isTrustedRendererUrl(url, indexUrl)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
    contents.session.setPermissionCheckHandler(() => false);
  });
}
