/**
 * Brings the ledger in line with the chain, as a fold of the one market event log
 * (market-indexer.ts): takes this provider's events from it (claim, submit, release,
 * settle, refund of its jobs, and its withdrawals), folds them into rows, reads block times
 * and the receipts of our transactions (gas) through the chain port, and writes exactly
 * those rows. It no longer scans the chain or polls the head itself: the event log has
 * already decoded every log once, and applied the one reorg policy.
 */
import { Interface } from 'ethers';
import type { LedgerTx } from '../../../shared/domain/earnings';
import type { ChainConnection } from '../chain/chain-hub';
import { readContract } from '../chain/contract-call';
import { MARKET_ABI } from '../chain/market-abi';
import type { DecodedLog } from '../market/market-events';
import type { Logger } from '../ports';
import { type ChainEvent, foldJobRows } from './job-rows';
import type { ChainRef, LedgerStore, StoredJob, StoredWithdrawal, WriteDiff } from './ledger-store';

/** What the ledger folds: the event log's events of one account on one chain. */
export interface LedgerEventSource {
  accountEvents(account: string): { chainKey: string; head: number; events: DecodedLog[] } | null;
}

const marketInterface = new Interface(MARKET_ABI);

export interface ReconcileResult {
  chain: ChainRef;
  account: string;
  fromBlock: number;
  head: number;
  jobs: number;
  diff: WriteDiff;
}

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

export function createReconciler(deps: { store: LedgerStore; source: LedgerEventSource; logger: Logger; now: () => Date }) {
  const { store, logger } = deps;

  async function blockTime(connection: ChainConnection, chain: ChainRef, n: number): Promise<string> {
    const cached = store.blockTime(chain.id, n);
    if (cached) return cached;
    const block = await connection.port.block(n);
    if (!block) throw new Error(`block ${n} not found`);
    const at = new Date(block.timestamp * 1000).toISOString();
    store.putBlockTime(chain.id, n, at);
    return at;
  }

  async function receipt(connection: ChainConnection, chain: ChainRef, hash: string) {
    const cached = store.receipt(chain.id, hash);
    if (cached) return cached;
    const r = await connection.port.receipt(hash);
    if (!r) throw new Error(`receipt of ${hash} not found`);
    const value = { from: r.from, gasUsed: r.gasUsed, effectiveGasPrice: r.effectiveGasPrice };
    store.putReceipt(chain.id, hash, value);
    return value;
  }

  async function ourGas(connection: ChainConnection, chain: ChainRef, account: string, hash: string): Promise<bigint | null> {
    const r = await receipt(connection, chain, hash);
    return r.from.toLowerCase() === account.toLowerCase() ? r.gasUsed * r.effectiveGasPrice : null;
  }

  /** Null while the event log has not reached the head of this chain yet. */
  async function reconcile(connection: ChainConnection, account: string, _options: { full: boolean }): Promise<ReconcileResult | null> {
    const chain = store.chain(connection.network, deps.now());
    const source = deps.source.accountEvents(account);
    if (!source || source.chainKey !== chain.key) return null;
    const head = source.head;
    // The event log holds every event of our jobs since the deployment: the rows are a fold
    // of all of them, every time (a handful per job), so a reorg the log rewound is exact here.
    const fromBlock = connection.network.deploymentBlock;
    const fetched = source.events.map((e) => ledgerEventOf(e, account)).filter((e): e is ChainEvent => e !== null);
    const previous = new Map(store.jobs(chain.id, account).map((j) => [`${j.jobId}:${j.attempt}`, j]));

    // Everything from the chain is read before the one transaction that writes it.
    const all = fetched;
    const rows = foldJobRows(all);
    const jobs: StoredJob[] = [];
    for (const row of rows) {
      const txs: LedgerTx[] = [];
      let gas = 0n;
      for (const tx of row.txs) {
        const gasWei = await ourGas(connection, chain, account, tx.hash);
        if (gasWei !== null) gas += gasWei;
        txs.push({ ...tx, at: await blockTime(connection, chain, tx.blockNumber), byUs: gasWei !== null, gasWei: gasWei?.toString() ?? null });
      }
      let requester = row.requester;
      if (requester === null) {
        // Immutable on chain; only claims not settled or refunded yet need the call.
        const known = previous.get(`${row.jobId}:${row.attempt}`);
        requester =
          known && known.requester !== ''
            ? known.requester
            : String(((await readContract(connection.port, connection.network.marketAddress, marketInterface, 'getJob', [BigInt(row.jobId)]))[0] as { requester: string }).requester);
      }
      jobs.push({
        ...row,
        requester,
        gasWei: gas.toString(),
        claimedAt: await blockTime(connection, chain, row.claimBlock),
        closedAt: row.closeBlock === null ? null : await blockTime(connection, chain, row.closeBlock),
        txs,
      });
    }
    const withdrawals: StoredWithdrawal[] = [];
    for (const e of all.filter((x) => x.event === 'Withdrawn')) {
      withdrawals.push({
        txHash: e.txHash,
        logIndex: e.logIndex,
        blockNumber: e.blockNumber,
        at: await blockTime(connection, chain, e.blockNumber),
        amount: String(e.args.amount),
        gasWei: ((await ourGas(connection, chain, account, e.txHash)) ?? 0n).toString(),
      });
    }

    const diff = store.transaction(() => {
      store.replaceLogs(chain.id, account, fromBlock, fetched);
      const d = store.writeJobs(chain.id, account, jobs);
      store.writeWithdrawals(chain.id, account, withdrawals);
      store.setCursor(chain.id, account, head);
      return d;
    });
    for (const c of diff.corrected) {
      logger.warn('ledger: a row disagreed with the chain and was corrected', { jobId: c.jobId, attempt: c.attempt, fields: c.fields });
    }
    if (diff.removed > 0) logger.warn('ledger: rows the chain does not know were removed', { removed: diff.removed });
    return { chain, account, fromBlock, head, jobs: jobs.length, diff };
  }

  return { reconcile };
}
