/**
 * Where earnings go needs the wallet password every time. The attack run set a payout
 * address and a 1-micro sweep threshold with nothing but the dashboard token
 * (`updateSettings {"wallet":{"payoutAddress":…,"sweepThresholdMicros":"1"}}` → ok): the
 * next sweep would have paid the attacker. Here the real agent with the real wallet
 * feature (key worker, keystore in a temp dir), through its HTTP transport and through
 * agent.call (the desktop's path).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAgent, type Agent } from '../../../electron/agent/agent';
import { startHeadlessServer } from '../../../electron/agent/headless/server';
import { createNodeSecretStore } from '../../../electron/agent/wallet/secret-store';
import { createWalletFeature } from '../../../electron/agent/wallet/wallet-feature';
import { moneySettingsChanged } from '../../../shared/domain/money-settings';
import { DEFAULT_SETTINGS } from '../../../shared/domain/settings';
import { fakeAgentDeps } from '../../fakes/fake-agent-deps';
import { recordingLogger } from '../../helpers/silent-logger';
import { tempDir } from '../../helpers/temp-dir';
import { TEST_SCRYPT_N } from './support/feature-harness';
import { staticHub } from './support/wallet-devnet';

const HARDHAT = 'test test test test test test test test test test test junk';
const PASSWORD = 'a long wallet password';
const ATTACKER = '0xa0Ee7A142d267C1f36714E4a8F75612F20a79720';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function agentWithWallet(): Promise<Agent> {
  const dir = tempDir('rigshift-money-');
  const { logger } = recordingLogger();
  const { feature } = createWalletFeature({ dataDir: dir.path, chain: staticHub(null), secretStore: createNodeSecretStore(), clock: { now: () => new Date() }, logger, scryptN: TEST_SCRYPT_N });
  const agent = createAgent(fakeAgentDeps({ features: [feature] }).deps);
  await agent.start();
  cleanups.push(dir.cleanup, () => agent.stop());
  const imported = await agent.call('importWallet', { source: { kind: 'mnemonic', phrase: HARDHAT, index: 0 }, password: PASSWORD });
  expect(imported.ok).toBe(true);
  return agent;
}

const attack = { wallet: { payoutAddress: ATTACKER, sweepThresholdMicros: '1' } };

describe('settings that move money', () => {
  it('are the payout address and the sweep threshold, and only when they really change', () => {
    expect(moneySettingsChanged(DEFAULT_SETTINGS, attack)).toEqual(['wallet.payoutAddress', 'wallet.sweepThresholdMicros']);
    expect(moneySettingsChanged(DEFAULT_SETTINGS, { wallet: { payoutAddress: null, sweepThresholdMicros: '00' } })).toEqual([]);
    expect(moneySettingsChanged(DEFAULT_SETTINGS, { wallet: { autoLockMinutes: 5 }, ui: { theme: 'dark' } })).toEqual([]);
  });

  it('updateSettings cannot change them without the wallet password, even while unlocked', async () => {
    const agent = await agentWithWallet();
    expect(await agent.call('getWallet', {})).toMatchObject({ ok: true, value: { state: 'unlocked' } });
    expect(await agent.call('updateSettings', { patch: attack })).toMatchObject({ ok: false, error: { code: 'password_required' } });
    expect(await agent.call('updateSettings', { patch: { wallet: { sweepThresholdMicros: '1' } } })).toMatchObject({ ok: false });
    expect(await agent.call('updateSettings', { patch: attack, password: 'not the password' })).toMatchObject({ ok: false });
    expect(agent.snapshot().settings.wallet).toMatchObject({ payoutAddress: null, sweepThresholdMicros: '0' });
    // Everything else stays one call away.
    expect(await agent.call('updateSettings', { patch: { ui: { theme: 'dark' }, wallet: { autoLockMinutes: 5 } } })).toMatchObject({ ok: true });

    const saved = await agent.call('updateSettings', { patch: attack, password: PASSWORD });
    expect(saved).toMatchObject({ ok: true, value: { wallet: { payoutAddress: ATTACKER, sweepThresholdMicros: '1' } } });
    // Saving the same values again (the page saves the whole section) needs nothing.
    expect(await agent.call('updateSettings', { patch: { wallet: { payoutAddress: ATTACKER.toLowerCase(), sweepThresholdMicros: '1' } } })).toMatchObject({ ok: true });
  });

  it('sending from the wallet needs the password too, even while unlocked', async () => {
    const agent = await agentWithWallet();
    expect(await agent.call('sendTransfer', { previewId: 'any' })).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(await agent.call('sendTransfer', { previewId: 'any', password: 'not the password' })).toMatchObject({ ok: false, error: { code: 'wrong_password' } });
    // With it, the transfer goes on to its own checks (here: no such preview).
    expect(await agent.call('sendTransfer', { previewId: 'any', password: PASSWORD })).toMatchObject({ ok: false, error: { code: 'preview_expired' } });
  });

  it('the owner token over HTTP is not enough either', async () => {
    const agent = await agentWithWallet();
    const dir = tempDir('rigshift-money-static-');
    mkdirSync(dir.path, { recursive: true });
    writeFileSync(join(dir.path, 'index.html'), '<!doctype html>');
    const server = await startHeadlessServer({ agent, staticDir: dir.path, logger: recordingLogger().logger });
    cleanups.push(dir.cleanup, () => server.close());
    const response = await fetch(`${server.origin}/api/call/updateSettings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ patch: attack }),
    });
    expect(await response.json()).toMatchObject({ ok: false, error: { code: 'password_required' } });
    expect(agent.snapshot().settings.wallet.payoutAddress).toBeNull();
  });

  it('an agent without the wallet refuses them outright', async () => {
    const agent = createAgent(fakeAgentDeps().deps);
    await agent.start();
    cleanups.push(() => agent.stop());
    expect(await agent.call('updateSettings', { patch: attack, password: PASSWORD })).toMatchObject({ ok: false, error: { code: 'wallet_unavailable' } });
    expect(agent.snapshot().settings.wallet.payoutAddress).toBeNull();
  });
});
