/**
 * The verdict of the one evaluation function (shared/domain/market-evaluation.ts) on every
 * open job, cached: verdicts are recomputed for jobs that changed, or for all of them when
 * what they depend on changes (settings, availability, busy devices, every 15 s of chain
 * time for the deadlines).
 *
 * Verdicts are evaluated from the few facts of each document the event log keeps in
 * memory (market-document-facts.ts), not from the document: a flood of 10,000 open 4 KB
 * documents stays on disk. The whole document is read back and parsed (parsedFor) only when
 * a job is viewed in detail or claimed, into a small cache (least recently used out); a job
 * without facts (a log written before them) is evaluated from its parsed document.
 */
import { cpus, totalmem } from 'node:os';
import { evaluableFacts } from '../../../shared/domain/market-document-facts';
import { CLAIMED_BY_YOU, type EvaluableDocument, type Evaluation, evaluateMarketJob, parseMarketDocument, type ParsedMarketDocument } from '../../../shared/domain/market-evaluation';
import type { AgentFeatureContext } from '../agent-feature';
import type { ChainHub } from '../chain/chain-hub';
import type { Clock } from '../ports';
import type { WalletAccess } from '../wallet/wallet-access';
import { isLocalChain } from './chain-reads';
import type { BookJob, MarketBook } from './market-book';
import { evaluationDevices } from './market-devices';

export interface VerdictDeps {
  context(): AgentFeatureContext | null;
  chain: ChainHub;
  clock: Clock;
  wallet: WalletAccess;
  book: MarketBook;
  busyDevices(): Set<string>;
  /** The latest block's timestamp seen (0 before the first). */
  chainTime(): number;
  /** A job's posted document (the event log's document(id)); null when it cannot be read. */
  document(book: BookJob): string | null;
  /** How many parsed documents to keep (default 50). */
  parsedCapacity?: number;
  /** A job's verdict changed (or was computed for the first time). */
  onStale(id: string): void;
}

/** Whether two verdicts read the same on the page (and to the bidding loop). */
function sameVerdict(a: Evaluation, b: Evaluation): boolean {
  return a.fits === b.fits && a.deviceId === b.deviceId && a.ask === b.ask && a.reasons.length === b.reasons.length && a.reasons.every((r, i) => r === b.reasons[i]);
}

export function createVerdicts(deps: VerdictDeps) {
  const { clock } = deps;
  /** Insertion order is recency order: a hit is moved to the end, the first key goes out. */
  const parsed = new Map<string, ParsedMarketDocument>();
  const parsedCapacity = Math.max(1, deps.parsedCapacity ?? 50);
  const verdicts = new Map<string, Evaluation>();
  let verdictContext = '';
  const isLocal = () => {
    const connection = deps.chain.connection();
    return connection ? isLocalChain(connection.network) : false;
  };


  function parsedFor(book: BookJob): ParsedMarketDocument {
    let p = parsed.get(book.id);
    if (p) {
      parsed.delete(book.id);
      parsed.set(book.id, p);
      return p;
    }
    if (book.specError) p = { ok: false, reasons: [book.specError] };
    else {
      const text = deps.document(book);
      // Not cached when unreadable: a later read may succeed.
      if (text === null) return { ok: false, reasons: ['the posted document cannot be read back from disk'] };
      // Not kept (it can never fit here): not cached, the chain may give it back (fetchDocument).
      if (text === '' && book.facts) return { ok: false, reasons: ['the posted document was not kept: it can never fit this machine'] };
      p = parseMarketDocument(text);
    }
    parsed.set(book.id, p);
    if (parsed.size > parsedCapacity) parsed.delete(parsed.keys().next().value!);
    return p;
  }

  /** What the verdicts and the list read: the facts in memory, else the parsed document. */
  function factsFor(book: BookJob): EvaluableDocument {
    if (book.specError) return { ok: false, reasons: [book.specError] };
    return book.facts ? evaluableFacts(book.facts) : parsedFor(book);
  }

  function evaluate(book: BookJob, busy: Set<string>): Evaluation {
    const ctx = deps.context();
    if (!ctx) return { fits: false, reasons: ['the agent is not started'], ask: null, deviceId: null };
    const settings = ctx.settings();
    return evaluateMarketJob({
      job: {
        requester: book.requester,
        maxPricePerHour: book.maxPricePerHour,
        maxDurationSeconds: book.maxDurationSeconds,
        claimBy: book.claimBy,
        runBy: book.runBy,
        preemptible: book.preemptible,
        open: book.state === 'open',
      },
      document: factsFor(book),
      devices: evaluationDevices(ctx, book, busy, clock.now()),
      machine: { cpus: cpus().length, memoryMiB: Math.floor(totalmem() / 1024 / 1024) },
      price: settings.controls.price,
      market: settings.market,
      allowEgress: settings.jobs.allowEgress,
      isDevnet: isLocal(),
      nowSeconds: currentChainTime(),
    });
  }

  function currentChainTime(): number {
    const wall = Math.floor(clock.now().getTime() / 1000);
    const isDevnet = isLocal();
    return deps.chainTime() === 0 ? wall : isDevnet ? Math.max(deps.chainTime(), wall) : deps.chainTime();
  }

  /** What the verdicts depend on besides the job: re-evaluate everything when it changes. */
  function contextFingerprint(busy: Set<string>): string {
    const ctx = deps.context();
    if (!ctx) return '';
    const s = ctx.settings();
    const report = ctx.availability();
    return JSON.stringify([
      s.controls.price,
      s.controls.schedule,
      s.market,
      s.jobs.allowEgress,
      report.gpus.map((g) => [g.gpuUuid, g.state]),
      [...busy],
      isLocal(),
      Math.floor(currentChainTime() / 15),
    ]);
  }

  /** Evaluates every open job whose verdict is stale; returns how many were evaluated. */
  function evaluateAll(): number {
    const busy = deps.busyDevices();
    const fingerprint = contextFingerprint(busy);
    // When the context changed, every verdict is computed again, but only the jobs whose
    // verdict came out different are stale: the chain-time bucket rolls every 15 s, and a
    // whole-list reset then made every open Market page fetch the list again for nothing.
    const before = fingerprint !== verdictContext ? new Map(verdicts) : null;
    if (before) {
      verdictContext = fingerprint;
      verdicts.clear();
    }
    let count = 0;
    for (const book of deps.book.all()) {
      if (book.state !== 'open' || verdicts.has(book.id)) continue;
      const verdict = evaluate(book, busy);
      verdicts.set(book.id, verdict);
      count++;
      const old = before?.get(book.id);
      if (!old || !sameVerdict(old, verdict)) deps.onStale(book.id);
    }
    return count;
  }

  function verdictOf(book: BookJob): Evaluation {
    if (book.state === 'open') return verdicts.get(book.id) ?? evaluate(book, deps.busyDevices());
    const me = deps.wallet.address()?.toLowerCase();
    const holder = book.provider?.toLowerCase() === me ? 'you' : book.provider ? 'another provider' : null;
    // Ours in any state: the page says "Claimed by you", and the chain section says where it is.
    if (holder === 'you') return { fits: false, reasons: [CLAIMED_BY_YOU], ask: null, deviceId: null };
    const reason = book.state === 'claimed' ? `claimed by ${holder}` : `already ${book.state}${holder ? ` (${holder})` : ''}`;
    return { fits: false, reasons: [reason], ask: null, deviceId: null };
  }

  return {
    verdicts,
    parsedFor,
    factsFor,
    evaluate,
    evaluateAll,
    verdictOf,
    currentChainTime,
    /** How many parsed documents are held (tests: the cache stays bounded). */
    parsedCount: () => parsed.size,
    clear() {
      parsed.clear();
      verdicts.clear();
    },
    forget(id: string) {
      parsed.delete(id);
      verdicts.delete(id);
    },
  };
}
