/**
 * What the Market page, the job detail and the dashboard get on a v2 market: the v1 shapes
 * (MarketJob, MarketOverview, MarketJobDetail, MarketStatus) filled from the v2 book, plus
 * their optional v2 parts (market-v2-view.ts). Pure functions of a V2MarketSource, so the v2
 * feature answers getMarket / getMarketJob / status with them and each is tested without a
 * chain.
 */
import { formatUsdMicros } from '../../../shared/domain/money-format';
import type { ChainJobState, MarketJob, MarketJobDetail, MarketOverview, MarketStatus, MarketVerdict, ProviderJob, ProviderJobState } from '../../../shared/domain/market';
import { CLAIMED_BY_YOU, type EvaluableDocument, type Evaluation, parseMarketDocument } from '../../../shared/domain/market-evaluation';
import type { V2BookJob, V2BookSlot } from './v2-book';
import { auctionToShow, auctionView, isoOf, jobV2Parts, ourAskIn, providerRecordView, type V2PartsContext } from './v2-job-parts';
import type { V2MarketSource, V2StoredRun } from './v2-market-source';
import { emptyProviderRecord, type V2Records } from './v2-records';

export interface V2ViewOptions {
  /** The market contract's address (ProviderJob.marketAddress). */
  marketAddress: string;
  /** The parsed document of a job; default: parseMarketDocument(job.spec), kept per book job. */
  document?(job: V2BookJob): EvaluableDocument;
  /** The evaluation's verdict on an open job; default: the plan's pass reason, or fits. */
  verdict?(job: V2BookJob): Evaluation | null;
  /** The ask we would bid (the owner's floor), shown on fitting jobs by the default verdict. */
  floorMicrosPerHour?: bigint | null;
  challengeWindowSeconds?: number;
  blockTime?(block: number): number | undefined;
}

const MAX_LIST = 200;
/** The plan's words for a job one of our slots already served. */
const ALREADY_SERVED = 'we already served this job (the contract bars a second turn)';

/** Parsed documents by book job: a job refolds into a new object when its events change, and its spec never does. */
const parsed = new WeakMap<V2BookJob, EvaluableDocument>();
function documentOf(job: V2BookJob, options: V2ViewOptions): EvaluableDocument {
  if (options.document) return options.document(job);
  let doc = parsed.get(job);
  if (!doc) parsed.set(job, (doc = job.specError ? { ok: false, reasons: [job.specError] } : parseMarketDocument(job.spec)));
  return doc;
}
const same = (a: string, b: string | null) => b !== null && a.toLowerCase() === b.toLowerCase();
const CHAIN_STATES: Record<V2BookJob['state'], ChainJobState> = { none: 'open', open: 'open', running: 'claimed', submitted: 'submitted', settled: 'settled', refunded: 'refunded' };
const usdH = (micros: bigint) => `${formatUsdMicros(micros)}/h`;

/**
 * The source read once for one answer: records folded, runs and passes read, chain time taken
 * a single time (an overview builds every job; folding the records per job would be O(n²)).
 */
export function readOnce(source: V2MarketSource): V2MarketSource {
  let records: V2Records | undefined;
  let runs: ReadonlyMap<string, V2StoredRun> | undefined;
  let passes: ReadonlyMap<string, string> | undefined;
  const me = source.me();
  const now = source.chainTime();
  const chainId = source.chainId();
  return {
    jobs: () => source.jobs(),
    job: (id) => source.job(id),
    records: () => (records ??= source.records()),
    runs: () => (runs ??= source.runs()),
    passes: () => (passes ??= source.passes()),
    me: () => me,
    chainTime: () => now,
    chainId: () => chainId,
  };
}

function partsContext(source: V2MarketSource, options: V2ViewOptions): V2PartsContext {
  return { me: source.me(), now: source.chainTime(), records: source.records(), challengeWindowSeconds: options.challengeWindowSeconds, blockTime: options.blockTime };
}

/** Whether a job takes bids or claims now (open, before its claim deadline). */
export function isOpenV2(job: V2BookJob, now: number): boolean {
  return job.state === 'open' && job.claimBy >= now;
}

/** Escrow still in the contract: the posted escrow less what was paid from it; nothing once the job ended. */
function escrowLeft(job: V2BookJob): bigint {
  if (job.state === 'settled' || job.state === 'refunded') return 0n;
  const upheld = job.dispute?.outcome === 'upheld';
  let left = job.escrowPosted;
  // An upheld dispute pays its verifier from the bond, not from the escrow.
  for (const s of job.slots) if (s.gross !== null && !(s.round === 'verify' && upheld)) left -= s.gross;
  return left > 0n ? left : 0n;
}

function verdictOf(job: V2BookJob, source: V2MarketSource, options: V2ViewOptions, doc: EvaluableDocument): MarketVerdict {
  const me = source.me();
  if (job.slots.some((s) => same(s.provider, me) && (s.state === 'running' || s.state === 'committed' || s.state === 'revealed'))) {
    return { fits: false, reasons: [CLAIMED_BY_YOU], askMicrosPerHour: null, deviceId: null };
  }
  // A slot of ours that ended (given back, paid, slashed): the contract bars a second turn.
  if (job.slots.some((s) => same(s.provider, me))) return { fits: false, reasons: [ALREADY_SERVED], askMicrosPerHour: null, deviceId: null };
  const evaluation = options.verdict?.(job) ?? null;
  const pass = source.passes().get(job.id);
  const reasons = [...(pass ? [pass] : []), ...(evaluation?.reasons ?? [])].filter((r, i, all) => all.indexOf(r) === i);
  if (!isOpenV2(job, source.chainTime())) reasons.unshift('it is not open for bids or claims');
  if (!doc.ok) reasons.push(...doc.reasons.filter((r) => !reasons.includes(r)));
  const fits = reasons.length === 0 && (evaluation ? evaluation.fits : true);
  const ask = evaluation?.ask ?? options.floorMicrosPerHour ?? null;
  return { fits, reasons, askMicrosPerHour: fits && ask !== null ? ask.toString() : null, deviceId: fits ? (evaluation?.deviceId ?? null) : null };
}

const SLOT_STATES: Record<V2BookSlot['state'], ProviderJobState> = {
  running: 'running',
  committed: 'submitted',
  revealed: 'submitted',
  released: 'released',
  paid: 'settled',
  slashed: 'refunded',
  freed: 'refunded',
};

/** The state and the owner's one line for our part in a job; null when we took no part. */
function ourPart(job: V2BookJob, slot: V2BookSlot | undefined, run: V2StoredRun | undefined, ctx: V2PartsContext): { state: ProviderJobState; message: string; problem: string | null } | null {
  if (slot) {
    if (slot.state === 'running' && run?.release) {
      const shown = run.release.stopped ? (run.outputsDigest ? `with a checkpoint of ${run.seconds ?? 0} s served` : 'with nothing to show') : 'stopping the run first';
      return { state: 'running', message: `Giving it back (${run.release.why}): ${shown}`, problem: null };
    }
    const committing = slot.state === 'running' && run?.outputsDigest != null;
    const state = committing ? 'uploading' : slot.state === 'running' && !run?.localJobId ? 'claimed' : SLOT_STATES[slot.state];
    const price = usdH(slot.pricePerHour);
    const role = slot.round === 'verify' ? 'Verifying a disputed result' : `Won at ${price}`;
    switch (slot.state) {
      case 'running':
        if (committing) return { state, message: `${role}: run finished; committing the result (by ${isoOf(job.runBy)})`, problem: run?.error ?? null };
        if (run?.error) return { state, message: `${role}: given up, no result is committed`, problem: run.error };
        return { state, message: `${role}: ${run?.localJobId ? 'running' : 'starting the run'}; commit the result by ${isoOf(job.runBy)}`, problem: run?.error ?? null };
      case 'committed':
        if (job.dispute?.outcome === 'open' && slot.round === 'main') return { state, message: 'The requester disputed our result: a verifier runs it again, then we reveal our digest', problem: null };
        if (job.events.some((e) => e.kind === 'released' && e.slot === slot.slot && e.servedSeconds > 0)) {
          return { state, message: `Given back after ${slot.billedSeconds ?? 0} s with a checkpoint: paid for the time served once the challenge window ends or the requester accepts`, problem: null };
        }
        return {
          state,
          message: slot.round === 'main' && job.terms.replicas === 1 ? `${role}: result committed; paid once the challenge window ends or the requester accepts` : `${role}: result committed; we reveal once every replica has committed`,
          problem: run?.error ?? null,
        };
      case 'revealed':
        return { state, message: `${role}: digest revealed; waiting for the others to reveal`, problem: run?.error ?? null };
      case 'paid':
        return { state, message: `Paid ${formatUsdMicros((slot.gross ?? 0n) - (slot.fee ?? 0n))} at ${price}`, problem: null };
      case 'released':
        return { state, message: 'Given back with nothing to show: nothing paid, the stake unlocked', problem: null };
      case 'slashed':
        return { state, message: 'Slashed: our stake went to the requester', problem: 'Our stake was slashed on this job: our result lost (a different digest than the majority or the verifier), or no result was committed or revealed in time.' };
      case 'freed':
        return { state, message: 'Ended unpaid; our stake is unlocked', problem: null };
    }
  }
  const auction = auctionToShow(job, ctx.me);
  if (auction && ourAskIn(job, auction.roundNo, ctx.me) !== null) {
    const view = auctionView(job, auction, ctx);
    const ask = usdH(BigInt(view.ourAskMicros ?? '0'));
    if (view.outcome === 'bidding') {
      const closed = ctx.now > auction.bidEnds;
      return { state: 'claiming', message: closed ? `Bid ${ask}; bidding closed, waiting for the award` : `Bid ${ask}; bidding closes at ${view.bidEndsAt}`, problem: run?.error ?? null };
    }
    const lower = auction.winners.length;
    const paid = auction.pricePerHour !== null ? ` at ${usdH(auction.pricePerHour)}` : '';
    return { state: 'lost-to-other', message: lower > 0 ? `Lost the auction (our ask ${ask}): ${lower === 1 ? 'a lower ask won' : `${lower} lower asks won`}${paid}` : `Lost the auction (our ask ${ask}): it was not awarded`, problem: null };
  }
  if (run) return { state: 'claiming', message: run.error ? 'Our bid or claim did not go through' : 'Bidding', problem: run.error };
  return null;
}

/** Our record of a job (the v1 shape), from our slot, our bids and the run kept on disk. */
function mineOf(job: V2BookJob, source: V2MarketSource, options: V2ViewOptions, ctx: V2PartsContext): ProviderJob | null {
  const run = source.runs().get(job.id);
  const mySlots = job.slots.filter((s) => same(s.provider, ctx.me));
  const slot = mySlots.find((s) => s.slot === run?.slot) ?? mySlots[mySlots.length - 1];
  const part = ourPart(job, slot, run, ctx);
  if (!part) return null;
  const auction = auctionToShow(job, ctx.me);
  const ask = slot?.pricePerHour ?? (auction ? ourAskIn(job, auction.roundNo, ctx.me) : null) ?? run?.askMicrosPerHour ?? 0n;
  return {
    chainJobId: job.id,
    chainId: source.chainId(),
    marketAddress: options.marketAddress,
    state: part.state,
    requester: job.requester,
    // What we are paid per hour: the auction's uniform price once won (our own ask is in v2.auction).
    askMicrosPerHour: ask.toString(),
    maxDurationSeconds: job.terms.maxDurationSeconds,
    preemptible: job.terms.preemptible,
    // The ledger's row key (v2-job-rows.ts): our slot's index, −round for a bid without one.
    attempt: slot ? slot.slot : auction ? -auction.roundNo : null,
    billedSeconds: slot?.billedSeconds ?? null,
    deviceId: run?.deviceId ?? null,
    localJobId: run?.localJobId ?? null,
    claimedAt: null,
    runStartedAt: run?.runStartedAt ?? null,
    runEndedAt: run?.runEndedAt ?? null,
    submittedAt: null,
    closedAt: null,
    grossMicros: slot?.gross?.toString() ?? null,
    feeMicros: slot?.fee?.toString() ?? null,
    resultUri: null,
    outputsDigest: run?.outputsDigest ?? slot?.outputsDigest ?? null,
    message: part.message,
    problem: part.problem,
    txs: [],
    ...(run && run.deliveredTo.length > 0 ? { delivery: 'uploaded' as const } : {}),
    updatedAt: run?.updatedAt ?? isoOf(ctx.now),
  };
}

/** One v2 job as the Market page lists it. */
export function v2MarketJobView(anySource: V2MarketSource, job: V2BookJob, options: V2ViewOptions): MarketJob {
  const source = readOnce(anySource);
  const ctx = partsContext(source, options);
  const doc = documentOf(job, options);
  const current = [...job.slots].reverse().find((s) => s.roundNo === job.roundNo && s.state !== 'freed');
  const held = [...job.slots].reverse().find((s) => same(s.provider, ctx.me)) ?? current;
  return {
    chainJobId: job.id,
    chainId: source.chainId(),
    requester: job.requester,
    maxPricePerHourMicros: job.terms.maxPricePerHour.toString(),
    escrowMicros: escrowLeft(job).toString(),
    maxDurationSeconds: job.terms.maxDurationSeconds,
    claimBy: isoOf(job.claimBy),
    runBy: isoOf(job.runBy),
    preemptible: job.terms.preemptible,
    postedBlock: job.postedBlock,
    postedTx: job.events.find((e) => e.kind === 'posted')?.txHash ?? '',
    chainState: CHAIN_STATES[job.state],
    provider: held?.provider ?? null,
    askMicrosPerHour: held?.pricePerHour.toString() ?? null,
    attempt: job.roundNo,
    summary: doc.ok ? doc.summary : null,
    documentError: job.specError ?? (doc.ok ? null : doc.reasons.join('; ')),
    verdict: verdictOf(job, source, options, doc),
    mine: mineOf(job, source, options, ctx),
    v2: jobV2Parts(job, ctx),
  };
}

const byId = (a: V2BookJob, b: V2BookJob) => (BigInt(b.id) > BigInt(a.id) ? 1 : BigInt(b.id) < BigInt(a.id) ? -1 : 0);

/** getMarket on v2: open jobs (fitting first, then best paid, then the soonest deadline) and ours, newest first. */
export function v2MarketOverview(anySource: V2MarketSource, status: MarketStatus, options: V2ViewOptions, limit: number = MAX_LIST): MarketOverview {
  const source = readOnce(anySource);
  const now = source.chainTime();
  const open = [...source.jobs()].filter((j) => isOpenV2(j, now)).map((j) => v2MarketJobView(source, j, options));
  open.sort((a, b) => {
    const fit = Number(b.verdict.fits) - Number(a.verdict.fits);
    const pa = BigInt(a.maxPricePerHourMicros);
    const pb = BigInt(b.maxPricePerHourMicros);
    return fit || (pb > pa ? 1 : pb < pa ? -1 : 0) || Date.parse(a.claimBy) - Date.parse(b.claimBy);
  });
  const mine = [...source.jobs()]
    .sort(byId)
    .map((j) => v2MarketJobView(source, j, options))
    .filter((j) => j.mine !== null);
  return { status, open: open.slice(0, Math.max(0, limit)), openTotal: open.length, mine };
}

/** getMarketJob on v2; null when the job was never seen (the caller answers market_job_not_found). */
export function v2MarketJobDetail(anySource: V2MarketSource, id: string, options: V2ViewOptions): MarketJobDetail | null {
  const source = readOnce(anySource);
  const job = source.job(id);
  if (!job) return null;
  const view = v2MarketJobView(source, job, options);
  let document = job.spec;
  try {
    document = JSON.stringify(JSON.parse(job.spec), null, 2);
  } catch {
    // Shown as posted.
  }
  const doc = documentOf(job, options);
  return { ...view, document, specHash: job.specHash, uploadUrl: doc.ok ? doc.document.upload.url : null };
}

/** What a v2 status adds to (and counts differently from) v1's: the version, our record, the counts. */
export function v2StatusExtras(anySource: V2MarketSource, options: V2ViewOptions): Pick<MarketStatus, 'marketVersion' | 'myRecord' | 'counts'> {
  const source = readOnce(anySource);
  const me = source.me();
  const now = source.chainTime();
  const counts = { open: 0, fitting: 0, active: 0, settled: 0, problems: 0 };
  for (const job of source.jobs()) {
    const open = isOpenV2(job, now);
    if (open) counts.open++;
    const needsView = open || job.slots.some((s) => same(s.provider, me)) || source.runs().has(job.id);
    if (!needsView) continue;
    const view = v2MarketJobView(source, job, options);
    if (open && view.verdict.fits) counts.fitting++;
    const state = view.mine?.state;
    if (state === 'claiming' || state === 'claimed' || state === 'running' || state === 'uploading' || state === 'submitted') counts.active++;
    if (state === 'settled') counts.settled++;
    if (view.mine?.problem && state !== 'settled' && state !== 'refunded' && state !== 'released' && state !== 'lost-to-other') counts.problems++;
  }
  const record = me ? (source.records().providers.get(me.toLowerCase()) ?? emptyProviderRecord()) : null;
  return { marketVersion: 2, myRecord: record ? providerRecordView(record) : null, counts };
}
