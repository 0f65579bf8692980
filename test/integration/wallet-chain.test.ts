/**
 * The wallet against a real Hardhat node (TestUSD and the market deployed from the
 * committed artifacts): balances and the gas outlook, a transfer through preview and
 * confirm from pending to confirmed, a stuck transaction replaced with higher fees, a
 * wrong chain refused, and the auto-sweep to the payout address. Chain tests never skip.
 */
import { Contract, JsonRpcSigner, toBeHex } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WalletTx } from '../../shared/domain/wallet';
import { ERC20_FRAGMENT } from '../../electron/agent/wallet/token';
import { tempDir } from '../helpers/temp-dir';
import { walletHarness } from '../unit/wallet/support/feature-harness';
import { startWalletDevnet, staticHub, type WalletDevnet } from '../unit/wallet/support/wallet-devnet';

const HARDHAT = 'test test test test test test test test test test test junk';
const PASSWORD = 'a long wallet password';
const ME = '0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc'; // Hardhat account 5
const FRIEND = '0x976EA74026E726554dB657fA54763abd0C3a0aa9'; // account 6
const PAYOUT = '0x14dC79964da2C08b23698B3D3cc7Ca32193d9955'; // account 7
const ETH = 10n ** 18n;

describe('wallet on a Hardhat chain', () => {
  let devnet: WalletDevnet;
  const dir = tempDir('rigshift-wallet-chain-');
  let harness: ReturnType<typeof walletHarness>;
  const token = () => new Contract(devnet.network.tokenAddress, ERC20_FRAGMENT, devnet.provider);
  const balanceOf = async (who: string) => (await token().getFunction('balanceOf')(who)) as bigint;
  const mint = async (to: string, amount: bigint) => {
    const minter = new Contract(devnet.network.tokenAddress, ['function mint(address,uint256)'], new JsonRpcSigner(devnet.provider, '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'));
    await (await minter.getFunction('mint')(to, amount)).wait();
  };

  beforeAll(async () => {
    devnet = await startWalletDevnet();
    await devnet.provider.send('hardhat_setBalance', [ME, toBeHex(2n * ETH)]);
    harness = walletHarness({
      dataDir: dir.path,
      chain: devnet.hub,
      extra: { timings: { refreshMs: 200, pollMs: 200, stuckAfterMs: 400 } },
    });
    await harness.start(true);
    await harness.value('importWallet', { source: { kind: 'mnemonic', phrase: HARDHAT, index: 5 }, password: PASSWORD });
  }, 120_000);

  afterAll(async () => {
    await harness?.stop();
    await devnet?.stop();
    dir.cleanup();
  });

  it('shows gas and stablecoin balances and how many jobs the gas covers', async () => {
    const before = await balanceOf(ME);
    await mint(ME, 250_000_000n);
    await expect
      .poll(async () => (await harness.value<{ balances: { token: { amount: string } } }>('getWallet')).balances?.token.amount, { timeout: 5_000 })
      .toBe((before + 250_000_000n).toString());
    const state = await harness.value<{ balances: { gasWei: string; token: { symbol: string; decimals: number } }; gas: { jobsLeft: string; maxFeePerGas: string; low: boolean }; network: { isDevnet: boolean } }>('getWallet');
    expect(state.balances.gasWei).toBe((2n * ETH).toString());
    expect(state.balances.token).toMatchObject({ symbol: 'tUSD', decimals: 6 });
    expect(state.network.isDevnet).toBe(true);
    expect(BigInt(state.gas.jobsLeft)).toBe((2n * ETH) / (160_000n * BigInt(state.gas.maxFeePerGas)));
    await devnet.provider.send('hardhat_setBalance', [ME, toBeHex(160_000n * BigInt(state.gas.maxFeePerGas) * 3n)]);
    await expect.poll(async () => (await harness.value<{ gas: { low: boolean; jobsLeft: string } }>('getWallet')).gas, { timeout: 5_000 }).toMatchObject({ low: true });
    await devnet.provider.send('hardhat_setBalance', [ME, toBeHex(2n * ETH)]);
  });

  it('checks the recipient: lowercase accepted, a wrong checksum refused', async () => {
    const badChecksum = FRIEND.replace('976EA', '976eA');
    expect(await harness.call('previewTransfer', { asset: 'gas', to: badChecksum, amount: '1' })).toMatchObject({ ok: false, error: { code: 'bad_checksum' } });
    expect(await harness.call('previewTransfer', { asset: 'gas', to: 'friend.eth', amount: '1' })).toMatchObject({ ok: false, error: { code: 'invalid_address' } });
    expect(await harness.call('previewTransfer', { asset: 'gas', to: FRIEND.toLowerCase(), amount: '1' })).toMatchObject({ ok: true, value: { to: FRIEND } });
    expect(await harness.call('previewTransfer', { asset: 'gas', to: FRIEND, amount: (100n * ETH).toString() })).toMatchObject({ ok: false, error: { code: 'insufficient_funds' } });
    expect(await harness.call('sendTransfer', { previewId: 'made-up', password: PASSWORD })).toMatchObject({ ok: false, error: { code: 'preview_expired' } });
  });

  it('sends stablecoin after a fee preview: pending while unmined, then confirmed', async () => {
    await devnet.provider.send('evm_setAutomine', [false]);
    try {
      const friendBefore = await balanceOf(FRIEND);
      const preview = await harness.value<{ previewId: string; gasLimit: string; maxFeePerGas: string; maxFeeWei: string }>('previewTransfer', { asset: 'token', to: FRIEND, amount: '40000000' });
      expect(BigInt(preview.maxFeeWei)).toBe(BigInt(preview.gasLimit) * BigInt(preview.maxFeePerGas));
      const tx = await harness.value<WalletTx>('sendTransfer', { previewId: preview.previewId, password: PASSWORD });
      expect(tx).toMatchObject({ status: 'pending', kind: 'transfer', token: { amount: '40000000', recipient: FRIEND } });
      expect(await harness.call('sendTransfer', { previewId: preview.previewId, password: PASSWORD })).toMatchObject({ ok: false, error: { code: 'preview_expired' } });
      expect(await harness.value('getWallet')).toMatchObject({ pendingTxs: [{ id: tx.id }] });
      await devnet.provider.send('evm_mine', []);
      await expect.poll(() => harness.events.some((e) => e.name === 'walletTx' && e.payload.id === tx.id && e.payload.status === 'confirmed'), { timeout: 5_000 }).toBe(true);
      expect(await balanceOf(FRIEND)).toBe(friendBefore + 40_000_000n);
      const [listed] = await harness.value<WalletTx[]>('listWalletTxs', {});
      expect(listed).toMatchObject({ id: tx.id, status: 'confirmed', blockNumber: expect.any(Number), gasUsed: expect.any(String) });
    } finally {
      await devnet.provider.send('evm_setAutomine', [true]);
    }
  });

  it('replaces a stuck transaction with higher fees, and wait() follows it to the replacement', async () => {
    await devnet.provider.send('evm_setAutomine', [false]);
    try {
      const sent = await harness.access.send({ to: FRIEND, value: 12345n, kind: 'other', label: 'test payment' });
      await expect.poll(() => harness.events.some((e) => e.name === 'walletTx' && e.payload.id === sent.id && e.payload.hashes.length >= 2), { timeout: 8_000 }).toBe(true);
      const replaced = (await harness.value<WalletTx[]>('listWalletTxs', {})).find((t) => t.id === sent.id)!;
      expect(replaced.nonce).toBe(sent.nonce);
      expect(replaced.hashes[0]).toBe(sent.hash);
      await devnet.provider.send('evm_mine', []);
      const mined = await sent.wait();
      expect(mined.status).toBe('confirmed');
      expect(mined.hash).not.toBe(sent.hash);
      const first = harness.events.find((e) => e.name === 'walletTx' && e.payload.id === sent.id)!.payload as WalletTx;
      const minedTx = await devnet.provider.getTransaction(mined.hash);
      expect(minedTx!.maxFeePerGas!).toBeGreaterThan(BigInt(first.maxFeePerGas));
      expect(minedTx!.maxPriorityFeePerGas!).toBeGreaterThan(BigInt(first.maxPriorityFeePerGas));
      expect(await devnet.provider.getTransactionReceipt(sent.hash)).toBeNull();
    } finally {
      await devnet.provider.send('evm_setAutomine', [true]);
    }
  });

  it('refuses to sign when the node is on another chain than configured', async () => {
    const other = walletHarness({
      dataDir: dir.path,
      chain: staticHub({ port: devnet.hub.connection()!.port, network: { ...devnet.network, chainId: 8453 } }),
    });
    await other.start(false);
    try {
      await other.value('unlockWallet', { password: PASSWORD });
      await expect(other.access.send({ to: FRIEND, value: 1n, kind: 'other', label: 'x' })).rejects.toMatchObject({ code: 'wrong_chain' });
    } finally {
      await other.stop();
    }
  });

  it('sweeps the stablecoin to the payout address once the balance is above the threshold', async () => {
    const mine = await balanceOf(ME);
    const payoutBefore = await balanceOf(PAYOUT);
    harness.setSettings({ payoutAddress: PAYOUT, sweepThresholdMicros: (mine + 1_000_000n).toString() });
    await new Promise((r) => setTimeout(r, 600));
    expect(await balanceOf(PAYOUT)).toBe(payoutBefore);
    await mint(ME, 2_000_000n);
    await expect.poll(() => balanceOf(PAYOUT), { timeout: 8_000 }).toBe(payoutBefore + mine + 2_000_000n);
    expect(await balanceOf(ME)).toBe(0n);
    const sweep = async () => (await harness.value<WalletTx[]>('listWalletTxs', {})).find((t) => t.kind === 'sweep');
    await expect.poll(sweep, { timeout: 5_000 }).toMatchObject({ status: 'confirmed', token: { recipient: PAYOUT } });
    harness.setSettings({ payoutAddress: null });
  });
});
