/**
 * Issue 13, "time to first money": README's demo as a newcomer runs it reaches money in the
 * wallet. `rigshift devnet --demo` and `rigshift headless` (each with its own data dir), the
 * wizard through the API with a new wallet, "Start renting"; then the agent claims one of the
 * demo requester's jobs, runs it in Docker, uploads, submits, the requester accepts, and the
 * first earnings are withdrawn at once into the wallet even though the demo keeps the agent
 * busy with the next job (before, they waited in the contract for a batch of five).
 * No timed assertions: the seconds are measured by `npm run bench` (first-payment-figures.ts).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_IMAGE_FILE } from '../../electron/agent/requester/demo-image';
import { TEST_SCRYPT_N_ENV } from '../../electron/agent/wallet/scrypt-params';
import type { LedgerJob } from '../../shared/domain/earnings';
import type { MarketOverview } from '../../shared/domain/market';
import type { WalletState, WalletTx } from '../../shared/domain/wallet';
import { cliBundle, repoRoot } from '../helpers/cli';
import { completeWizard, type FirstMoney, type FirstPaymentSetup, followToFirstMoney, startDemoAndAgent } from '../helpers/first-payment-run';
import { dockerEngine, fileExists, need } from '../helpers/requirements';

const ready =
  need(fileExists(cliBundle, 'npm run build')) &&
  need(fileExists(join(repoRoot, 'resources/images', DEMO_IMAGE_FILE), 'npm run build:images')) &&
  need(dockerEngine());

describe.skipIf(!ready)('first money: README demo to tUSD in the wallet (devnet --demo, rigshift headless, Docker)', () => {
  let setup: FirstPaymentSetup;
  let money: FirstMoney;

  beforeAll(async () => {
    setup = await startDemoAndAgent({ agentEnv: { [TEST_SCRYPT_N_ENV]: '1024' } });
  }, 180_000);

  afterAll(async () => {
    await setup?.stop();
  });

  it('claims nothing before Start renting, then pays the first job and moves the earnings into the wallet', async () => {
    const beforeStartRenting = async () => {
      // The starter jobs are on the market, the wallet is unlocked: still nothing is claimed or staked.
      await expect.poll(async () => (await setup.api<MarketOverview>('getMarket', { limit: 10 })).openTotal, { timeout: 60_000 }).toBeGreaterThan(0);
      const market = await setup.api<MarketOverview>('getMarket', { limit: 10 });
      expect(market.status.biddingWanted).toBe(false);
      expect(market.mine).toEqual([]);
      expect(await setup.api<WalletTx[]>('listWalletTxs', { limit: 10 })).toEqual([]);
    };
    await completeWizard(setup.api, { benchmark: false, password: 'first payment test password', beforeStartRenting });
    money = await followToFirstMoney(setup, { timeoutMs: 8 * 60_000 });

    // Paid by the requester's accept (the upload matched the commitment), with real money.
    const paid = money.paidJob;
    expect(paid.state).toBe('settled');
    expect(paid.settledBy).toBe('requester');
    expect(BigInt(paid.grossMicros)).toBeGreaterThan(0n);
    expect(paid.billedSeconds).toBeGreaterThan(0);

    // The tUSD reached the wallet: its token balance grew by exactly the amount withdrawn,
    // and that is the first job's pay after the fee on its own, not a batch of five.
    const { withdrawn } = money;
    expect(withdrawn.balanceAfter - withdrawn.balanceBefore).toBe(withdrawn.amount);
    expect(withdrawn.amount).toBe(BigInt(paid.grossMicros) - BigInt(paid.feeMicros));
  }, 600_000);

  it('the agent\'s own views agree: the withdrawal confirmed in the wallet, the paid job in the ledger', async () => {
    const txs = await setup.api<WalletTx[]>('listWalletTxs', { limit: 100 });
    const withdrawal = txs.find((t) => t.kind === 'withdraw' && t.status === 'confirmed');
    expect(withdrawal?.blockNumber).toBe(money.withdrawn.blockNumber);
    const ledger = await setup.api<{ jobs: LedgerJob[] }>('listLedgerJobs', { limit: 50 });
    expect(ledger.jobs.find((j) => j.chainJobId === money.paidJob.chainJobId)?.state).toBe('settled');
    const wallet = await setup.api<WalletState>('getWallet');
    expect(wallet.address).toBe(money.address);
    expect(wallet.balances?.token?.amount).toMatch(/^[1-9][0-9]*$/);
  }, 30_000);
});
