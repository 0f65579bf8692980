/**
 * The wallet feature through the contract's boundary (dispatchCall parses every request),
 * with the real key worker thread and keystore files in a temp data dir; no chain here
 * (wallet-chain.test.ts has one). Create with the 3-word check, import, unlock with
 * progress, lock, reveal and export behind the password, every error a clear one, the
 * auto-lock and holdUnlocked, remember-on-device refused without a keychain.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SecretStore } from '../../../electron/agent/wallet/secret-store';
import { tempDir } from '../../helpers/temp-dir';
import { staticHub } from './support/wallet-devnet';
import { walletHarness } from './support/feature-harness';

const HARDHAT = 'test test test test test test test test test test test junk';
const PASSWORD = 'a long wallet password';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function started(options: Partial<Parameters<typeof walletHarness>[0]> = {}) {
  const dir = tempDir('rigshift-wallet-');
  const harness = walletHarness({ dataDir: dir.path, chain: staticHub(null), ...options });
  await harness.start(false);
  cleanups.push(dir.cleanup, () => harness.stop());
  return { harness, dir: dir.path };
}

type Created = { creationId: string; words: string[]; confirmIndexes: number[] };

describe('wallet feature', () => {
  it('creates a wallet: 12 words once, nothing saved until 3 of them are typed back with a password', async () => {
    const { harness, dir } = await started();
    expect(await harness.value('getWallet')).toMatchObject({ state: 'none', address: null });
    const created = await harness.value<Created>('createWallet');
    expect(created.words).toHaveLength(12);
    expect(created.confirmIndexes).toHaveLength(3);
    expect(existsSync(join(dir, 'wallet', 'keystore.json'))).toBe(false);

    const wrong = created.confirmIndexes.map((index) => ({ index, word: created.words[(index + 1) % 12]! === created.words[index] ? 'zoo' : created.words[(index + 1) % 12]! }));
    const refused = await harness.call('confirmWalletWords', { creationId: created.creationId, checks: wrong, password: PASSWORD });
    expect(refused).toMatchObject({ ok: false, error: { code: 'words_mismatch' } });
    const partial = await harness.call('confirmWalletWords', {
      creationId: created.creationId,
      checks: [{ index: created.confirmIndexes[0]!, word: created.words[created.confirmIndexes[0]!]! }],
      password: PASSWORD,
    });
    expect(partial).toMatchObject({ ok: false, error: { code: 'words_missing' } });
    const short = await harness.call('confirmWalletWords', { creationId: created.creationId, checks: [{ index: 0, word: 'x' }], password: 'short' });
    expect(short).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(existsSync(join(dir, 'wallet', 'keystore.json'))).toBe(false);

    const checks = created.confirmIndexes.map((index) => ({ index, word: ` ${created.words[index]!.toUpperCase()} ` }));
    const state = await harness.value('confirmWalletWords', { creationId: created.creationId, checks, password: PASSWORD });
    expect(state).toMatchObject({ state: 'unlocked', source: 'created', path: "m/44'/60'/0'/0/0" });
    expect(existsSync(join(dir, 'wallet', 'keystore.json'))).toBe(true);
    const again = await harness.call('confirmWalletWords', { creationId: created.creationId, checks, password: PASSWORD });
    expect(again).toMatchObject({ ok: false, error: { code: 'creation_expired' } });
    // The words the owner wrote down are the wallet's words.
    const revealed = await harness.value<{ words: string[] }>('revealSecret', { password: PASSWORD });
    expect(revealed.words).toEqual(created.words);
  });

  it('refuses to replace an existing wallet unless asked, and keeps the old keystore as a backup', async () => {
    const { harness, dir } = await started();
    await harness.value('importWallet', { source: { kind: 'mnemonic', phrase: HARDHAT, index: 1 }, password: PASSWORD });
    expect(await harness.call('createWallet', {})).toMatchObject({ ok: false, error: { code: 'wallet_exists' } });
    const before = readFileSync(join(dir, 'wallet', 'keystore.json'), 'utf8');
    const state = await harness.value('importWallet', {
      source: { kind: 'privateKey', privateKey: '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d' },
      password: PASSWORD,
      replaceExisting: true,
    });
    expect(state).toMatchObject({ address: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', source: 'privateKey' });
    const { readdirSync } = await import('node:fs');
    const backups = readdirSync(join(dir, 'wallet')).filter((f) => f.endsWith('.backup.json'));
    expect(backups).toHaveLength(1);
    expect(readFileSync(join(dir, 'wallet', backups[0]!), 'utf8')).toBe(before);
  });

  it('imports a mnemonic at an account index; a bad phrase says why', async () => {
    const { harness } = await started();
    const bad = await harness.call('importWallet', { source: { kind: 'mnemonic', phrase: HARDHAT.replace('junk', 'test'), index: 0 }, password: PASSWORD });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_mnemonic', hint: expect.any(String) } });
    const state = await harness.value('importWallet', { source: { kind: 'mnemonic', phrase: HARDHAT, index: 1 }, password: PASSWORD });
    expect(state).toMatchObject({ state: 'unlocked', address: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', source: 'mnemonic', path: "m/44'/60'/0'/0/1" });
  });

  it('locks, unlocks with progress events, and says "wrong password" for a wrong one', async () => {
    const { harness } = await started();
    await harness.value('importWallet', { source: { kind: 'mnemonic', phrase: HARDHAT, index: 0 }, password: PASSWORD });
    expect(await harness.value('lockWallet')).toMatchObject({ state: 'locked', address: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266' });
    expect(harness.access.isUnlocked()).toBe(false);
    const wrong = await harness.call('unlockWallet', { password: 'not the password' });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'wrong_password', message: 'The password is wrong.' } });
    expect(await harness.value('getWallet')).toMatchObject({ state: 'locked' });
    harness.events.length = 0;
    expect(await harness.value('unlockWallet', { password: PASSWORD })).toMatchObject({ state: 'unlocked' });
    const states = harness.events.filter((e) => e.name === 'walletState').map((e) => (e.payload as { state: string }).state);
    expect(states).toContain('unlocking');
    expect(states.at(-1)).toBe('unlocked');
    const fractions = harness.events.filter((e) => e.name === 'walletUnlockProgress').map((e) => (e.payload as { fraction: number }).fraction);
    expect(fractions.length).toBeGreaterThan(2);
    expect(fractions.at(-1)).toBe(1);
  });

  it('reveal and export need the password again, even while unlocked', async () => {
    const { harness } = await started();
    await harness.value('importWallet', { source: { kind: 'mnemonic', phrase: HARDHAT, index: 0 }, password: PASSWORD });
    expect(await harness.call('revealSecret', { password: 'guess' })).toMatchObject({ ok: false, error: { code: 'wrong_password' } });
    expect(await harness.call('exportKeystore', { password: 'guess' })).toMatchObject({ ok: false, error: { code: 'wrong_password' } });
    const exported = await harness.value<{ fileName: string; json: string }>('exportKeystore', { password: PASSWORD });
    expect(exported.fileName).toBe('rigshift-keystore-0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266.json');
    expect(JSON.parse(exported.json).crypto.kdf).toBe('scrypt');
    expect(await harness.value('revealSecret', { password: PASSWORD })).toMatchObject({ kind: 'mnemonic', words: HARDHAT.split(' ') });
  });

  it('gives clear errors for a missing wallet, a damaged keystore and a foreign file', async () => {
    const { harness, dir } = await started();
    expect(await harness.call('unlockWallet', { password: PASSWORD })).toMatchObject({ ok: false, error: { code: 'no_wallet' } });
    expect(await harness.call('revealSecret', { password: PASSWORD })).toMatchObject({ ok: false, error: { code: 'no_wallet' } });
    await harness.value('importWallet', { source: { kind: 'mnemonic', phrase: HARDHAT, index: 0 }, password: PASSWORD });
    await harness.stop();
    const path = join(dir, 'wallet', 'keystore.json');
    writeFileSync(path, readFileSync(path, 'utf8').slice(0, 200));
    const damaged = walletHarness({ dataDir: dir, chain: staticHub(null) });
    await damaged.start(false);
    cleanups.push(() => damaged.stop());
    expect(await damaged.value('getWallet')).toMatchObject({ state: 'none', problem: { code: 'keystore_corrupt' } });
    expect(await damaged.call('unlockWallet', { password: PASSWORD })).toMatchObject({ ok: false, error: { code: 'keystore_corrupt', hint: expect.stringContaining('recovery phrase') } });
    writeFileSync(path, JSON.stringify({ some: 'other app', version: 2 }));
    const foreign = walletHarness({ dataDir: dir, chain: staticHub(null) });
    await foreign.start(false);
    cleanups.push(() => foreign.stop());
    expect(await foreign.call('unlockWallet', { password: PASSWORD })).toMatchObject({ ok: false, error: { code: 'keystore_foreign' } });
    // Importing over the unusable file keeps it (as a backup), never deletes it.
    await foreign.value('importWallet', { source: { kind: 'mnemonic', phrase: HARDHAT, index: 0 }, password: PASSWORD });
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(join(dir, 'wallet')).some((f) => f.endsWith('.backup.json'))).toBe(true);
  });

  it('auto-locks after the idle minutes, but not while holdUnlocked holds', async () => {
    let now = Date.parse('2026-01-01T10:00:00Z');
    const { harness } = await started({
      clock: { now: () => new Date(now) },
      settings: { autoLockMinutes: 15 },
      extra: { timings: { autoLockCheckMs: 50 } },
    });
    await harness.start(true);
    await harness.value('importWallet', { source: { kind: 'mnemonic', phrase: HARDHAT, index: 0 }, password: PASSWORD });
    const release = harness.access.holdUnlocked('claim of job 7 in flight');
    now += 60 * 60_000;
    await new Promise((r) => setTimeout(r, 50));
    expect(harness.access.isUnlocked()).toBe(true);
    release();
    now += 14 * 60_000;
    await expect.poll(() => harness.access.isUnlocked(), { timeout: 500 }).toBe(true);
    now += 2 * 60_000;
    await expect.poll(() => harness.access.isUnlocked(), { timeout: 5_000 }).toBe(false);
    expect(await harness.value('getWallet')).toMatchObject({ state: 'locked' });
  });

  it('refuses "remember on this device" without a keychain, with the reason; works with one', async () => {
    const { harness } = await started();
    await harness.value('importWallet', { source: { kind: 'mnemonic', phrase: HARDHAT, index: 0 }, password: PASSWORD });
    const state = await harness.value<{ remember: { available: boolean; reason: string } }>('getWallet');
    expect(state.remember).toMatchObject({ available: false, enabled: false });
    expect(state.remember.reason).toContain('--wallet-password-file');
    expect(await harness.call('setRememberOnDevice', { enabled: true, password: PASSWORD })).toMatchObject({ ok: false, error: { code: 'remember_unavailable' } });

    // A keychain that works (reversible sealing is all the port promises): the wallet
    // unlocks at the next start without a password typed.
    const sealedWith: string[] = [];
    const keychain: SecretStore = {
      availability: async () => ({ available: true }),
      seal: async (secret) => (sealedWith.push(secret), Buffer.from(secret).reverse().toString('base64')),
      unseal: async (sealed) => Buffer.from(sealed, 'base64').reverse().toString(),
    };
    const dir = tempDir('rigshift-wallet-');
    cleanups.push(dir.cleanup);
    const first = walletHarness({ dataDir: dir.path, chain: staticHub(null), secretStore: keychain });
    await first.start(false);
    await first.value('importWallet', { source: { kind: 'mnemonic', phrase: HARDHAT, index: 0 }, password: PASSWORD });
    expect(await first.call('setRememberOnDevice', { enabled: true, password: 'wrong password' })).toMatchObject({ ok: false, error: { code: 'wrong_password' } });
    expect(await first.value('setRememberOnDevice', { enabled: true, password: PASSWORD })).toMatchObject({ remember: { enabled: true } });
    expect(readFileSync(join(dir.path, 'wallet', 'remembered.json'), 'utf8')).not.toContain(PASSWORD);
    await first.stop();
    const second = walletHarness({ dataDir: dir.path, chain: staticHub(null), secretStore: keychain });
    cleanups.push(() => second.stop());
    await second.start(true);
    await expect.poll(() => second.access.isUnlocked(), { timeout: 10_000 }).toBe(true);
  });

  it('unlocks at start from the headless password, and gives WalletAccess errors when locked or offline', async () => {
    const dir = tempDir('rigshift-wallet-');
    cleanups.push(dir.cleanup);
    const first = walletHarness({ dataDir: dir.path, chain: staticHub(null) });
    await first.start(false);
    await first.value('importWallet', { source: { kind: 'mnemonic', phrase: HARDHAT, index: 0 }, password: PASSWORD });
    await first.value('lockWallet');
    await expect(first.access.send({ to: first.access.address()!, kind: 'other', label: 't' })).rejects.toMatchObject({ code: 'wallet_locked' });
    await first.stop();
    const second = walletHarness({ dataDir: dir.path, chain: staticHub(null), extra: { unlockPassword: PASSWORD } });
    cleanups.push(() => second.stop());
    await second.start(true);
    await expect.poll(() => second.access.isUnlocked(), { timeout: 10_000 }).toBe(true);
    await expect(second.access.send({ to: second.access.address()!, kind: 'other', label: 't' })).rejects.toMatchObject({ code: 'chain_offline' });
  });
});
