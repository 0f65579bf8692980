/**
 * The owner's access token stays with the dashboard's own origin. Cookies are not scoped
 * by port, so anything the dashboard keeps in a cookie is sent to every other server on
 * 127.0.0.1 the owner opens (a dev server, another app): the real agent (`rigshift
 * headless`) and Debian's Chromium check that no credential the API accepts is in the
 * cookie jar or reaches another loopback port, and that whatever cookies there are open
 * neither a call nor the event socket.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { launchChromium, watchPageErrors } from '../helpers/browser';
import { cliBundle, repoRoot } from '../helpers/cli';
import { type HeadlessProcess, startHeadlessAgent } from '../helpers/headless-process';
import { chromium, fileExists, need } from '../helpers/requirements';
import { tempDir } from '../helpers/temp-dir';

const ready =
  need(fileExists(cliBundle, 'npm run build')) &&
  need(fileExists(join(repoRoot, 'dist/renderer/index.html'), 'npm run build')) &&
  need(chromium());

describe.skipIf(!ready)('the dashboard token never leaves its origin', () => {
  const dir = tempDir('rigshift-e2e-token-');
  let agent: HeadlessProcess;
  let browser: Browser;
  let context: BrowserContext;
  /** Another local app on 127.0.0.1, on a port of its own: what it was sent. */
  let other: Server;
  let otherOrigin: string;
  const seenByOther: { url: string; cookie: string; authorization: string }[] = [];

  beforeAll(async () => {
    agent = await startHeadlessAgent(['--data-dir', dir.path]);
    other = createServer((request, response) => {
      seenByOther.push({ url: request.url ?? '', cookie: request.headers.cookie ?? '', authorization: request.headers.authorization ?? '' });
      response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>other app</title><img src="/pixel.png">');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    otherOrigin = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    browser = await launchChromium();
    context = await browser.newContext();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => other?.close(resolve));
    if (agent) expect(await agent.stop()).toBe(0);
    dir.cleanup();
  });

  it('the link carries the token in the fragment, which the page takes out of the address bar', async () => {
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    const requestLines: string[] = [];
    page.on('request', (request) => requestLines.push(request.url()));
    await page.goto(agent.url);
    // The page works: a fresh data dir opens the wizard (data through calls) and the event
    // socket connects.
    await page.locator('[data-testid="wizard-skip-all"]').waitFor();
    await page.click('[data-testid="wizard-skip-all"]');
    await expect.poll(() => page.getAttribute('[data-testid="connection-state"]', 'data-state')).toBe('connected');
    expect(page.url()).not.toContain(agent.token);
    // No request the page made carries the token in its URL (server logs, proxies).
    expect(requestLines.filter((line) => line.includes(agent.token))).toEqual([]);
    expect(errors).toEqual([]);
    expect(agent.url).toBe(`${agent.origin}/#token=${agent.token}`);
  });

  it('another loopback port never receives a credential the API accepts', async () => {
    const page = await context.newPage();
    await page.goto(`${otherOrigin}/`);
    await page.evaluate(() => fetch('/api/call/getSnapshot', { method: 'POST', credentials: 'include' }).then((r) => r.status));
    expect(seenByOther.length).toBeGreaterThanOrEqual(2);
    for (const seen of seenByOther) {
      expect(seen.cookie).not.toContain(agent.token);
      expect(seen.authorization).not.toContain(agent.token);
    }
    // And the jar itself holds no copy of the token for any origin.
    for (const cookie of await context.cookies()) expect(cookie.value).not.toContain(agent.token);
    await page.close();
  });

  it('whatever cookies the dashboard left open neither a call nor the event socket', async () => {
    // The dashboard sets none at all: nothing for another port to receive.
    expect(await context.cookies(agent.origin)).toEqual([]);
    const jar = (await context.cookies(agent.origin)).map((c) => `${c.name}=${c.value}`).join('; ');
    const call = await fetch(`${agent.origin}/api/call/updateSettings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(jar ? { cookie: jar } : {}) },
      body: JSON.stringify({ patch: { ui: { theme: 'dark' } } }),
    });
    expect(call.status).toBe(401);
    const socket = await new Promise<string>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${new URL(agent.origin).port}/api/events`, {
        origin: agent.origin,
        headers: jar ? { cookie: jar } : {},
      });
      ws.on('open', () => (ws.close(), resolve('opened')));
      ws.on('error', () => resolve('refused'));
    });
    expect(socket).toBe('refused');
  });
});
