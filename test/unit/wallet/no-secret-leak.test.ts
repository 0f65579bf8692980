/**
 * The renderer never receives a key or a mnemonic except through revealSecret (and the
 * words of a new wallet, shown once by createWallet). A full flow on a real Hardhat node
 * — create, confirm, lock, unlock, balances, transfer, export, remember, import — then
 * every call response and every event payload is scanned for the phrase (and any three of
 * its words in a row) and for the private key in hex.
 */
import { HDNodeWallet, toBeHex } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/temp-dir';
import { walletHarness } from './support/feature-harness';
import { startWalletDevnet, type WalletDevnet } from './support/wallet-devnet';

const PASSWORD = 'a long wallet password';
const HARDHAT = 'test test test test test test test test test test test junk';

function secretsOf(phrase: string, path: string): string[] {
  const words = phrase.split(' ');
  const key = HDNodeWallet.fromPhrase(phrase, '', path).privateKey.slice(2).toLowerCase();
  const triples = words.slice(0, -2).map((_, i) => words.slice(i, i + 3).join(' '));
  return [key, ...triples, words.join('","')];
}

describe('no key or mnemonic leaves the wallet except on reveal', () => {
  let devnet: WalletDevnet;
  const dir = tempDir('rigshift-wallet-leak-');
  beforeAll(async () => {
    devnet = await startWalletDevnet();
  }, 120_000);
  afterAll(async () => {
    await devnet?.stop();
    dir.cleanup();
  });

  it('scans every response and event of a full flow', async () => {
    const harness = walletHarness({ dataDir: dir.path, chain: devnet.hub, extra: { timings: { refreshMs: 100, pollMs: 100 } } });
    await harness.start(true);
    try {
      const created = await harness.value<{ creationId: string; words: string[]; confirmIndexes: number[] }>('createWallet');
      const checks = created.confirmIndexes.map((index) => ({ index, word: created.words[index]! }));
      const state = await harness.value<{ address: string }>('confirmWalletWords', { creationId: created.creationId, checks, password: PASSWORD });
      await devnet.provider.send('hardhat_setBalance', [state.address, toBeHex(10n ** 18n)]);
      await harness.value('lockWallet');
      await harness.value('unlockWallet', { password: PASSWORD });
      await harness.call('unlockWallet', { password: 'wrong password' });
      await harness.value('exportKeystore', { password: PASSWORD });
      await harness.call('setRememberOnDevice', { enabled: true, password: PASSWORD });
      const preview = await harness.value<{ previewId: string }>('previewTransfer', { asset: 'gas', to: '0x976EA74026E726554dB657fA54763abd0C3a0aa9', amount: '1000' });
      await harness.value('sendTransfer', { previewId: preview.previewId, password: PASSWORD });
      await harness.value('listWalletTxs', {});
      await new Promise((r) => setTimeout(r, 400));
      await harness.value('getWallet');
      await harness.value('importWallet', { source: { kind: 'mnemonic', phrase: HARDHAT, index: 4 }, password: PASSWORD, replaceExisting: true });
      await harness.value('getWallet');
      const revealed = await harness.value<{ words: string[] }>('revealSecret', { password: PASSWORD });
      expect(revealed.words.join(' ')).toBe(HARDHAT);

      const secrets = [...secretsOf(created.words.join(' '), "m/44'/60'/0'/0/0"), ...secretsOf(HARDHAT, "m/44'/60'/0'/0/4")];
      const exposed = [
        ...harness.responses.filter((r) => r.name !== 'revealSecret' && r.name !== 'createWallet').map((r) => ({ where: `response ${r.name}`, text: JSON.stringify(r.result).toLowerCase() })),
        ...harness.events.map((e) => ({ where: `event ${e.name}`, text: JSON.stringify(e.payload).toLowerCase() })),
        ...harness.logs.map((l) => ({ where: `log ${l.message}`, text: JSON.stringify(l).toLowerCase() })),
      ];
      expect(harness.responses.length).toBeGreaterThan(10);
      expect(harness.events.some((e) => e.name === 'walletTx')).toBe(true);
      for (const { where, text } of exposed) {
        for (const secret of secrets) expect(text.includes(secret), `${where} contains a secret`).toBe(false);
      }
      // The two allowed places do carry them (the scan would see them).
      const allowed = JSON.stringify(harness.responses.find((r) => r.name === 'revealSecret')).toLowerCase();
      expect(secrets.some((secret) => allowed.includes(secret))).toBe(true);
    } finally {
      await harness.stop();
    }
  }, 60_000);
});
