/**
 * The market calls of the API contract (shared/api/market-api.ts), answered from the
 * feature's state: the overview, one job's detail, the bidding switch, giving a job back
 * and an immediate withdrawal.
 */
import type { CallRequest } from '../../../shared/api/contract';
import { AgentError } from '../../../shared/api/result';
import type { MarketJob, MarketJobDetail, MarketStatus } from '../../../shared/domain/market';
import type { ParsedMarketDocument } from '../../../shared/domain/market-evaluation';
import type { AgentFeatureContext } from '../agent-feature';
import type { CallHandlers } from '../api/dispatch';
import type { BookJob, MarketBook } from './market-book';
import { isTerminal } from '../../../shared/domain/provider-job-machine';
import type { MarketProvider } from './market-provider';

const MAX_LIST = 200;

export interface MarketCallsApi {
  book: MarketBook;
  evaluateAll(): number;
  fits(id: string): boolean;
  chainNow(): number;
  view(book: BookJob): MarketJob;
  status(): MarketStatus;
  parsedFor(book: BookJob): ParsedMarketDocument;
  /** The posted document as it was on chain (read back from disk, or the chain); null when unreadable. */
  document(book: BookJob): Promise<string | null>;
  provider: MarketProvider;
  context(): AgentFeatureContext | null;
  tick(): Promise<void>;
  withdraw(): Promise<{ txHash: string | null; amount: bigint }>;
}

export function createMarketCalls(api: MarketCallsApi): CallHandlers {
return {
  getMarket: (async ({ limit }: CallRequest<'getMarket'>) => {
    api.evaluateAll();
    const open: BookJob[] = [];
    const now = api.chainNow();
    for (const book of api.book.all()) if (book.state === 'open' && book.claimBy >= now) open.push(book);
    open.sort((a, b) => {
      const fa = api.fits(a.id) ? 1 : 0;
      const fb = api.fits(b.id) ? 1 : 0;
      return fb - fa || (b.maxPricePerHour > a.maxPricePerHour ? 1 : b.maxPricePerHour < a.maxPricePerHour ? -1 : 0) || a.claimBy - b.claimBy;
    });
    const mine = [...api.provider.jobs.values()]
      .map((entry) => api.book.get(entry.record.chainJobId))
      .filter((b): b is BookJob => b !== undefined)
      .sort((a, b) => Number(BigInt(b.id) - BigInt(a.id)));
    return { status: api.status(), open: open.slice(0, limit ?? MAX_LIST).map(api.view), openTotal: open.length, mine: mine.map(api.view) };
  }) as (request: never) => Promise<unknown>,
  getMarketJob: (async ({ chainJobId }: CallRequest<'getMarketJob'>) => {
    const book = api.book.get(chainJobId);
    if (!book) throw new AgentError('market_job_not_found', `Job ${chainJobId} has not been seen on this market.`, 'Check the job id, or wait until the market view has caught up.');
    const doc = api.parsedFor(book);
    const posted = await api.document(book);
    let document = posted ?? '(the posted document cannot be read back from disk)';
    try {
      if (posted !== null) document = JSON.stringify(JSON.parse(posted), null, 2);
    } catch {
      // Shown as posted.
    }
    const detail: MarketJobDetail = { ...api.view(book), document, specHash: book.specHash, uploadUrl: doc.ok ? doc.document.upload.url : null };
    return detail;
  }) as (request: never) => Promise<unknown>,
  setBidding: (async ({ on }: CallRequest<'setBidding'>) => {
    const ctx = api.context();
    if (!ctx) throw new AgentError('not_started', 'The agent is not started.');
    ctx.updateSettings({ market: { bidding: on } });
    await api.tick();
    return api.status();
  }) as (request: never) => Promise<unknown>,
  releaseMarketJob: (async ({ chainJobId }: CallRequest<'releaseMarketJob'>) => {
    const entry = api.provider.get(chainJobId);
    if (!entry || isTerminal(entry.record.state)) {
      throw new AgentError('market_job_not_held', `This provider does not hold job ${chainJobId}.`);
    }
    if (!entry.record.preemptible) {
      throw new AgentError('not_preemptible', `Job ${chainJobId} is not preemptible, so it cannot be given back.`, 'Let it finish; pausing renting only delays it while its deadline allows.');
    }
    if (entry.record.state !== 'claimed' && entry.record.state !== 'running') {
      throw new AgentError('market_job_not_running', `Job ${chainJobId} is ${entry.record.state}; only a claimed or running job can be given back.`);
    }
    return api.provider.requestRelease(chainJobId);
  }) as (request: never) => Promise<unknown>,
  withdrawEarnings: async () => {
    const result = await api.withdraw();
    return { txHash: result.txHash, amountMicros: result.amount.toString() };
  },
};
}
