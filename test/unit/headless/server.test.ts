import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createAgent } from '../../../electron/agent/agent';
import { type HeadlessServer, startHeadlessServer } from '../../../electron/agent/headless/server';
import { fakeAgentDeps } from '../../fakes/fake-agent-deps';
import { tempDir } from '../../helpers/temp-dir';
import { recordingLogger } from '../../helpers/silent-logger';
import { eventSocketProtocols } from '../../../shared/api/headless-auth';

const dir = tempDir();
let server: HeadlessServer;

beforeAll(async () => {
  const staticDir = join(dir.path, 'renderer');
  mkdirSync(join(staticDir, 'assets'), { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>RigShift</title>');
  writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(dir.path, 'secret.txt'), 'outside the static root');
  const agent = createAgent(fakeAgentDeps().deps);
  await agent.start();
  server = await startHeadlessServer({ agent, staticDir, logger: recordingLogger().logger, port: 0 });
});

afterAll(async () => {
  await server.close();
  dir.cleanup();
});

const call = (name: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.origin}/api/call/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

const auth = () => ({ authorization: `Bearer ${server.token}` });

describe('headless server', () => {
  it('listens on loopback only, on a random port, with a long random token in the URL fragment', () => {
    expect(server.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.port).toBeGreaterThan(0);
    expect(server.token.length).toBeGreaterThanOrEqual(40);
    // The fragment never reaches a server (request lines, logs, proxies).
    expect(server.url).toBe(`${server.origin}/#token=${server.token}`);
  });

  it('refuses API calls without the token, or with a wrong one', async () => {
    const none = await call('getSnapshot', {});
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    const wrong = await call('getSnapshot', {}, { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
  });

  it('answers a call with the token as a Result envelope', async () => {
    const response = await call('getSnapshot', {}, auth());
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.ok).toBe(true);
    expect(body.value.version).toBe(1);
  });

  it('returns validation failures and unknown calls as data', async () => {
    const invalid = await (await call('startBenchmark', { target: { kind: 'laser' } }, auth())).json();
    expect(invalid).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    const unknown = await (await call('formatDisk', {}, auth())).json();
    expect(unknown).toMatchObject({ ok: false, error: { code: 'unknown_call' } });
    const malformed = await fetch(`${server.origin}/api/call/getSnapshot`, { method: 'POST', headers: auth(), body: '{nope' });
    expect(malformed.status).toBe(400);
  });

  it('refuses a request whose Host is not our loopback address (DNS rebinding)', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: server.port, path: '/api/call/getSnapshot', method: 'POST', headers: { host: 'evil.example:80', ...auth() } },
        (res) => resolve(res.statusCode ?? 0),
      );
      req.on('error', reject);
      req.end('{}');
    });
    expect(status).toBe(403);
  });

  it('serves the page and its assets (the public bundle) without setting any cookie', async () => {
    for (const path of ['/', '/assets/app.js', `/?token=${server.token}`]) {
      const response = await fetch(`${server.origin}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('set-cookie')).toBeNull();
      expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    }
    expect((await fetch(`${server.origin}/assets/app.js`)).headers.get('content-type')).toMatch(/javascript/);
  });

  it('no cookie is a credential: a call with the token only in a cookie is refused', async () => {
    for (const cookie of [`rigshift_token=${server.token}`, `token=${server.token}`]) {
      expect((await call('getSnapshot', {}, { cookie })).status).toBe(401);
    }
  });

  it('answers 413 to a 10 MB body before closing the connection', async () => {
    const big = 'x'.repeat(10 * 1024 * 1024);
    const response = await fetch(`${server.origin}/api/call/getSnapshot`, { method: 'POST', headers: auth(), body: big });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ ok: false, error: { code: 'too_large' } });
    // Streamed without a length too (the limit is found while reading).
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: server.port, path: '/api/call/getSnapshot', method: 'POST', headers: { ...auth(), 'transfer-encoding': 'chunked' } },
        (res) => resolve(res.statusCode ?? 0),
      );
      req.on('error', reject);
      for (let i = 0; i < 10; i++) req.write(Buffer.alloc(1024 * 1024, 120));
      req.end();
    });
    expect(status).toBe(413);
  });

  it('never serves files outside the renderer folder', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const response = await fetch(`${server.origin}${path}?token=${server.token}`);
      expect(await response.text()).not.toContain('outside the static root');
    }
  });

  it('pushes agent events over the WebSocket only with the token offered as a subprotocol and our origin', async () => {
    const attempt = (url: string, protocols: string[], origin: string) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(url, protocols, { origin });
        ws.on('error', () => resolve('refused'));
        ws.on('open', () => (ws.close(), resolve('opened')));
      });
    const events = `ws://127.0.0.1:${server.port}/api/events`;
    expect(await attempt(events, [], server.origin)).toBe('refused');
    expect(await attempt(events, eventSocketProtocols('nope'), server.origin)).toBe('refused');
    // The token in the query string (which ends up in logs) is not accepted any more.
    expect(await attempt(`${events}?token=${server.token}`, [], server.origin)).toBe('refused');
    expect(await attempt(events, eventSocketProtocols(server.token), 'http://evil.example')).toBe('refused');

    const ws = new WebSocket(events, eventSocketProtocols(server.token), { origin: server.origin });
    await new Promise((resolve, reject) => {
      ws.on('open', resolve);
      ws.on('error', reject);
    });
    // The server picks the events protocol: the token is never echoed back.
    expect(ws.protocol).toBe('rigshift.events');
    const message = new Promise<unknown>((resolve) => ws.once('message', (data) => resolve(JSON.parse(String(data)))));
    await call('updateSettings', { patch: { ui: { theme: 'dark' } } }, auth());
    expect(await message).toMatchObject({ name: 'settings', payload: { ui: { theme: 'dark' } } });
    ws.close();
  });
});
