/**
 * One transaction queue per account. Sends are serialized so nonces never collide;
 * the next nonce is the larger of the node's pending count and our own highest pending
 * nonce + 1 (ethers' NonceManager is in-memory only and never rebroadcasts, chain.md §3.5).
 * Fees are EIP-1559 from the node. A monitor follows every pending transaction: receipt →
 * confirmed/failed; lost by the node → rebroadcast; stuck → replaced (same nonce, fees
 * +25 %, or the current ones if higher); nonce used by something else → dropped.
 *
 * Nothing is signed before it is on disk: a send first stores an unsigned draft of the
 * record (its nonce and fields), then signs, then stores the signed bytes, and only then
 * broadcasts. When the store cannot write (a full disk) the send fails with the store's
 * DiskFullError before anything is signed, and the nonce is not taken: the next send, once
 * space is back, uses it. A draft left without a signature (a crash, a write that failed
 * after signing) was never broadcast: the monitor marks it dropped and it is never shown.
 */
import { randomBytes } from 'node:crypto';
import { getAddress, Interface, type JsonFragment, type TransactionLike } from 'ethers';
import { MARKET_ABI, TOKEN_ABI } from '../chain/market-abi';
import { AgentError } from '../../../shared/api/result';
import { assertConfiguredChain } from './chain-guard';
import type { WalletTx } from '../../../shared/domain/wallet';
import { type ChainConnection, type ChainHub, chainKeyOf as chainIdentity } from '../chain/chain-hub';
import type { ChainPort } from '../chain/chain-port';
import type { Clock, Logger } from '../ports';
import { toWalletTx, type TxRecord, type TxStore } from './tx-store';
import type { SentTx, TxIntent } from './wallet-access';

type Mined = Awaited<ReturnType<SentTx['wait']>>;

export interface QueueIntent extends TxIntent {
  /** For display of token transfers and sweeps. */
  token?: { amount: bigint; recipient: string };
  /** Fees fixed by a transfer preview the owner confirmed. */
  fees?: { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint };
}

export interface TxQueue {
  send(intent: QueueIntent): Promise<SentTx>;
  /** Checks pending transactions once (the monitor's step; tests call it directly). */
  poll(): Promise<void>;
  pending(): WalletTx[];
  list(limit?: number): WalletTx[];
  get(id: string): WalletTx | undefined;
  start(): void;
  stop(): Promise<void>;
}

export interface TxQueueDeps {
  store: TxStore;
  chain: ChainHub;
  address: () => string | null;
  isUnlocked: () => boolean;
  sign: (tx: TransactionLike<string>, from: string) => Promise<{ raw: string; hash: string }>;
  emit: (tx: WalletTx) => void;
  clock: Clock;
  logger: Logger;
  /** A pending tx older than this is replaced with higher fees. */
  stuckAfterMs?: number;
  /** The age check of pending transactions when no block comes (receipts follow the head stream). */
  pollMs?: number;
}

const MAX_REPLACEMENTS = 6;
const GAS_MARGIN_PERCENT = 120n;

export const chainKeyOf = (connection: ChainConnection) => chainIdentity(connection.network);
/** The key transactions were stored with before there was one chain key (same chain). */
const legacyChainKeyOf = (connection: ChainConnection) => `${connection.network.chainId}:${connection.network.genesisHash}`;
const sameChain = (recordKey: string, connection: ChainConnection) => recordKey === chainKeyOf(connection) || recordKey === legacyChainKeyOf(connection);

export function createTxQueue(deps: TxQueueDeps): TxQueue {
  const { store, clock, logger } = deps;
  const stuckAfterMs = deps.stuckAfterMs ?? 90_000;
  const waiters = new Map<string, Array<{ resolve(m: Mined): void; reject(e: unknown): void }>>();
  let tail: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | null = null;
  let headOff: (() => void) | null = null;
  let nudge: NodeJS.Timeout | null = null;
  let polling: Promise<void> | null = null;

  const now = () => clock.now().toISOString();

  const online = (): ChainConnection => {
    const connection = deps.chain.connection();
    if (!connection) {
      throw new AgentError('chain_offline', 'The chain is not reachable right now; nothing was sent.', 'Wait until the network is back online and try again.');
    }
    return connection;
  };

  /** A stored record whose signature never was: not a transaction (yet). */
  const isDraft = (record: TxRecord) => record.hashes.length === 0;
  const visible = (records: TxRecord[]) => records.filter((r) => !isDraft(r));

  const save = async (record: TxRecord) => {
    record.updatedAt = now();
    await store.put(record);
    deps.emit(toWalletTx(record));
  };

  const settle = (record: TxRecord) => {
    const list = waiters.get(record.id) ?? [];
    waiters.delete(record.id);
    for (const waiter of list) {
      if (record.status === 'confirmed' || record.status === 'failed') {
        waiter.resolve({
          status: record.status,
          hash: record.hash,
          blockNumber: record.blockNumber ?? 0,
          gasUsed: BigInt(record.gasUsed ?? '0'),
          effectiveGasPrice: BigInt(record.effectiveGasPrice ?? '0'),
        });
      } else {
        waiter.reject(new AgentError('tx_dropped', `Transaction ${record.hash} was dropped: ${record.error ?? 'no reason given'}.`));
      }
    }
  };

  const sentTx = (record: TxRecord): SentTx => ({
    id: record.id,
    hash: record.hash,
    nonce: record.nonce,
    wait: () =>
      new Promise((resolve, reject) => {
        const current = store.get(record.id);
        if (current && current.status !== 'pending') {
          const list = [{ resolve, reject }];
          waiters.set(record.id, list);
          settle(current);
          return;
        }
        waiters.set(record.id, [...(waiters.get(record.id) ?? []), { resolve, reject }]);
      }),
  });

  async function nextNonce(port: ChainPort, from: string, connection: ChainConnection): Promise<number> {
    const pendingOnNode = await port.nonce(from, 'pending');
    const ours = store
      .all()
      .filter((r) => r.status === 'pending' && !isDraft(r) && sameChain(r.chainKey, connection) && r.from === from)
      .reduce((max, r) => Math.max(max, r.nonce + 1), 0);
    return Math.max(pendingOnNode, ours);
  }

  async function sendNow(intent: QueueIntent): Promise<SentTx> {
    const from = deps.address();
    if (!from) throw new AgentError('no_wallet', 'There is no wallet yet.', 'Create or import a wallet first.');
    if (!deps.isUnlocked()) throw new AgentError('wallet_locked', 'The wallet is locked; nothing was sent.', 'Unlock it with your password.');
    const connection = online();
    const { port, network } = connection;
    await assertConfiguredChain(connection);
    let to: string;
    try {
      to = getAddress(intent.to);
    } catch {
      throw new AgentError('invalid_address', `"${intent.to}" is not a valid address.`);
    }
    const [data, value] = [intent.data ?? '0x', intent.value ?? 0n];
    const fees = intent.fees ?? (await currentFees(port));
    let gasLimit = intent.gasLimit;
    if (gasLimit === undefined) {
      try {
        gasLimit = ((await port.estimateGas({ from, to, data, value })) * GAS_MARGIN_PERCENT) / 100n;
      } catch (error) {
        throw new AgentError('tx_would_fail', `This transaction would fail: ${shortReason(error)}.`, 'Nothing was sent. Check the balance and the recipient.');
      }
      if (intent.minGasLimit !== undefined && gasLimit < intent.minGasLimit) gasLimit = intent.minGasLimit;
    }
    const chainKey = chainKeyOf(connection);
    const nonce = await nextNonce(port, from, connection);
    const tx: TransactionLike<string> = {
      type: 2,
      chainId: BigInt(network.chainId),
      nonce,
      to,
      data,
      value,
      gasLimit,
      maxFeePerGas: fees.maxFeePerGas,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
    };
    const createdAt = now();
    const record: TxRecord = {
      id: randomBytes(8).toString('hex'),
      kind: intent.kind,
      label: intent.label,
      jobId: intent.jobId ?? null,
      from,
      to,
      value: value.toString(),
      token: intent.token ? { amount: intent.token.amount.toString(), recipient: intent.token.recipient } : null,
      nonce,
      chainId: network.chainId,
      status: 'pending',
      hash: '',
      hashes: [],
      gasLimit: gasLimit.toString(),
      maxFeePerGas: fees.maxFeePerGas.toString(),
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas.toString(),
      blockNumber: null,
      gasUsed: null,
      effectiveGasPrice: null,
      createdAt,
      updatedAt: createdAt,
      error: null,
      raw: '',
      data,
      chainKey,
      lastBroadcastAt: createdAt,
      replacements: 0,
    };
    // 1. The draft on disk first: a full disk stops the send here, before any signature.
    await store.put(record);
    let signed: { raw: string; hash: string };
    try {
      signed = await deps.sign(tx, from);
    } catch (error) {
      await store.put({ ...record, status: 'dropped', error: `not signed: ${shortReason(error)}`, updatedAt: now() }).catch(() => undefined);
      throw error;
    }
    record.hash = signed.hash;
    record.hashes = [signed.hash];
    record.raw = signed.raw;
    // 2. The signed bytes on disk before they leave: a crash after the broadcast must not lose
    // track of it. If this write fails the bytes are forgotten here and never broadcast.
    try {
      await store.put(record);
    } catch (error) {
      await store.put({ ...record, hash: '', hashes: [], raw: '', status: 'dropped', error: 'not sent: it could not be saved', updatedAt: now() }).catch(() => undefined);
      throw error;
    }
    try {
      await port.sendRawTransaction(signed.raw);
    } catch (error) {
      record.status = 'dropped';
      record.error = `the node refused it: ${shortReason(error)}`;
      await save(record);
      throw new AgentError('tx_rejected', `The node refused the transaction: ${shortReason(error)}.`, 'Nothing was spent. Try again in a moment.');
    }
    deps.emit(toWalletTx(record));
    logger.info('wallet: transaction sent', { kind: record.kind, hash: record.hash, nonce });
    // A node that mines at once (the devnet's automine) has the receipt before the next head
    // poll: look once shortly after sending rather than up to a head interval later.
    nudge ??= setTimeout(() => {
      nudge = null;
      void queue.poll().catch(() => undefined);
    }, 150);
    nudge.unref?.();
    return sentTx(record);
  }

  async function findMined(record: TxRecord, port: ChainPort): Promise<boolean> {
    for (const hash of [...record.hashes].reverse()) {
      const receipt = await port.receipt(hash);
      if (!receipt) continue;
      record.status = receipt.status === 1 ? 'confirmed' : 'failed';
      record.hash = hash;
      record.blockNumber = receipt.blockNumber;
      record.gasUsed = receipt.gasUsed.toString();
      record.effectiveGasPrice = receipt.effectiveGasPrice.toString();
      record.error = receipt.status === 1 ? null : 'the transaction reverted';
      await save(record);
      settle(record);
      return true;
    }
    return false;
  }

  async function check(record: TxRecord, connection: ChainConnection): Promise<void> {
    const { port } = connection;
    if (await findMined(record, port)) return;
    const latest = await port.nonce(record.from, 'latest');
    if (latest > record.nonce) {
      // Mined between the two reads? Look once more before calling it dropped.
      if (await findMined(record, port)) return;
      record.status = 'dropped';
      record.error = `another transaction used nonce ${record.nonce}`;
      await save(record);
      settle(record);
      return;
    }
    const age = clock.now().getTime() - Date.parse(record.lastBroadcastAt);
    if (age < stuckAfterMs) return;
    const known = await port.hasTransaction(record.hash);
    if (!known) {
      // The node forgot it (a restart, a full mempool): send the same bytes again.
      await port.sendRawTransaction(record.raw).catch((error: unknown) => logger.warn('wallet: rebroadcast failed', { hash: record.hash, error: shortReason(error) }));
      record.lastBroadcastAt = now();
      await save(record);
      return;
    }
    await replace(record, connection);
  }

  async function replace(record: TxRecord, connection: ChainConnection): Promise<void> {
    if (record.replacements >= MAX_REPLACEMENTS) return;
    if (!deps.isUnlocked() || deps.address() !== record.from) {
      logger.info('wallet: a stuck transaction waits for the wallet to be unlocked', { hash: record.hash });
      return;
    }
    const { port, network } = connection;
    const current = await currentFees(port);
    const bump = (old: bigint, now: bigint) => {
      const raised = (old * 125n + 99n) / 100n;
      return now > raised ? now : raised;
    };
    const maxPriorityFeePerGas = bump(BigInt(record.maxPriorityFeePerGas), current.maxPriorityFeePerGas);
    let maxFeePerGas = bump(BigInt(record.maxFeePerGas), current.maxFeePerGas);
    if (maxFeePerGas < maxPriorityFeePerGas) maxFeePerGas = maxPriorityFeePerGas;
    const signed = await deps.sign(
      {
        type: 2,
        chainId: BigInt(network.chainId),
        nonce: record.nonce,
        to: record.to,
        data: record.data,
        value: BigInt(record.value),
        gasLimit: BigInt(record.gasLimit),
        maxFeePerGas,
        maxPriorityFeePerGas,
      },
      record.from,
    );
    // On disk before it leaves, like a first attempt (a failed write throws: nothing is broadcast).
    const previous = {
      hash: record.hash,
      hashes: record.hashes,
      raw: record.raw,
      maxFeePerGas: record.maxFeePerGas,
      maxPriorityFeePerGas: record.maxPriorityFeePerGas,
      replacements: record.replacements,
      lastBroadcastAt: record.lastBroadcastAt,
    };
    record.hashes = [...record.hashes, signed.hash];
    record.hash = signed.hash;
    record.raw = signed.raw;
    record.maxFeePerGas = maxFeePerGas.toString();
    record.maxPriorityFeePerGas = maxPriorityFeePerGas.toString();
    record.replacements += 1;
    record.lastBroadcastAt = now();
    await save(record);
    try {
      await port.sendRawTransaction(signed.raw);
    } catch (error) {
      // The node refused it (fees too low for a replacement): the old attempt stays the one followed.
      logger.warn('wallet: replacement refused', { hash: signed.hash, error: shortReason(error) });
      Object.assign(record, previous);
      await save(record).catch(() => undefined);
      return;
    }
    logger.info('wallet: stuck transaction replaced with higher fees', { nonce: record.nonce, hash: signed.hash });
  }

  async function pollOnce(): Promise<void> {
    const connection = deps.chain.connection();
    if (!connection) return;
    for (const record of store.all().filter((r) => r.status === 'pending')) {
      if (isDraft(record)) {
        // Stored, never signed or never saved signed (a crash, a full disk): never broadcast.
        record.status = 'dropped';
        record.error = 'never sent';
        record.updatedAt = now();
        await store.put(record).catch((error: unknown) => logger.warn('wallet: could not close an unsent draft', { error: shortReason(error) }));
        continue;
      }
      if (!sameChain(record.chainKey, connection)) {
        // Same chain id, other genesis: the devnet was restarted and this chain is gone.
        if (record.chainId === connection.network.chainId) {
          record.status = 'dropped';
          record.error = 'the chain it was sent on was reset';
          await save(record);
          settle(record);
        }
        continue;
      }
      try {
        await check(record, connection);
      } catch (error) {
        logger.warn('wallet: checking a pending transaction failed', { hash: record.hash, error: shortReason(error) });
      }
    }
  }

  const queue: TxQueue = {
    send(intent) {
      const result = tail.then(() => sendNow(intent));
      tail = result.catch(() => undefined);
      return result;
    },
    poll() {
      // One poll at a time, and in line with sends (a replacement signs a nonce too).
      polling ??= (async () => {
        const step = tail.then(() => pollOnce());
        tail = step.catch(() => undefined);
        await step;
      })().finally(() => {
        polling = null;
      });
      return polling;
    },
    pending: () => visible(store.all()).filter((r) => r.status === 'pending').map(toWalletTx),
    list: (limit = 100) => visible(store.all()).reverse().slice(0, limit).map(toWalletTx),
    get: (id) => {
      const record = store.get(id);
      return record && !isDraft(record) ? toWalletTx(record) : undefined;
    },
    start() {
      // Receipts can only appear with a new block: check on each head of the one head
      // stream, and only while something is pending. A slow timer covers what needs no
      // block (a stuck or forgotten transaction is rebroadcast or replaced by age).
      headOff ??= deps.chain.onHead(() => {
        if (store.all().some((r) => r.status === 'pending')) void this.poll().catch(() => undefined);
      });
      timer ??= setInterval(() => {
        if (store.all().some((r) => r.status === 'pending')) void this.poll().catch(() => undefined);
      }, deps.pollMs ?? 15_000);
      timer.unref();
    },
    async stop() {
      headOff?.();
      headOff = null;
      if (nudge) clearTimeout(nudge);
      nudge = null;
      if (timer) clearInterval(timer);
      timer = null;
      await polling?.catch(() => undefined);
    },
  };
  return queue;
}

export async function currentFees(port: ChainPort): Promise<{ maxFeePerGas: bigint; maxPriorityFeePerGas: bigint }> {
  const data = await port.feeData();
  if (data.maxFeePerGas !== null && data.maxPriorityFeePerGas !== null) {
    return { maxFeePerGas: data.maxFeePerGas, maxPriorityFeePerGas: data.maxPriorityFeePerGas };
  }
  // A pre-London chain: use the legacy price as both caps.
  const price = data.gasPrice ?? 1_000_000_000n;
  return { maxFeePerGas: price, maxPriorityFeePerGas: price };
}

/** The market's and the token's custom errors, so a revert reads "NotSubmitted(7)" rather than "unknown custom error". */
const knownErrors = new Interface(
  [...new Map(
    [...(MARKET_ABI as JsonFragment[]), ...(TOKEN_ABI as JsonFragment[])]
      .filter((fragment) => fragment.type === 'error')
      .map((fragment) => [`${fragment.name}(${(fragment.inputs ?? []).map((i) => i.type).join(',')})`, fragment] as const),
  ).values()],
);

export function shortReason(error: unknown): string {
  const e = error as { shortMessage?: string; reason?: string; message?: string; data?: string; info?: { error?: { data?: string } } };
  const data = typeof e.data === 'string' ? e.data : e.info?.error?.data;
  if (typeof data === 'string' && data.length >= 10) {
    try {
      const parsed = knownErrors.parseError(data);
      if (parsed) return `execution reverted: ${parsed.name}(${parsed.args.map(String).join(', ')})`;
    } catch {
      // not one of ours: fall through to the node's message
    }
  }
  return (e.reason ?? e.shortMessage ?? e.message ?? String(error)).split('\n')[0]!.slice(0, 200);
}

