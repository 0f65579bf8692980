import { describe, expect, it } from 'vitest';
import { type ChainEvent, foldJobRows } from '../../../electron/agent/ledger/job-rows';

let log = 0;
const ev = (event: ChainEvent['event'], block: number, tx: string, args: Record<string, string | boolean>): ChainEvent => ({
  event, blockNumber: block, logIndex: log++, txHash: tx, args,
});
const REQ = '0x00000000000000000000000000000000000000aa';

describe('folding our market events into job rows', () => {
  it('follows claim → submit → accept, in chain order whatever the input order', () => {
    const events = [
      ev('JobSettled', 12, '0x3', { id: '1', provider: '0xme', requester: REQ, gross: '500000', fee: '5000', refund: '100', byRequester: true }),
      ev('JobClaimed', 10, '0x1', { id: '1', provider: '0xme', ask: '1000000', attempt: '1' }),
      ev('JobSubmitted', 11, '0x2', { id: '1', provider: '0xme', billedSeconds: '1800' }),
    ];
    const [row, ...rest] = foldJobRows(events);
    expect(rest).toEqual([]);
    expect(row).toMatchObject({ jobId: '1', attempt: 1, state: 'settled', requester: REQ, ask: '1000000', billedSeconds: 1800, gross: '500000', fee: '5000', settledBy: 'requester', claimBlock: 10, closeBlock: 12 });
    expect(row!.txs.map((t) => t.kind)).toEqual(['claim', 'submit', 'accept']);
  });

  it('keeps a release that ended the job as released (its JobRefunded in the same tx only names the requester)', () => {
    const rows = foldJobRows([
      ev('JobClaimed', 1, '0xa', { id: '4', ask: '2000000', attempt: '1' }),
      ev('JobReleased', 2, '0xb', { id: '4', servedSeconds: '600', gross: '333333', fee: '3333', reopened: false }),
      ev('JobRefunded', 2, '0xb', { id: '4', requester: REQ, amount: '10', slashed: '0' }),
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ state: 'released', billedSeconds: 600, gross: '333333', fee: '3333', stakeLost: '0', requester: REQ, closeBlock: 2 });
    expect(rows[0]!.txs.map((t) => t.kind)).toEqual(['claim', 'release']);
  });

  it('gives a reopened job claimed again its own row per attempt, and records a slashed no-show', () => {
    const rows = foldJobRows([
      ev('JobClaimed', 1, '0xa', { id: '9', ask: '1000000', attempt: '1' }),
      ev('JobReleased', 2, '0xb', { id: '9', servedSeconds: '60', gross: '16666', fee: '166', reopened: true }),
      ev('JobClaimed', 3, '0xc', { id: '9', ask: '1200000', attempt: '2' }),
      ev('JobRefunded', 9, '0xd', { id: '9', requester: REQ, amount: '900000', slashed: '5000000' }),
    ]);
    expect(rows.map((r) => [r.attempt, r.state, r.gross, r.stakeLost])).toEqual([
      [1, 'released', '16666', '0'],
      [2, 'refunded', '0', '5000000'],
    ]);
    expect(rows[0]!.requester).toBeNull(); // the reconciler reads it from getJob
  });

  it('ignores events of a job it never saw claimed (a scan that started late) and withdrawals', () => {
    expect(foldJobRows([ev('JobSubmitted', 1, '0x1', { id: '3', billedSeconds: '5' }), ev('Withdrawn', 2, '0x2', { account: '0xme', amount: '5' })])).toEqual([]);
  });
});
