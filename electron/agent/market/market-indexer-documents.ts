/**
 * The event log's posted documents (the flood bound): a valid document is stored once,
 * deflated, in the document file beside the log and read back only when a job is viewed or
 * claimed; one that can never fit this machine keeps its facts and place, not its text,
 * and is read again from its JobPosted log if a claim or the detail page asks for it.
 */
import type { ChainConnection } from '../chain/chain-hub';
import type { MarketDocumentFacts } from '../../../shared/domain/market-document-facts';
import type { MarketBook } from './market-book';
import { packDocuments } from './market-doc-file';
import { decodeMarketLog, type DecodedLog, POSTED_TOPIC, type PostedEvent } from './market-events';
import type { MarketLogFile } from './market-log-file';

type NeverFits = ((facts: MarketDocumentFacts) => string | null) | null;

/**
 * Splits a step's posts into those whose document is stored (returned, with their packed
 * documents in the same order) and those that can never fit (text dropped, reason kept).
 * Our own posts are always kept.
 */
export function documentsToStore(events: readonly DecodedLog[], account: string | null, neverFits: NeverFits) {
  const posts: PostedEvent[] = [];
  for (const e of events) {
    if (e.kind !== 'posted' || e.spec === '') continue;
    const never = e.facts && (!account || e.requester.toLowerCase() !== account) ? neverFits?.(e.facts) : null;
    if (never) {
      e.spec = '';
      e.notKept = never;
    } else posts.push(e);
  }
  return { posts, packed: packDocuments(posts.map((e) => e.spec)) };
}

/** Reads a job's document back from the document file, or from the chain when it was not kept. */
export function createDocumentReader(book: MarketBook, file: () => MarketLogFile | null, connection: () => ChainConnection | null) {
  const read = (id: string): string | null => {
    const job = book.get(id);
    if (!job) return null;
    const posted = job.events.find((e) => e.kind === 'posted');
    const ref = posted?.kind === 'posted' ? posted.doc : undefined;
    if (job.inlineSpec !== '' || !ref) return job.inlineSpec;
    return file()?.readDocument(ref) ?? null;
  };

  const fetch = async (id: string): Promise<string | null> => {
    const posted = book.get(id)?.events.find((e): e is PostedEvent => e.kind === 'posted');
    const chain = connection();
    const store = file();
    if (!posted?.notKept || !chain || !store) return read(id);
    const logs = await chain.port.getLogs({ address: chain.network.marketAddress, topics: [POSTED_TOPIC] }, posted.blockNumber, posted.blockNumber);
    const log = logs.find((l) => l.transactionHash === posted.txHash && l.index === posted.logIndex);
    const again = log ? decodeMarketLog(log, () => 0) : null;
    if (again?.kind !== 'posted' || again.spec === '' || again.specHash !== posted.specHash) return read(id);
    const [ref] = store.storeDocuments(packDocuments([again.spec]));
    posted.doc = ref;
    delete posted.notKept;
    return again.spec;
  };

  return { read, fetch };
}
