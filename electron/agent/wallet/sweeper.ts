/**
 * Auto-sweep: when a payout address is set and the stablecoin balance rises above the
 * owner's threshold, the whole stablecoin balance goes to the payout address (a hot
 * wallet on a gaming PC should not pile up earnings, chain.md §3.3). The gas coin stays
 * (jobs need it). One sweep at a time; after a failure it waits before trying again.
 */
import type { Settings } from '../../../shared/domain/settings';
import type { WalletBalances } from '../../../shared/domain/wallet';
import type { Clock, Logger } from '../ports';
import { transferData } from './token';
import type { TxQueue } from './tx-queue';

const RETRY_AFTER_FAILURE_MS = 5 * 60_000;

export function createSweeper(deps: { queue: TxQueue; settings: () => Settings; isUnlocked: () => boolean; clock: Clock; logger: Logger }) {
  let inFlight = false;
  let retryAt = 0;

  return {
    async maybeSweep(balances: WalletBalances | null): Promise<void> {
      const { payoutAddress, sweepThresholdMicros } = deps.settings().wallet;
      if (!payoutAddress || !balances?.token || inFlight || !deps.isUnlocked()) return;
      if (deps.clock.now().getTime() < retryAt) return;
      if (deps.queue.pending().some((tx) => tx.kind === 'sweep')) return;
      const amount = BigInt(balances.token.amount);
      if (amount === 0n || amount <= BigInt(sweepThresholdMicros)) return;
      inFlight = true;
      try {
        const sent = await deps.queue.send({
          to: balances.token.address,
          data: transferData(payoutAddress, amount),
          kind: 'sweep',
          label: `Sweep ${balances.token.symbol} to the payout address ${payoutAddress}`,
          token: { amount, recipient: payoutAddress },
        });
        const mined = await sent.wait();
        if (mined.status === 'failed') retryAt = deps.clock.now().getTime() + RETRY_AFTER_FAILURE_MS;
      } catch (error) {
        retryAt = deps.clock.now().getTime() + RETRY_AFTER_FAILURE_MS;
        deps.logger.warn('wallet: sweep to the payout address failed', { error: error instanceof Error ? error.message : String(error) });
      } finally {
        inFlight = false;
      }
    },
  };
}
