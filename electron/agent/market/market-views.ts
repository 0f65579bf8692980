/**
 * What the Market page gets: a market job with its verdict and our record, and the market
 * status (bidding on/off and why, stake, credit, indexer, counts). Pure functions of the
 * feature's state.
 */
import { formatUsdMicros } from '../../../shared/domain/money-format';
import type { GpuAvailability } from '../../../shared/domain/availability';
import type { ChainStatus } from '../../../shared/domain/chain';
import type { ChainConnection } from '../chain/chain-hub';
import { MIN_GAS_WEI } from './market-funds';
import { type BiddingBlockCode, type MarketJob, type MarketStatus, type ProviderJob } from '../../../shared/domain/market';
import type { EvaluableDocument, Evaluation } from '../../../shared/domain/market-evaluation';
import { type AccountReads, isLocalChain, type MarketConstants } from './chain-reads';
import type { BookJob } from './market-book';
import type { IndexerStatus } from './market-indexer';
import { isActive, isTerminal } from '../../../shared/domain/provider-job-machine';

export function marketJobView(book: BookJob, doc: EvaluableDocument, verdict: Evaluation, mine: ProviderJob | null, chainId: number): MarketJob {
  return {
    chainJobId: book.id,
    chainId: chainId || mine?.chainId || 0,
    requester: book.requester,
    maxPricePerHourMicros: book.maxPricePerHour.toString(),
    escrowMicros: book.escrow.toString(),
    maxDurationSeconds: book.maxDurationSeconds,
    claimBy: new Date(book.claimBy * 1000).toISOString(),
    runBy: new Date(book.runBy * 1000).toISOString(),
    preemptible: book.preemptible,
    postedBlock: book.postedBlock,
    postedTx: book.postedTx,
    chainState: book.state,
    provider: book.provider,
    askMicrosPerHour: book.ask?.toString() ?? null,
    attempt: book.attempt,
    summary: doc.ok ? doc.summary : null,
    documentError: doc.ok ? null : doc.reasons.join('; '),
    verdict: { fits: verdict.fits, reasons: verdict.reasons, askMicrosPerHour: verdict.ask?.toString() ?? null, deviceId: verdict.deviceId },
    mine,
  };
}

export interface StatusInput {
  biddingWanted: boolean;
  biddingActive: boolean;
  blocks: MarketStatus['blocks'];
  hub: ChainStatus;
  wallet: MarketStatus['wallet'];
  account: AccountReads | null;
  constants: MarketConstants | null;
  indexer: IndexerStatus;
  books: Iterable<BookJob>;
  fits: (id: string) => boolean;
  mine: ProviderJob[];
  notices: string[];
  chainNow: number;
  now: Date;
}

export function marketStatusOf(input: StatusInput): MarketStatus {
  const { hub, account, constants, mine } = input;
  const network = hub.state === 'online' || hub.state === 'offline' ? hub.network : null;
  let open = 0;
  let fitting = 0;
  for (const book of input.books) {
    if (book.state !== 'open' || book.claimBy < input.chainNow) continue;
    open++;
    if (input.fits(book.id)) fitting++;
  }
  return {
    biddingWanted: input.biddingWanted,
    biddingActive: input.biddingActive,
    blocks: input.blocks,
    chain: {
      state: hub.state,
      label: network?.label ?? null,
      chainId: network?.chainId ?? null,
      marketAddress: network?.marketAddress ?? null,
      isDevnet: network ? isLocalChain(network) : false,
    },
    wallet: input.wallet,
    stake:
      account && constants
        ? { freeMicros: account.freeStake.toString(), lockedMicros: account.lockedStake.toString(), minStakeMicros: constants.minStake.toString() }
        : null,
    creditMicros: account?.credit.toString() ?? null,
    indexer: { block: input.indexer.block, headBlock: input.indexer.headBlock, syncing: input.indexer.syncing, lastError: input.indexer.lastError },
    counts: {
      open,
      fitting,
      active: mine.filter((j) => isActive(j.state)).length,
      settled: mine.filter((j) => j.state === 'settled').length,
      problems: mine.filter((j) => j.problem !== null && !isTerminal(j.state)).length,
    },
    notices: input.notices.slice(-5),
    updatedAt: input.now.toISOString(),
  };
}

export interface BlocksInput {
  longRunning: boolean;
  bidding: boolean;
  connection: ChainConnection | null;
  hub: ChainStatus;
  wallet: MarketStatus['wallet'];
  syncing: boolean;
  account: AccountReads | null;
  constants: MarketConstants | null;
  devices: GpuAvailability[];
  busy: Set<string>;
}

/** Why the agent is not claiming jobs now, most important first (empty: it is). */
export function biddingBlocks(input: BlocksInput): MarketStatus['blocks'] {
  const out: MarketStatus['blocks'] = [];
  const add = (code: BiddingBlockCode, message: string) => out.push({ code, message });
  const { connection, hub, account, constants, busy } = input;
  if (!input.longRunning) add('one-shot', 'One-shot commands never bid.');
  if (!input.bidding) add('bidding-off', 'Renting is off: nothing is claimed until you press Start renting (or switch bidding on in Market).');
  if (!connection) add('chain-offline', `The chain is ${hub.state}: ${'message' in hub ? hub.message : ''}`.trim());
  if (!input.wallet.address) add('no-wallet', 'There is no wallet yet. Create or import one on the Wallet page.');
  else if (!input.wallet.unlocked) add('wallet-locked', 'The wallet is locked. Unlock it to claim jobs.');
  if (connection && input.syncing) add('syncing', 'Catching up with the market.');
  if (connection && !isLocalChain(connection.network) && account && constants) {
    if (account.freeStake < constants.minStake && account.token < constants.minStake - account.freeStake) {
      add('no-stake', `A claim needs ${formatUsdMicros(constants.minStake)} of free stake; the wallet holds too little to deposit it.`);
    }
    if (account.eth < MIN_GAS_WEI) add('no-gas', 'The wallet has too little to pay for transactions.');
  }
  const free = input.devices.filter((g) => g.state === 'available' && !busy.has(g.gpuUuid));
  if (free.length === 0) {
    const paused = input.devices.find((g) => g.state === 'paused');
    if (paused) add('no-device', paused.headline);
    else if (busy.size > 0) add('busy', 'Every available device runs a market job.');
    else add('no-device', input.devices[0]?.headline ?? 'No device is available.');
  }
  return out;
}
