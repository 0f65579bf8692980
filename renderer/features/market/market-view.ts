import type {
  BiddingBlockCode,
  MarketJob,
  MarketStatus,
  MarketTx,
  MarketTxKind,
  ProviderJob,
  ProviderJobState,
} from '../../../shared/domain/market';
import type { ChainStatus } from '../../../shared/domain/chain';
import { costMicrosForSeconds } from '../../../shared/domain/price-floor';
import { toMs, usdFromMicros } from './market-format';

/** Pure view logic of the Market page: what to list, in which order, and in which words. */

export type OpenFilter = 'fits' | 'all';

const bigintOf = (micros: string | null): bigint => {
  try {
    return micros === null ? 0n : BigInt(micros);
  } catch {
    return 0n;
  }
};

/** Compares decimal chain ids numerically (job 10 after job 9). */
export function compareJobIds(a: string, b: string): number {
  const x = bigintOf(a);
  const y = bigintOf(b);
  return x === y ? 0 : x < y ? -1 : 1;
}

/** Open jobs, best paid first; ties go to the job that must be claimed soonest, then the oldest. */
export function sortByPrice(jobs: readonly MarketJob[]): MarketJob[] {
  return [...jobs].sort((a, b) => {
    const pa = bigintOf(a.maxPricePerHourMicros);
    const pb = bigintOf(b.maxPricePerHourMicros);
    if (pa !== pb) return pa > pb ? -1 : 1;
    const ca = toMs(a.claimBy) ?? Infinity;
    const cb = toMs(b.claimBy) ?? Infinity;
    if (ca !== cb) return ca - cb;
    return compareJobIds(a.chainJobId, b.chainJobId);
  });
}

/** The jobs anyone may still claim, filtered and sorted for the "Open jobs" table. */
export function openJobsView(jobs: Iterable<MarketJob>, filter: OpenFilter): { shown: MarketJob[]; open: number; fitting: number } {
  const open = [...jobs].filter((job) => job.chainState === 'open');
  const fitting = open.filter((job) => job.verdict.fits);
  return { shown: sortByPrice(filter === 'fits' ? fitting : open), open: open.length, fitting: fitting.length };
}

/** Provider states that are bookkeeping, not "my jobs": we only looked at it. */
const NOT_MINE: readonly ProviderJobState[] = ['seen'];

export type MyJob = MarketJob & { mine: ProviderJob };

/** Jobs this provider claimed (or tried to), newest activity first. */
export function myJobsView(jobs: Iterable<MarketJob>): MyJob[] {
  return [...jobs]
    .filter((job): job is MyJob => job.mine !== null && !NOT_MINE.includes(job.mine.state))
    .sort((a, b) => {
      const ua = toMs(a.mine.updatedAt) ?? 0;
      const ub = toMs(b.mine.updatedAt) ?? 0;
      return ub - ua || compareJobIds(b.chainJobId, a.chainJobId);
    });
}

export type Tone = 'ok' | 'neutral' | 'bad' | 'active';

export const PROVIDER_STATES: Record<ProviderJobState, { label: string; tone: Tone }> = {
  seen: { label: 'Seen', tone: 'neutral' },
  claiming: { label: 'Claiming', tone: 'active' },
  claimed: { label: 'Claimed', tone: 'active' },
  running: { label: 'Running', tone: 'active' },
  uploading: { label: 'Uploading results', tone: 'active' },
  submitted: { label: 'Submitted, awaiting payment', tone: 'active' },
  settled: { label: 'Paid', tone: 'ok' },
  released: { label: 'Released (paid for time served)', tone: 'neutral' },
  refunded: { label: 'Refunded to the requester', tone: 'bad' },
  'failed-to-claim': { label: 'Claim failed', tone: 'bad' },
  'lost-to-other': { label: 'Claimed by another provider', tone: 'neutral' },
};

/** The happy path, for the progress steps of a job of mine. */
export const LIFECYCLE: readonly ProviderJobState[] = ['claimed', 'running', 'uploading', 'submitted', 'settled'];

/**
 * How far along the happy path a job is: the index (0-based) of its current step in
 * LIFECYCLE, LIFECYCLE.length once paid (every step done), or null when it left the path.
 */
export function lifecycleStep(state: ProviderJobState): number | null {
  if (state === 'claiming') return 0;
  if (state === 'settled') return LIFECYCLE.length;
  const index = LIFECYCLE.indexOf(state);
  return index === -1 ? null : index;
}

export interface AmountView {
  /** What the line shows: "$0.42 paid", "up to $1.20", "$0.30 so far". */
  text: string;
  /** Kind of figure, so the page can style a final payment apart from an estimate. */
  kind: 'paid' | 'expected' | 'max' | 'none';
}

/**
 * The money line for a job of mine. Paid figures come from the chain (gross − fee);
 * before that, ask × billed seconds (rounded down, as the contract pays), or the most the
 * job can pay (ask × max duration) while it has not been billed.
 */
export function amountView(mine: ProviderJob): AmountView {
  const ask = bigintOf(mine.askMicrosPerHour);
  if (mine.grossMicros !== null) {
    const net = bigintOf(mine.grossMicros) - bigintOf(mine.feeMicros);
    const fee = bigintOf(mine.feeMicros);
    return { text: `${usdFromMicros(net)} paid${fee > 0n ? ` (after a ${usdFromMicros(fee)} fee)` : ''}`, kind: 'paid' };
  }
  if (mine.state === 'refunded' || mine.state === 'failed-to-claim' || mine.state === 'lost-to-other') {
    return { text: 'nothing earned', kind: 'none' };
  }
  if (mine.billedSeconds !== null && mine.billedSeconds > 0) {
    return { text: `${usdFromMicros(costMicrosForSeconds(ask, BigInt(mine.billedSeconds)))} billed`, kind: 'expected' };
  }
  return { text: `up to ${usdFromMicros(costMicrosForSeconds(ask, BigInt(mine.maxDurationSeconds)))}`, kind: 'max' };
}

/** Where a block reason sends the owner to fix it. */
export interface BlockView {
  code: BiddingBlockCode;
  message: string;
  link: { href: string; label: string } | null;
}

const BLOCK_LINKS: Partial<Record<BiddingBlockCode, { href: string; label: string }>> = {
  'wallet-locked': { href: '#/wallet', label: 'Unlock the wallet' },
  'no-wallet': { href: '#/wallet', label: 'Create a wallet' },
  'no-stake': { href: '#/wallet', label: 'Open the wallet' },
  'no-gas': { href: '#/wallet', label: 'Open the wallet' },
  'no-device': { href: '#/controls', label: 'Your hours and pauses' },
};

export interface BiddingView {
  state: 'on' | 'off' | 'blocked';
  headline: string;
  blocks: BlockView[];
}

/** "Bidding: on", "off (you switched it off)" or "not bidding, because:" with every reason and its fix. */
export function biddingView(status: MarketStatus): BiddingView {
  const blocks = status.blocks.map((b) => ({ code: b.code, message: b.message, link: BLOCK_LINKS[b.code] ?? null }));
  if (!status.biddingWanted) {
    return { state: 'off', headline: 'Bidding is off: no new jobs are claimed', blocks: blocks.filter((b) => b.code !== 'bidding-off') };
  }
  if (status.biddingActive) return { state: 'on', headline: 'Bidding: claiming jobs that fit', blocks: [] };
  // Each reason is listed below the headline with its fix, so the headline does not repeat one.
  return { state: 'blocked', headline: blocks.length > 0 ? 'Not bidding now, because:' : 'Not bidding right now', blocks };
}

/**
 * The connection as the page shows it. The chain hub's own status (getChainStatus, then
 * every `chainStatus` event) is pushed the moment the connection changes, so it wins over
 * the copy inside the market status; that copy fills in what a state does not carry.
 */
export function chainFromHub(hub: ChainStatus | null, market: MarketStatus['chain']): MarketStatus['chain'] {
  if (!hub) return market;
  const network = hub.state === 'online' ? hub.network : hub.state === 'offline' ? hub.network : null;
  if (network) {
    return { state: hub.state, label: network.label, chainId: network.chainId, marketAddress: network.marketAddress, isDevnet: network.isDevnet };
  }
  if (hub.state === 'wrong-chain') return { ...market, state: hub.state, chainId: hub.expectedChainId };
  return { ...market, state: hub.state };
}

export interface ChainView {
  tone: 'ok' | 'warn' | 'bad' | 'neutral';
  label: string;
  /** What it means and what to do, when there is something to do. */
  help: string | null;
}

/**
 * The connection line. `message` is the chain hub's own wording (offline / wrong chain),
 * when the page has it; the advice depends on whether this is the embedded devnet.
 */
export function chainView(chain: MarketStatus['chain'], message: string | null): ChainView {
  const where = chain.isDevnet ? 'the local devnet' : (chain.label ?? 'the network');
  switch (chain.state) {
    case 'online':
      return { tone: 'ok', label: 'Online', help: null };
    case 'connecting':
      return { tone: 'neutral', label: 'Connecting…', help: message };
    case 'disabled':
      return { tone: 'neutral', label: 'Not connected', help: message ?? 'No network is configured for the market.' };
    case 'offline':
      return {
        tone: 'bad',
        label: 'Offline',
        help: `${message ? `${message} ` : ''}${
          chain.isDevnet
            ? 'RigShift starts the local devnet itself; if it keeps failing, run “npm run devnet” in a terminal and read its output.'
            : `Check that ${where} answers (the RPC URL in the network setting). RigShift keeps retrying.`
        } Bidding is paused meanwhile; no job record is lost.`,
      };
    case 'wrong-chain':
      return {
        tone: 'bad',
        label: 'Wrong chain',
        help: `${message ? `${message} ` : ''}The RPC answers for a different chain than the one configured. Fix the RPC URL or the chain id in the network setting; RigShift will not sign anything until they match.`,
      };
  }
}

export const TX_KIND_LABELS: Record<MarketTxKind, string> = {
  transfer: 'Transfer',
  sweep: 'Sweep to payout address',
  approve: 'Approve stake',
  stake: 'Deposit stake',
  claim: 'Claim',
  submit: 'Submit result',
  release: 'Release',
  finalize: 'Finalize payment',
  withdraw: 'Withdraw earnings',
  other: 'Transaction',
};

export interface TimelineEntry {
  key: string;
  label: string;
  atMs: number | null;
  tx: MarketTx | null;
}

/**
 * The story of a job, oldest first: posted on chain, then this provider's steps with the
 * transaction that made each one (where there was one), then every other transaction.
 */
export function timeline(job: MarketJob, postedAtMs: number | null = null): TimelineEntry[] {
  const entries: TimelineEntry[] = [
    { key: 'posted', label: `Posted by the requester (block ${job.postedBlock})`, atMs: postedAtMs, tx: null },
  ];
  const mine = job.mine;
  if (!mine) return entries;
  const txs = [...mine.txs];
  const take = (kind: MarketTxKind): MarketTx | null => {
    const index = txs.findIndex((t) => t.kind === kind);
    return index === -1 ? null : (txs.splice(index, 1)[0] ?? null);
  };
  const step = (key: string, label: string, at: string | null, kind: MarketTxKind | null) => {
    const tx = kind ? take(kind) : null;
    if (at === null && tx === null) return;
    entries.push({ key, label, atMs: toMs(at) ?? toMs(tx?.at), tx });
  };
  step('claimed', `Claimed at ${usdFromMicros(mine.askMicrosPerHour)}/h`, mine.claimedAt, 'claim');
  step('run-started', 'Container started', mine.runStartedAt, null);
  step('run-ended', 'Container finished', mine.runEndedAt, null);
  step(
    'submitted',
    mine.billedSeconds !== null ? `Result submitted (${mine.billedSeconds} s billed)` : 'Result submitted',
    mine.submittedAt,
    'submit',
  );
  if (mine.state === 'released') step('released', 'Released: paid for time served, reopened', mine.closedAt, 'release');
  else if (mine.state === 'settled') step('settled', 'Paid', mine.closedAt, 'finalize');
  else if (mine.state === 'refunded') step('refunded', 'Refunded to the requester', mine.closedAt, null);
  for (const tx of txs) entries.push({ key: `tx-${tx.hash}`, label: TX_KIND_LABELS[tx.kind], atMs: toMs(tx.at), tx });
  return entries.sort((a, b) => (a.atMs ?? -Infinity) - (b.atMs ?? -Infinity));
}

/** "1 GPU, 8 GiB VRAM · 4 CPUs · 16 GiB RAM" from the posted document. */
export function resourcesText(resources: NonNullable<MarketJob['summary']>['resources']): string {
  const gib = (mib: number) => (mib >= 1024 ? `${Number((mib / 1024).toFixed(1))} GiB` : `${mib} MiB`);
  const parts: string[] = [];
  parts.push(resources.gpus > 0 ? `1 GPU${resources.minVramMiB > 0 ? `, ${gib(resources.minVramMiB)} VRAM` : ''}` : 'CPU only');
  parts.push(`${resources.cpus} CPU${resources.cpus === 1 ? '' : 's'}`);
  parts.push(`${gib(resources.memoryMiB)} RAM`);
  if (resources.scratchMiB > 0) parts.push(`${gib(resources.scratchMiB)} scratch`);
  return parts.join(' · ');
}

/**
 * Whether the owner may give this job back now: a preemptible job of ours whose run is not
 * over, on either market version (v2 releases it with the checkpoint the run wrote so far).
 */
export function canGiveBack(job: MarketJob): boolean {
  return job.mine !== null && job.preemptible && (job.mine.state === 'claimed' || job.mine.state === 'running');
}
