/**
 * The Electron security checklist as code, item by item
 * (https://www.electronjs.org/docs/latest/tutorial/security): every setting the shell
 * relies on is asserted here, against the real modules with Electron's objects faked.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { App, IpcMain } from 'electron';
import { describe, expect, it } from 'vitest';
import { applyContentSecurity, enforceSandbox, RENDERER_CSP, secureWebPreferences } from '../../../electron/main/security';
import { registerIpcBridge } from '../../../electron/main/ipc-bridge';
import { createAgent } from '../../../electron/agent/agent';
import { callNames, ipcChannels } from '../../../shared/api/contract';
import { fakeAgentDeps } from '../../fakes/fake-agent-deps';
import { repoRoot } from '../../helpers/cli';

const indexUrl = 'file:///opt/RigShift/resources/app.asar/dist/renderer/index.html';

function contentsHarness() {
  const handlers: Record<string, (...args: unknown[]) => void> = {};
  const opened: string[] = [];
  const session: Record<string, unknown> = {};
  let windowOpen: ((details?: { url: string }) => { action: string }) | undefined;
  const contents = {
    on: (name: string, handler: (...args: unknown[]) => void) => (handlers[name] = handler),
    setWindowOpenHandler: (h: (details?: { url: string }) => { action: string }) => (windowOpen = h),
    session: {
      setPermissionRequestHandler: (h: unknown) => (session.request = h),
      setPermissionCheckHandler: (h: unknown) => (session.check = h),
      setDevicePermissionHandler: (h: unknown) => (session.device = h),
    },
  };
  let created: ((event: unknown, c: typeof contents) => void) | undefined;
  applyContentSecurity({ on: (_: string, h: typeof created) => (created = h) } as unknown as App, indexUrl, (url) =>
    opened.push(url),
  );
  created!({}, contents);
  const prevented = (name: string, ...args: unknown[]) => {
    let stopped = false;
    const event = { preventDefault: () => (stopped = true), url: args[0] };
    handlers[name]!(event, ...args);
    return stopped;
  };
  return { prevented, windowOpen: (url?: string) => windowOpen!(url === undefined ? undefined : { url }), session, handlers, opened };
}

describe('Electron security checklist', () => {
  it('renderer web preferences: context isolation, sandbox, no Node, no <webview>', () => {
    expect(secureWebPreferences('/p.cjs')).toEqual(
      expect.objectContaining({
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webviewTag: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        experimentalFeatures: false,
      }),
    );
  });

  it('every renderer is sandboxed app-wide', () => {
    let enabled = false;
    enforceSandbox({ enableSandbox: () => (enabled = true) });
    expect(enabled).toBe(true);
  });

  it('navigation away from our page is denied (top frame, redirects, sub-frames)', () => {
    const h = contentsHarness();
    for (const name of ['will-navigate', 'will-redirect', 'will-frame-navigate']) {
      expect(h.prevented(name, 'https://evil.example/')).toBe(true);
      expect(h.prevented(name, 'file:///tmp/other.html')).toBe(true);
      expect(h.prevented(name, `${indexUrl}#/about`)).toBe(false);
    }
  });

  it('new windows and <webview> attachments are denied', () => {
    const h = contentsHarness();
    expect(h.windowOpen()).toEqual({ action: 'deny' });
    expect(h.windowOpen('https://evil.example/')).toEqual({ action: 'deny' });
    expect(h.prevented('will-attach-webview')).toBe(true);
    expect(h.opened).toEqual([]);
  });

  it('only transaction and address pages of known block explorers go to the system browser', () => {
    const h = contentsHarness();
    const tx = `https://etherscan.io/tx/0x${'ab'.repeat(32)}`;
    const address = 'https://basescan.org/address/0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
    expect(h.windowOpen(tx)).toEqual({ action: 'deny' });
    expect(h.windowOpen(address)).toEqual({ action: 'deny' });
    for (const refused of [
      'https://etherscan.io/',
      `http://etherscan.io/tx/0x${'ab'.repeat(32)}`,
      `https://etherscan.io.evil.example/tx/0x${'ab'.repeat(32)}`,
      `https://user@etherscan.io/tx/0x${'ab'.repeat(32)}`,
      `https://etherscan.io/tx/0x${'ab'.repeat(32)}?redirect=https://evil.example`,
      'file:///etc/passwd',
      'javascript:alert(1)',
    ]) {
      h.windowOpen(refused);
    }
    expect(h.opened).toEqual([tx, address]);
  });

  it('every permission request and check is denied, devices included', () => {
    const h = contentsHarness();
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      let granted: boolean | undefined;
      (h.session.request as (c: unknown, p: string, cb: (g: boolean) => void) => void)({}, permission, (g) => (granted = g));
      expect(granted).toBe(false);
    }
    expect((h.session.check as () => boolean)()).toBe(false);
    expect((h.session.device as () => boolean)()).toBe(false);
  });

  it('CSP: the page carries exactly the policy the shell defines; connect-src only the agent, no inline or eval', () => {
    const html = readFileSync(join(repoRoot, 'renderer', 'index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBe(RENDERER_CSP);
    const directives = Object.fromEntries(RENDERER_CSP.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
    expect(directives['connect-src']).toEqual(["'self'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(RENDERER_CSP).not.toMatch(/unsafe-inline|unsafe-eval|\*|http:|https:/);
  });

  it('IPC: one handler per contract call, and only our own page is answered', async () => {
    const handlers = new Map<string, (event: unknown, request: unknown) => unknown>();
    const ipcMain = {
      handle: (channel: string, handler: (event: unknown, request: unknown) => unknown) => handlers.set(channel, handler),
      removeHandler: (channel: string) => handlers.delete(channel),
    } as unknown as IpcMain;
    registerIpcBridge(ipcMain, createAgent(fakeAgentDeps().deps), indexUrl);
    expect([...handlers.keys()].sort()).toEqual(callNames.map(ipcChannels.call).sort());
    const call = handlers.get(ipcChannels.call('getSnapshot'))!;
    expect(await call({ senderFrame: { url: indexUrl } }, {})).toMatchObject({ ok: true });
    for (const url of ['https://evil.example/', 'file:///tmp/x.html', 'devtools://devtools/bundled/x.html']) {
      expect(await call({ senderFrame: { url } }, {})).toMatchObject({ ok: false, error: { code: 'untrusted_sender' } });
    }
  });
});
