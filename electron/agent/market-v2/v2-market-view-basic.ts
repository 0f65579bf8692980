/**
 * A minimal answer of the Market API on a v2 market, from the feature's V2MarketSource:
 * each v2 job as a MarketJob (the auction's price as the ask, our slot as "mine"), our runs
 * as ProviderJob rows (the `marketJob` event the ledger and `until-delivered` read), and the
 * overview. A stand-in until the full v2 views (v2-market-view.ts, the Market page's
 * auctions, replicas and records) replace it; pure functions, tested without a chain.
 */
import type { MarketJob, MarketOverview, MarketStatus, ProviderJob, ProviderJobState } from '../../../shared/domain/market';
import { parseMarketDocument } from '../../../shared/domain/market-evaluation';
import type { V2BookJob } from './v2-book';
import type { V2MarketSource, V2StoredRun } from './v2-market-source';

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
const CHAIN_STATE = { open: 'open', running: 'claimed', submitted: 'submitted', settled: 'settled', refunded: 'refunded', none: 'open' } as const;

/** Our run in the v1 provider states the rest of the agent reads. */
function providerState(job: V2BookJob, run: V2StoredRun, me: string): ProviderJobState {
  const slot = job.slots.find((s) => s.slot === run.slot && s.provider.toLowerCase() === me);
  if (slot?.state === 'paid') return 'settled';
  if (slot?.state === 'slashed' || slot?.state === 'freed' || slot?.state === 'released') return 'released';
  if (job.state === 'refunded') return 'refunded';
  if (job.state === 'settled') return 'settled';
  if (run.outputsDigest === null) return run.localJobId ? 'running' : 'claimed';
  if (slot?.state === 'running') return 'uploading';
  return 'submitted';
}

export function v2ProviderJob(job: V2BookJob, run: V2StoredRun, source: Pick<V2MarketSource, 'me' | 'chainId'>, marketAddress: string): ProviderJob {
  const me = source.me() ?? '';
  const slot = job.slots.find((s) => s.slot === run.slot && s.provider.toLowerCase() === me);
  const state = providerState(job, run, me);
  const message =
    run.error ??
    { settled: 'Paid', released: slot?.state === 'slashed' ? 'Slashed' : 'Closed', refunded: 'Refunded', running: 'Running', claimed: 'Won; starting', uploading: 'Committing', submitted: 'Committed; waiting for the result to settle' }[state as string] ??
    state;
  return {
    chainJobId: job.id,
    chainId: source.chainId(),
    marketAddress,
    state,
    requester: job.requester,
    askMicrosPerHour: (slot?.pricePerHour ?? run.askMicrosPerHour ?? 0n).toString(),
    maxDurationSeconds: job.terms.maxDurationSeconds,
    preemptible: job.terms.preemptible,
    attempt: job.roundNo,
    billedSeconds: slot?.billedSeconds ?? null,
    deviceId: null,
    localJobId: run.localJobId,
    claimedAt: null,
    runStartedAt: null,
    runEndedAt: null,
    submittedAt: null,
    closedAt: null,
    grossMicros: slot?.gross?.toString() ?? null,
    feeMicros: slot?.fee?.toString() ?? null,
    resultUri: run.deliveredTo[0] ?? null,
    outputsDigest: run.outputsDigest,
    message,
    problem: run.error,
    txs: [],
    updatedAt: run.updatedAt,
  };
}

export interface V2Verdict {
  fits: boolean;
  reasons: string[];
  ask: bigint | null;
  deviceId: string | null;
}

export function v2MarketJob(job: V2BookJob, source: V2MarketSource, verdict: V2Verdict, marketAddress: string): MarketJob {
  const doc = job.specError ? { ok: false as const, reasons: [job.specError] } : parseMarketDocument(job.spec);
  const run = source.runs().get(job.id);
  const me = source.me();
  const mineSlot = me ? job.slots.find((s) => s.provider.toLowerCase() === me) : undefined;
  const holder = mineSlot ?? job.slots[job.slots.length - 1];
  const pass = source.passes().get(job.id);
  return {
    chainJobId: job.id,
    chainId: source.chainId(),
    requester: job.requester,
    maxPricePerHourMicros: job.terms.maxPricePerHour.toString(),
    escrowMicros: job.escrowPosted.toString(),
    maxDurationSeconds: job.terms.maxDurationSeconds,
    claimBy: iso(job.claimBy),
    runBy: iso(job.runBy),
    preemptible: job.terms.preemptible,
    postedBlock: job.postedBlock,
    postedTx: job.events[0]?.txHash ?? '',
    chainState: CHAIN_STATE[job.state],
    provider: holder?.provider ?? null,
    askMicrosPerHour: holder?.pricePerHour.toString() ?? null,
    attempt: job.roundNo,
    summary: doc.ok ? doc.summary : null,
    documentError: doc.ok ? null : doc.reasons.join('; '),
    verdict: { fits: verdict.fits, reasons: pass && !verdict.fits ? [pass] : verdict.reasons, askMicrosPerHour: verdict.ask?.toString() ?? null, deviceId: verdict.deviceId },
    mine: run ? v2ProviderJob(job, run, source, marketAddress) : null,
  };
}

export function v2Overview(source: V2MarketSource, status: MarketStatus, view: (job: V2BookJob) => MarketJob, limit: number): MarketOverview {
  const now = source.chainTime();
  const open = [...source.jobs()].filter((j) => j.state === 'open' && j.claimBy >= now);
  open.sort((a, b) => (b.terms.maxPricePerHour > a.terms.maxPricePerHour ? 1 : b.terms.maxPricePerHour < a.terms.maxPricePerHour ? -1 : 0) || a.claimBy - b.claimBy);
  const mine = [...source.runs().keys()]
    .map((id) => source.job(id))
    .filter((j): j is V2BookJob => j !== undefined)
    .sort((a, b) => Number(BigInt(b.id) - BigInt(a.id)));
  return { status, open: open.slice(0, limit).map(view), openTotal: open.length, mine: mine.map(view) };
}
