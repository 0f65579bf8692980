/**
 * `--allow-lan`: the dashboard for other devices, through real HTTP and WebSocket
 * requests to a listener bound on a non-loopback local address when this machine has
 * one (else 127.0.0.2, another loopback address that is not the owner's 127.0.0.1).
 * No data is served without the pairing token (the page itself is the public bundle); the
 * owner's token is not accepted there; a paired device may only watch, and sees RPC
 * endpoints by host only.
 */
import { request } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createAgent } from '../../../electron/agent/agent';
import { firstLanAddress, lanHostNames } from '../../../electron/agent/headless/lan-addresses';
import { type HeadlessServer, isWatchCall, startHeadlessServer } from '../../../electron/agent/headless/server';
import { fakeAgentDeps } from '../../fakes/fake-agent-deps';
import { recordingLogger } from '../../helpers/silent-logger';
import { eventSocketProtocols } from '../../../shared/api/headless-auth';
import { tempDir } from '../../helpers/temp-dir';

const lanHost = firstLanAddress() ?? '127.0.0.2';
const dir = tempDir('rigshift-lan-');
let server: HeadlessServer;
let base: string;

beforeAll(async () => {
  const staticDir = join(dir.path, 'renderer');
  mkdirSync(staticDir, { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>RigShift</title>');
  const agent = createAgent(fakeAgentDeps().deps);
  await agent.start();
  server = await startHeadlessServer({ agent, staticDir, logger: recordingLogger().logger, lan: { host: lanHost } });
  base = `http://${lanHost}:${server.lan!.port}`;
});

afterAll(async () => {
  await server?.close();
  dir.cleanup();
});

/** A raw request, so the Host header can be set (fetch forbids it). */
function send(path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((resolve, reject) => {
    const req = request(
      { host: lanHost, port: server.lan!.port, path, method: options.method ?? 'GET', headers: options.headers },
      (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
const call = (name: string, token?: string, body = '{}') =>
  send(`/api/call/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
  });

describe('headless LAN mode (--allow-lan)', () => {
  it('listens on the LAN address with its own port and a pairing token unlike the access token', () => {
    const lan = server.lan!;
    expect(lan.port).not.toBe(server.port);
    expect(lan.pairingToken.length).toBeGreaterThanOrEqual(40);
    expect(lan.pairingToken).not.toBe(server.token);
    expect(lan.pairingUrl).toBe(`${base}/#token=${lan.pairingToken}`);
    expect(server.origin).toMatch(/^http:\/\/127\.0\.0\.1:/);
  });

  it('serves the page shell (no data) without a credential, and never sets a cookie', async () => {
    for (const path of ['/', '/index.html', '/?token=wrong']) {
      const response = await send(path);
      expect(response.status).toBe(200);
      expect(response.headers['set-cookie']).toBeUndefined();
    }
  });

  it('refuses every API call without the pairing token, and refuses the owner token', async () => {
    expect((await call('getSnapshot')).status).toBe(401);
    expect((await call('getSnapshot', 'wrong')).status).toBe(401);
    const owner = await call('getSnapshot', server.token);
    expect(owner.status).toBe(401);
    expect(JSON.parse(owner.body)).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  });

  it('with the pairing token: read calls', async () => {
    const page = await send('/');
    expect(String(page.headers['content-security-policy'])).toContain(`connect-src 'self' ws://${lanHost}:${server.lan!.port}`);
    const snapshot = await call('getSnapshot', server.lan!.pairingToken);
    expect(snapshot.status).toBe(200);
    expect(JSON.parse(snapshot.body)).toMatchObject({ ok: true, value: { version: 1 } });
  });

  it('watchers see the RPC endpoint by host only, never its path, query or user info (API keys)', async () => {
    const rpcUrl = 'https://user:pw@rpc.example:8545/v3/SECRETKEY123?apikey=QUERYKEY456';
    const events: string[] = [];
    const ws = new WebSocket(`ws://${lanHost}:${server.lan!.port}/api/events`, eventSocketProtocols(server.lan!.pairingToken), { origin: base });
    await new Promise((resolve, reject) => (ws.on('open', resolve), ws.on('error', reject)));
    ws.on('message', (data) => events.push(String(data)));
    const owner = await fetch(`${server.origin}/api/call/updateSettings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ patch: { network: { kind: 'custom', rpcUrl, chainId: 1, marketAddress: `0x${'1'.repeat(40)}` } } }),
    });
    expect((await owner.json()).value.network.rpcUrl).toBe(rpcUrl);
    const snapshot = await call('getSnapshot', server.lan!.pairingToken);
    expect(JSON.parse(snapshot.body).value.settings.network.rpcUrl).toBe('https://rpc.example:8545');
    await new Promise((resolve) => setTimeout(resolve, 200));
    ws.close();
    expect(events.some((e) => e.includes('rpc.example'))).toBe(true);
    for (const leaked of [snapshot.body, ...events]) {
      expect(leaked).not.toMatch(/SECRETKEY123|QUERYKEY456|user:pw/);
    }
  });

  it('a paired device only watches: calls that change the rig are refused', async () => {
    for (const name of ['updateSettings', 'pauseRenting', 'startBenchmark', 'cancelJob']) {
      const response = await call(name, server.lan!.pairingToken, '{"duration":"hour"}');
      expect(response.status).toBe(403);
      expect(JSON.parse(response.body)).toMatchObject({ ok: false, error: { code: 'watch_only' } });
    }
    expect(isWatchCall('getEarnings')).toBe(true);
    expect(isWatchCall('listJobs')).toBe(true);
    expect(isWatchCall('revealMnemonic')).toBe(false);
    expect(isWatchCall('getRecoveryPhrase')).toBe(false);
    expect(isWatchCall('getPrivateKey')).toBe(false);
    expect(isWatchCall('getWalletSeed')).toBe(false);
    expect(isWatchCall('withdrawEarnings')).toBe(false);
    expect(isWatchCall('getter')).toBe(false);
  });

  it('refuses a Host that is not one of the rig\'s own names (DNS rebinding), even with the token', async () => {
    const response = await send('/api/call/getSnapshot', {
      method: 'POST',
      headers: { host: `evil.example:${server.lan!.port}`, authorization: `Bearer ${server.lan!.pairingToken}` },
      body: '{}',
    });
    expect(response.status).toBe(403);
  });

  it('events: the WebSocket needs the pairing token and our own origin', async () => {
    const open = (token: string, origin: string) =>
      new Promise<'open' | 'refused'>((resolve) => {
        const ws = new WebSocket(`ws://${lanHost}:${server.lan!.port}/api/events`, eventSocketProtocols(token), { origin });
        ws.on('open', () => (ws.close(), resolve('open')));
        ws.on('error', () => resolve('refused'));
      });
    expect(await open('', base)).toBe('refused');
    expect(await open(server.token, base)).toBe('refused');
    expect(await open(server.lan!.pairingToken, 'http://evil.example')).toBe('refused');
    expect(await open(server.lan!.pairingToken, base)).toBe('open');
  });

  it('0.0.0.0 answers to the machine\'s addresses and mDNS name, external ones first', () => {
    const names = lanHostNames(
      '0.0.0.0',
      {
        lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true, netmask: '', mac: '', cidr: null }],
        eth0: [{ address: '192.168.1.20', family: 'IPv4', internal: false, netmask: '', mac: '', cidr: null }],
      },
      'gamer-pc',
    );
    expect(names).toEqual(['192.168.1.20', '127.0.0.1', 'localhost', 'gamer-pc.local', 'gamer-pc']);
    expect(lanHostNames('192.168.1.20')).toEqual(['192.168.1.20']);
  });
});
