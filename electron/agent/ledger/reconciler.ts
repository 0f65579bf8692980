/**
 * Brings the ledger in line with the chain, as a fold of the active market's one event log
 * (ledger-source.ts: v1's market-indexer.ts or v2's v2-event-log.ts): takes this provider's
 * rows from it (its claims or slots, their payments, refunds and slashes, and its
 * withdrawals), reads block times and the receipts of our transactions (gas) through the
 * chain port, and writes exactly those rows. It never scans the chain or polls the head
 * itself: the event log has already decoded every log once, and applied the one reorg policy.
 */
import { Interface } from 'ethers';
import type { LedgerTx } from '../../../shared/domain/earnings';
import type { ChainConnection } from '../chain/chain-hub';
import { readContract } from '../chain/contract-call';
import { MARKET_ABI } from '../chain/market-abi';
import type { Logger } from '../ports';
import type { ChainRef, LedgerStore, StoredJob, StoredWithdrawal, WriteDiff } from './ledger-store';
import type { LedgerSource } from './ledger-source';

/** What the reconciler reads of the source: the account's fold. */
export type LedgerEventSource = Pick<LedgerSource, 'fold'>;

const marketInterface = new Interface(MARKET_ABI);

export interface ReconcileResult {
  chain: ChainRef;
  account: string;
  fromBlock: number;
  head: number;
  jobs: number;
  diff: WriteDiff;
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
    const source = deps.source.fold(account);
    if (!source || source.chainKey !== chain.key) return null;
    const head = source.head;
    // The event log holds every event of our jobs since the deployment: the rows are a fold
    // of all of them, every time (a handful per job), so a reorg the log rewound is exact here.
    const fromBlock = connection.network.deploymentBlock;
    const fetched = source.logs;
    const previous = new Map(store.jobs(chain.id, account).map((j) => [`${j.jobId}:${j.attempt}`, j]));

    // Everything from the chain is read before the one transaction that writes it.
    const all = fetched;
    const rows = source.rows;
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
        // v1 only (v2 rows name it from JobPosted). Immutable on chain; only claims not
        // settled or refunded yet need the call.
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
