/**
 * Applies what the chain's events say about a job this provider holds to its record, as
 * events of the job's state machine: a claim won by someone else, our submit mined (the
 * record may still say `uploading` after a crash right after it was sent), settlement with
 * its amounts, a release, a refund after runBy.
 */
import { formatUsdMicros } from '../../../shared/domain/money-format';
import type { BookJob } from './market-book';
import type { MarketProvider } from './market-provider';

export async function syncFromBook(provider: MarketProvider, book: BookJob, me: string | undefined, now: Date): Promise<void> {
  const entry = provider.get(book.id);
  if (!entry || !me) return;
  const closedAt = () => entry.record.closedAt ?? now.toISOString();
  const attempt = entry.record.attempt;
  const sameAttempt = attempt === null || book.attempt === attempt;
  const ours = book.provider?.toLowerCase() === me;
  if (entry.record.state === 'claiming' && book.state !== 'open' && book.provider && !ours) {
    await provider.applyChainEvent(book.id, 'claim-lost', { closedAt: closedAt(), message: 'Another provider claimed it first' });
  }
  if (book.state === 'submitted' && ours && sameAttempt) {
    await provider.applyChainEvent(book.id, 'submit-confirmed', {
      billedSeconds: entry.record.billedSeconds ?? book.billedSeconds ?? null,
      submittedAt: entry.record.submittedAt ?? now.toISOString(),
      message: 'Submitted; waiting for the requester',
    });
  }
  for (const e of book.events) {
    const byUs = 'provider' in e && typeof e.provider === 'string' && e.provider.toLowerCase() === me;
    if (e.kind === 'settled' && byUs && sameAttempt) {
      const message = e.byRequester ? 'Accepted by the requester; paid' : 'Finalized after the challenge window; paid';
      const amounts = { grossMicros: e.gross.toString(), feeMicros: e.fee.toString() };
      if (!(await provider.applyChainEvent(book.id, 'settled', { ...amounts, closedAt: closedAt(), problem: null, message })) && entry.record.state === 'settled' && entry.record.grossMicros === null) {
        await provider.annotate(book.id, { ...amounts, message });
      }
    }
    if (e.kind === 'released' && byUs && entry.record.state === 'released' && entry.record.grossMicros === null) {
      await provider.annotate(book.id, { grossMicros: e.gross.toString(), feeMicros: e.fee.toString() });
    }
    if (e.kind === 'refunded' && byUs) {
      await provider.applyChainEvent(book.id, 'refunded', {
        closedAt: closedAt(),
        message: `Refunded to the requester after the run deadline${e.slashed > 0n ? `; ${formatUsdMicros(e.slashed)} of stake slashed` : ''}`,
      });
    }
  }
}

/**
 * A record that closed after the index had folded its event (the release's receipt came back
 * after the indexer saw JobReleased) takes its amounts from the book: no later event of the
 * job would bring them.
 */
export async function syncClosedRecords(provider: MarketProvider, bookOf: (id: string) => BookJob | undefined, me: string | undefined, now: Date): Promise<void> {
  for (const entry of [...provider.jobs.values()]) {
    if (entry.record.grossMicros !== null || (entry.record.state !== 'released' && entry.record.state !== 'settled')) continue;
    const book = bookOf(entry.record.chainJobId);
    if (book) await syncFromBook(provider, book, me, now);
  }
}
