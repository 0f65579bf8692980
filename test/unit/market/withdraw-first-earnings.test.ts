/**
 * Issue 13, time to first money: the provider withdrew its credit only in batches (5 paid
 * jobs, 10 USD, or idle), and the demo requester keeps jobs coming, so a newcomer's first
 * earnings sat in the contract for minutes. The first earnings are now withdrawn at once,
 * even while the next job runs; later ones are batched as before.
 */
import { describe, expect, it } from 'vitest';
import { withdrawIfDue } from '../../../electron/agent/market/market-funds';
import type { WalletAccess } from '../../../electron/agent/wallet/wallet-access';
import { createHarness, ME } from './provider-harness';

describe('withdrawing earnings', () => {
  it('withdraws the first earnings at once while the next job runs; later ones wait for a batch', async () => {
    const h = createHarness();
    const wallet = { address: () => ME, isUnlocked: () => true } as unknown as WalletAccess;
    const funds = { wallet, fund: (async () => undefined) as never, notice: () => undefined, read: async () => ({ credit: h.chain.creditOf(ME) }) as never };
    const options = { force: false, minSettled: 5, thresholdMicros: 10_000_000n, now: () => new Date(h.chain.time() * 1000) };
    const payJob = async (id: string, run: number) => {
      h.chain.post({ id });
      await h.claim(id);
      h.runs[run]!.finish(undefined, 600_000);
      await h.settle();
      h.advance(601);
      await h.tick();
      expect(h.job(id)?.state).toBe('settled');
    };

    await payJob('1', 0);
    const credit = h.chain.creditOf(ME);
    expect(credit).toBeGreaterThan(0n);
    expect(credit).toBeLessThan(options.thresholdMicros);
    h.chain.post({ id: '2' });
    await h.claim('2');
    expect(h.job('2')?.state).toBe('running');

    const first = await withdrawIfDue(funds, h.chain.chain, h.provider, options);
    expect(first.amount).toBe(credit);
    expect(h.chain.creditOf(ME)).toBe(0n);
    expect(h.job('1')?.txs.at(-1)).toMatchObject({ kind: 'withdraw', status: 'confirmed' });

    h.runs[1]!.finish(undefined, 600_000);
    await h.settle();
    h.advance(601);
    await h.tick();
    expect(h.job('2')?.state).toBe('settled');
    h.chain.post({ id: '3' });
    await h.claim('3');
    const second = await withdrawIfDue(funds, h.chain.chain, h.provider, options);
    expect(second).toEqual({ txHash: null, amount: 0n });
    expect(h.chain.sentOf('withdraw')).toHaveLength(1);
  });
});
