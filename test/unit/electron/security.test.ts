import { describe, expect, it } from 'vitest';
import type { App } from 'electron';
import { applyContentSecurity, isTrustedRendererUrl, secureWebPreferences } from '../../../electron/main/security';

const indexUrl = 'file:///opt/RigShift/resources/app.asar/dist/renderer/index.html';

describe('renderer security settings', () => {
  it('follows the Electron security checklist', () => {
    const prefs = secureWebPreferences('/x/preload.cjs');
    expect(prefs).toMatchObject({
      preload: '/x/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
    });
  });

  it('trusts only our own bundled page', () => {
    expect(isTrustedRendererUrl(indexUrl, indexUrl)).toBe(true);
    expect(isTrustedRendererUrl(`${indexUrl}#/benchmark`, indexUrl)).toBe(true);
    expect(isTrustedRendererUrl('https://evil.example/', indexUrl)).toBe(false);
    expect(isTrustedRendererUrl('file:///tmp/evil.html', indexUrl)).toBe(false);
    expect(isTrustedRendererUrl('not a url', indexUrl)).toBe(false);
  });

  it('denies navigation, new windows, webviews and every permission', () => {
    const handlers: Record<string, (...args: unknown[]) => void> = {};
    let windowOpen: (() => { action: string }) | undefined;
    let permission: ((c: unknown, p: string, cb: (granted: boolean) => void) => void) | undefined;
    let permissionCheck: (() => boolean) | undefined;
    const contents = {
      on: (name: string, handler: (...args: unknown[]) => void) => (handlers[name] = handler),
      setWindowOpenHandler: (h: () => { action: string }) => (windowOpen = h),
      session: {
        setPermissionRequestHandler: (h: typeof permission) => (permission = h),
        setPermissionCheckHandler: (h: typeof permissionCheck) => (permissionCheck = h),
        setDevicePermissionHandler: () => undefined,
      },
    };
    let created: ((event: unknown, c: typeof contents) => void) | undefined;
    const app = { on: (_: string, h: typeof created) => (created = h) } as unknown as App;
    applyContentSecurity(app, indexUrl);
    created!({}, contents);

    const prevented = (name: string, url?: string) => {
      let stopped = false;
      handlers[name]!({ preventDefault: () => (stopped = true) }, url);
      return stopped;
    };
    expect(prevented('will-navigate', 'https://evil.example/')).toBe(true);
    expect(prevented('will-navigate', indexUrl)).toBe(false);
    expect(prevented('will-redirect', 'https://evil.example/')).toBe(true);
    expect(prevented('will-attach-webview')).toBe(true);
    expect(windowOpen!()).toEqual({ action: 'deny' });
    let granted: boolean | undefined;
    permission!({}, 'media', (g) => (granted = g));
    expect(granted).toBe(false);
    expect(permissionCheck!()).toBe(false);
  });
});
