/**
 * Renderer hardening, in one place so a test can hold it to the Electron security
 * checklist (https://www.electronjs.org/docs/latest/tutorial/security).
 */
import type { App, WebContents, WebPreferences } from 'electron';
import { isBlockExplorerLink } from '../../shared/domain/block-explorers';

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
export function applyContentSecurity(app: App, indexUrl: string, openExternal?: (url: string) => void): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isTrustedRendererUrl(url, indexUrl)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isTrustedRendererUrl(url, indexUrl)) event.preventDefault();
    });
    // Sub-frames (there are none; a CSP-violating injection could add one) may not navigate either.
    contents.on('will-frame-navigate', (event) => {
      if (!isTrustedRendererUrl(event.url, indexUrl)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    // No window ever opens in the app. A transaction or address page on a known public block
    // explorer (the Earnings and Market pages link to them) goes to the system browser.
    contents.setWindowOpenHandler((details?: { url?: string }) => {
      const url = details?.url;
      if (openExternal && url && isBlockExplorerLink(url)) openExternal(url);
      return { action: 'deny' };
    });
    contents.session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
    contents.session.setPermissionCheckHandler(() => false);
    // WebHID / WebUSB / Web Serial: no device is ever handed to the page.
    contents.session.setDevicePermissionHandler(() => false);
  });
}

/**
 * Every renderer sandboxed, whatever a future window forgets to set (checklist 4). Must
 * run before the app is ready.
 */
export function enforceSandbox(app: Pick<App, 'enableSandbox'>): void {
  app.enableSandbox();
}

/**
 * The renderer's Content-Security-Policy (renderer/index.html carries it as a meta tag,
 * which a test compares with this). connect-src 'self': the page talks to nothing but
 * the agent: in the desktop app through the preload's IPC (no network at all), in
 * headless mode to the same origin, plus that origin's WebSocket (the headless server
 * sends a header naming it exactly). No inline or eval'd script, no plugins, no framing.
 */
export const RENDERER_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'";
