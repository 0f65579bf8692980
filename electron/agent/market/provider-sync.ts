/**
 * Applies what the chain's events say about a job this provider holds to its record:
 * settlement amounts, a refund after runBy, a claim won by someone else.
 */
import type { BookJob } from './market-book';
import { isTerminal, type MarketProvider } from './market-provider';

export async function syncFromBook(provider: MarketProvider, book: BookJob, me: string | undefined, now: Date): Promise<void> {
  const entry = provider.jobs.get(book.id);
  if (!entry || !me) return;
  const attempt = entry.record.attempt;
  for (const e of book.events) {
    if (e.kind === 'settled' && e.provider.toLowerCase() === me && (entry.record.state !== 'settled' || entry.record.grossMicros === null) && (attempt === null || book.attempt === attempt)) {
      await provider.update(entry, {
        state: 'settled',
        grossMicros: e.gross.toString(),
        feeMicros: e.fee.toString(),
        closedAt: entry.record.closedAt ?? now.toISOString(),
        problem: null,
        message: e.byRequester ? 'Accepted by the requester; paid' : 'Finalized after the challenge window; paid',
      });
    }
    if (e.kind === 'released' && e.provider.toLowerCase() === me && entry.record.state === 'released' && entry.record.grossMicros === null) {
      await provider.update(entry, { grossMicros: e.gross.toString(), feeMicros: e.fee.toString() });
    }
    if (e.kind === 'refunded' && e.provider?.toLowerCase() === me && !isTerminal(entry.record.state)) {
      await provider.update(entry, { state: 'refunded', closedAt: now.toISOString(), message: `Refunded to the requester after the run deadline${e.slashed > 0n ? `; ${e.slashed} micros of stake slashed` : ''}` });
    }
  }
  if (entry.record.state === 'claiming' && book.state !== 'open' && book.provider && book.provider.toLowerCase() !== me) {
    await provider.update(entry, { state: 'lost-to-other', closedAt: now.toISOString(), message: 'Another provider claimed it first' });
  }
}

/**
 * A record that closed after the index had folded its event (the release's receipt came back
 * after the indexer saw JobReleased) takes its amounts from the book: no later event of the
 * job would bring them.
 */
export async function syncClosedRecords(provider: MarketProvider, bookOf: (id: string) => BookJob | undefined, me: string | undefined, now: Date): Promise<void> {
  for (const entry of provider.jobs.values()) {
    if (entry.record.grossMicros !== null || (entry.record.state !== 'released' && entry.record.state !== 'settled')) continue;
    const book = bookOf(entry.record.chainJobId);
    if (book) await syncFromBook(provider, book, me, now);
  }
}
