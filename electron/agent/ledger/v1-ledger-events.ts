/**
 * The v1 market's decoded events as the ledger folds them (job-rows.ts): only this
 * provider's, amounts as decimal strings.
 */
import type { DecodedLog } from '../market/market-events';
import type { ChainEvent } from './job-rows';

/**
 * The ledger's view of one decoded event: only this provider's (the old provider-topic
 * filter: claims, submits, releases and settlements it made, refunds that name it, its
 * withdrawals). Amounts as decimal strings, as job-rows folds them.
 */
export function ledgerEventOf(event: DecodedLog, account: string): ChainEvent | null {
  const me = account.toLowerCase();
  const place = { blockNumber: event.blockNumber, logIndex: event.logIndex, txHash: event.txHash };
  switch (event.kind) {
    case 'claimed':
      return event.provider.toLowerCase() === me ? { event: 'JobClaimed', ...place, args: { id: event.id, provider: event.provider, ask: event.ask.toString(), attempt: String(event.attempt) } } : null;
    case 'submitted':
      return event.provider.toLowerCase() === me
        ? { event: 'JobSubmitted', ...place, args: { id: event.id, provider: event.provider, outputsDigest: event.outputsDigest, billedSeconds: String(event.billedSeconds) } }
        : null;
    case 'released':
      return event.provider.toLowerCase() === me
        ? {
            event: 'JobReleased',
            ...place,
            args: { id: event.id, provider: event.provider, servedSeconds: String(event.servedSeconds), gross: event.gross.toString(), fee: event.fee.toString(), reopened: event.reopened },
          }
        : null;
    case 'settled':
      return event.provider.toLowerCase() === me
        ? {
            event: 'JobSettled',
            ...place,
            args: { id: event.id, provider: event.provider, requester: event.requester, gross: event.gross.toString(), fee: event.fee.toString(), refund: event.refund.toString(), byRequester: event.byRequester },
          }
        : null;
    case 'refunded':
      return event.provider?.toLowerCase() === me
        ? { event: 'JobRefunded', ...place, args: { id: event.id, requester: event.requester, provider: event.provider, amount: event.amount.toString(), slashed: event.slashed.toString() } }
        : null;
    case 'withdrawn':
      return event.account.toLowerCase() === me ? { event: 'Withdrawn', ...place, args: { account: event.account, amount: event.amount.toString() } } : null;
    default:
      return null;
  }
}
