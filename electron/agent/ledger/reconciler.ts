/**
 * Brings the ledger in line with the chain: reads this provider's market events (claim,
 * submit, release, settle, refund) and withdrawals with the provider topic filter, folds them
 * into rows, reads block times and the receipts of our transactions (gas), and writes exactly
 * those rows. A full pass (at start, on a new chain or wallet) re-reads everything from the
 * deployment block; later passes read only new blocks, with a margin for reorgs.
 */
import { Contract, Interface, type JsonRpcProvider, type Log, zeroPadValue } from 'ethers';
import type { LedgerTx } from '../../../shared/domain/earnings';
import type { ChainConnection } from '../chain/chain-hub';
import { MARKET_ABI } from '../chain/market-abi';
import type { Logger } from '../ports';
import { type ChainEvent, foldJobRows, type MarketEventName } from './job-rows';
import type { ChainRef, LedgerStore, StoredJob, StoredWithdrawal, WriteDiff } from './ledger-store';

export type GetLogs = (
  provider: JsonRpcProvider,
  filter: { address: string; topics: (string | string[] | null)[] },
  fromBlock: number,
  toBlock: number,
) => Promise<Log[]>;

/** Blocks re-read on each incremental pass, so a short reorg is picked up. */
export const REORG_MARGIN = 12;

const marketInterface = new Interface(MARKET_ABI);
const topic = (name: string) => marketInterface.getEvent(name)!.topicHash;
const PROVIDER_EVENTS: MarketEventName[] = ['JobClaimed', 'JobSubmitted', 'JobReleased', 'JobSettled'];

export interface ReconcileResult {
  chain: ChainRef;
  account: string;
  fromBlock: number;
  head: number;
  jobs: number;
  diff: WriteDiff;
}

function decode(log: Log): ChainEvent | null {
  const parsed = marketInterface.parseLog({ topics: [...log.topics], data: log.data });
  if (!parsed) return null;
  const args: Record<string, string | boolean> = {};
  parsed.fragment.inputs.forEach((input, i) => {
    const value: unknown = parsed.args[i];
    if (input.name === 'spec' || input.name === 'resultUri') return; // free text we do not need
    args[input.name] = typeof value === 'boolean' ? value : String(value);
  });
  return { event: parsed.name as ChainEvent['event'], blockNumber: log.blockNumber, logIndex: log.index, txHash: log.transactionHash, args };
}

export function createReconciler(deps: { store: LedgerStore; getLogs: GetLogs; logger: Logger; now: () => Date }) {
  const { store, logger } = deps;

  async function fetchEvents(connection: ChainConnection, account: string, from: number, to: number): Promise<ChainEvent[]> {
    const { provider, network } = connection;
    const me = zeroPadValue(account, 32);
    const address = network.marketAddress;
    const batches = await Promise.all([
      deps.getLogs(provider, { address, topics: [PROVIDER_EVENTS.map(topic), null, me] }, from, to),
      deps.getLogs(provider, { address, topics: [topic('JobRefunded'), null, null, me] }, from, to),
      deps.getLogs(provider, { address, topics: [topic('Withdrawn'), me] }, from, to),
    ]);
    return batches.flat().map(decode).filter((e): e is ChainEvent => e !== null);
  }

  async function blockTime(connection: ChainConnection, chain: ChainRef, n: number): Promise<string> {
    const cached = store.blockTime(chain.id, n);
    if (cached) return cached;
    const block = await connection.provider.getBlock(n);
    if (!block) throw new Error(`block ${n} not found`);
    const at = new Date(block.timestamp * 1000).toISOString();
    store.putBlockTime(chain.id, n, at);
    return at;
  }

  async function receipt(connection: ChainConnection, chain: ChainRef, hash: string) {
    const cached = store.receipt(chain.id, hash);
    if (cached) return cached;
    const r = await connection.provider.getTransactionReceipt(hash);
    if (!r) throw new Error(`receipt of ${hash} not found`);
    // ethers v6: receipt.gasPrice is the effectiveGasPrice the sender paid per gas.
    const value = { from: r.from, gasUsed: r.gasUsed, effectiveGasPrice: r.gasPrice };
    store.putReceipt(chain.id, hash, value);
    return value;
  }

  async function ourGas(connection: ChainConnection, chain: ChainRef, account: string, hash: string): Promise<bigint | null> {
    const r = await receipt(connection, chain, hash);
    return r.from.toLowerCase() === account.toLowerCase() ? r.gasUsed * r.effectiveGasPrice : null;
  }

  async function reconcile(connection: ChainConnection, account: string, options: { full: boolean }): Promise<ReconcileResult> {
    const chain = store.chain(connection.network, deps.now());
    // eth_blockNumber itself: ethers caches getBlockNumber() briefly, and a stale head would miss the newest block.
    const head = Number(await connection.provider.send('eth_blockNumber', []));
    const deployment = connection.network.deploymentBlock;
    const cursor = store.cursor(chain.id, account);
    const fromBlock = options.full || cursor === null ? deployment : Math.max(deployment, cursor - REORG_MARGIN + 1);
    const fetched = fromBlock <= head ? await fetchEvents(connection, account, fromBlock, head) : [];
    const previous = new Map(store.jobs(chain.id, account).map((j) => [`${j.jobId}:${j.attempt}`, j]));

    // Everything from the chain is read before the one transaction that writes it.
    const kept = store.logs(chain.id, account).filter((e) => e.blockNumber < fromBlock);
    const all = [...kept, ...fetched];
    const rows = foldJobRows(all);
    const market = new Contract(connection.network.marketAddress, MARKET_ABI, connection.provider);
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
        requester = known && known.requester !== '' ? known.requester : String((await market.getFunction('getJob')(row.jobId)).requester);
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
