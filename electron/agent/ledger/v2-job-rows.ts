/**
 * Folds this provider's part of the v2 market (contracts/RigShiftMarketV2.sol) into ledger
 * rows: one per slot of ours (job id + slot index), one per auction round we bid in and
 * did not win (its gas is a cost too). Pure, from the v2 event log's book, so a rewind of
 * the log (a reorg) or a restart folds to exactly the same rows.
 *
 * Money as the contract moves it: a slot is paid SlotPaid.gross (price × billed seconds /
 * 3600, capped by the escrow; the fee out of it), a dispute the requester lost credits us
 * the bond less what the verifier was paid from it (_resolveDispute: no event carries that
 * amount, so it is bond − the verifier slot's SlotPaid.gross in the same tx), and a slash
 * takes Slashed.amount of our stake. Every tx that names us is listed once; the reconciler
 * counts the gas of those we sent (the receipt's sender).
 */
import type { LedgerTxKind } from '../../../shared/domain/earnings';
import type { V2BookJob } from '../market-v2/v2-book';
import type { V2AccountEvent, V2JobEvent } from '../market-v2/v2-events';
import type { ChainEvent, JobRow } from './job-rows';

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

interface OurBids {
  roundNo: number;
  ask: bigint;
  firstBlock: number;
  txs: JobRow['txs'];
  /** The block that ended the round's auction (closed, expired or the job ended). */
  endBlock: number | null;
}

/** Whether an event names `me` as its provider. */
const namesMe = (e: V2JobEvent, me: string) => 'provider' in e && same(e.provider, me);

/** The rows of one job for `me` (none when we never bid on it nor held a slot). */
export function foldV2JobRows(job: V2BookJob, me: string): JobRow[] {
  if (!job.events.some((e) => namesMe(e, me))) return [];
  const rows = new Map<number, JobRow>();
  const bids = new Map<number, OurBids>();
  const seen = new Set<string>();
  const releasedWithTime = new Set<number>();
  const verifySlots = new Set<number>();
  // The requester's accept pays in the same tx as its JobSettled(byRequester = true).
  const acceptTxs = new Set(job.events.filter((e) => e.kind === 'settled' && e.byRequester).map((e) => e.txHash));
  const paidIn = new Map<string, Array<{ slot: number; gross: bigint }>>();
  let roundNo = 1;
  let auctioned = false;
  let bond = 0n;

  const addTx = (txs: JobRow['txs'], kind: LedgerTxKind, e: V2JobEvent) => {
    // One tx can emit several of our events (commit + ResultSubmitted, reveal + SlotPaid): its gas once.
    if (seen.has(e.txHash)) return;
    seen.add(e.txHash);
    txs.push({ kind, hash: e.txHash, blockNumber: e.blockNumber });
  };
  const endRound = (n: number, block: number) => {
    const b = bids.get(n);
    if (b && b.endBlock === null) b.endBlock = block;
  };
  const close = (row: JobRow, block: number) => {
    row.closeBlock = block;
  };

  for (const e of job.events) {
    if (e.kind === 'slotPaid') paidIn.set(e.txHash, [...(paidIn.get(e.txHash) ?? []), { slot: e.slot, gross: e.gross }]);
    switch (e.kind) {
      case 'posted':
        auctioned = e.bidEnds > 0;
        break;
      case 'roundOpened':
        endRound(roundNo, e.blockNumber);
        roundNo = e.roundNo;
        auctioned = e.bidEnds > 0;
        break;
      case 'bidPlaced':
        if (namesMe(e, me)) {
          const b = bids.get(e.roundNo) ?? { roundNo: e.roundNo, ask: e.ask, firstBlock: e.blockNumber, txs: [], endBlock: null };
          b.ask = e.ask;
          bids.set(e.roundNo, b);
          addTx(b.txs, 'bid', e);
        }
        break;
      case 'auctionClosed':
        endRound(e.roundNo, e.blockNumber);
        break;
      case 'slotAssigned': {
        if (e.round === 'verify') verifySlots.add(e.slot);
        if (!namesMe(e, me)) break;
        const won = bids.get(roundNo);
        bids.delete(roundNo);
        const row: JobRow = {
          jobId: job.id,
          attempt: e.slot,
          state: 'claimed',
          requester: job.requester,
          ask: e.pricePerHour.toString(),
          billedSeconds: null,
          gross: '0',
          fee: '0',
          stakeLost: '0',
          settledBy: null,
          claimBlock: e.blockNumber,
          closeBlock: null,
          // The winning bid's gas belongs to the slot it won.
          txs: [...(won?.txs ?? [])],
        };
        rows.set(e.slot, row);
        addTx(row.txs, auctioned ? 'award' : 'claim', e);
        break;
      }
      case 'disputed':
        bond = e.bond;
        break;
      case 'settled':
      case 'refunded':
        endRound(roundNo, e.blockNumber);
        break;
      default:
        break;
    }
    const row = 'slot' in e && namesMe(e, me) ? rows.get(e.slot) : undefined;
    if (row) applyToSlot(row, e, { addTx, close, releasedWithTime, acceptTxs });
    if (e.kind === 'disputeResolved' && namesMe(e, me) && e.upheld && !e.lapsed) {
      // _resolveDispute: the bond pays the verifier (its SlotPaid in this tx), the rest is ours.
      const toVerifier = (paidIn.get(e.txHash) ?? []).filter((p) => verifySlots.has(p.slot)).reduce((sum, p) => sum + p.gross, 0n);
      const ours = [...rows.values()].find((r) => !verifySlots.has(r.attempt) && r.txs.some((tx) => tx.hash === e.txHash)) ?? [...rows.values()].filter((r) => !verifySlots.has(r.attempt)).pop();
      if (ours && bond > toVerifier) ours.gross = (BigInt(ours.gross) + bond - toVerifier).toString();
      if (ours) addTx(ours.txs, 'conclude', e);
    }
  }

  const out = [...rows.values()];
  for (const b of bids.values()) {
    // A bid still standing in an open auction is not a row yet: it may still win.
    if (b.endBlock === null) continue;
    out.push({
      jobId: job.id,
      attempt: -b.roundNo,
      state: 'outbid',
      requester: job.requester,
      ask: b.ask.toString(),
      billedSeconds: null,
      gross: '0',
      fee: '0',
      stakeLost: '0',
      settledBy: null,
      claimBlock: b.firstBlock,
      closeBlock: b.endBlock,
      txs: b.txs,
    });
  }
  return out;
}

interface SlotFoldTools {
  addTx(txs: JobRow['txs'], kind: LedgerTxKind, e: V2JobEvent): void;
  close(row: JobRow, block: number): void;
  releasedWithTime: Set<number>;
  acceptTxs: Set<string>;
}

/** One event of our slot applied to its row. */
function applyToSlot(row: JobRow, e: V2JobEvent, t: SlotFoldTools) {
  switch (e.kind) {
    case 'committed':
      row.state = 'submitted';
      row.billedSeconds = e.billedSeconds;
      t.addTx(row.txs, 'commit', e);
      break;
    case 'released':
      row.state = 'released';
      t.addTx(row.txs, 'release', e);
      if (e.servedSeconds > 0) {
        // Paid later, after the checkpoint's challenge window (SlotPaid).
        row.billedSeconds = e.servedSeconds;
        t.releasedWithTime.add(row.attempt);
      } else {
        row.billedSeconds = 0;
        t.close(row, e.blockNumber);
      }
      break;
    case 'revealed':
      t.addTx(row.txs, 'reveal', e);
      break;
    case 'slotPaid': {
      const byRequester = t.acceptTxs.has(e.txHash);
      row.state = t.releasedWithTime.has(row.attempt) ? 'released' : 'settled';
      row.gross = e.gross.toString();
      row.fee = e.fee.toString();
      row.settledBy = byRequester ? 'requester' : 'timeout';
      t.close(row, e.blockNumber);
      t.addTx(row.txs, byRequester ? 'accept' : 'finalize', e);
      break;
    }
    case 'slashed':
      row.state = 'slashed';
      row.stakeLost = e.amount.toString();
      t.close(row, e.blockNumber);
      t.addTx(row.txs, 'conclude', e);
      break;
    case 'slotFreed':
      row.state = 'unpaid';
      t.close(row, e.blockNumber);
      t.addTx(row.txs, 'conclude', e);
      break;
    default:
      break;
  }
}

/** Rows of every job in the book for `me`, and our withdrawals as the ledger stores them. */
export function foldV2Ledger(jobs: Iterable<V2BookJob>, accountEvents: readonly V2AccountEvent[], me: string): { rows: JobRow[]; withdrawals: ChainEvent[] } {
  const rows: JobRow[] = [];
  for (const job of jobs) rows.push(...foldV2JobRows(job, me));
  const withdrawals: ChainEvent[] = accountEvents
    .filter((e): e is Extract<V2AccountEvent, { kind: 'withdrawn' }> => e.kind === 'withdrawn' && same(e.account, me))
    .map((e) => ({ event: 'Withdrawn', blockNumber: e.blockNumber, logIndex: e.logIndex, txHash: e.txHash, args: { account: e.account, amount: e.amount.toString() } }));
  return { rows, withdrawals };
}
