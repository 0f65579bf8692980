/**
 * An in-memory chain behind the chain port (electron/agent/chain/chain-port.ts), for unit
 * tests that must start no node: blocks with logs, a head stream, reorgs, and failures on
 * demand. Contract calls are answered by a handler the test gives; sent transactions are
 * recorded; receipts are whatever the test sets.
 */
import { getBytes, hexlify, keccak256, toUtf8Bytes } from 'ethers';
import type { ChainConnection, ChainHub, ChainStatus } from '../../electron/agent/chain/chain-hub';
import type { CallRequest, ChainBlock, ChainLog, ChainPort, ChainReceipt, FeeData, LogFilter } from '../../electron/agent/chain/chain-port';

export interface FakeLog {
  address: string;
  topics: string[];
  data: string;
  transactionHash?: string;
}

interface FakeBlock extends ChainBlock {
  logs: ChainLog[];
  /** Computed once (a block's logs never change): a node stores it too, and benches read blocks often. */
  bloom?: string;
}

type Method = keyof ChainPort;

export interface FakeChain extends ChainPort {
  /** Mines one block holding these logs; returns it. */
  mine(logs?: FakeLog[], options?: { timestamp?: number }): ChainBlock;
  /** Mines `count` empty blocks. */
  mineEmpty(count: number): void;
  /** Drops the newest `depth` blocks and mines these instead (other hashes, same heights). */
  reorg(depth: number, replacement?: FakeLog[][]): void;
  /** Every call of this method fails with the error until cleared (null). */
  fail(method: Method, error: Error | null): void;
  /** How many times each port method was called. */
  calls: Partial<Record<Method, number>>;
  /** Answers eth_call. */
  onCall(handler: (request: CallRequest) => string): void;
  setReceipt(hash: string, receipt: ChainReceipt | null): void;
  sent: string[];
  blocks(): readonly ChainBlock[];
  /** The current head stream listeners (tests check nobody polls on their own). */
  listeners(): number;
}

const hashOf = (text: string) => keccak256(toUtf8Bytes(text));

/** A block's logs bloom as a node computes it: three bits for each address and topic. */
export function bloomOf(logs: readonly { address: string; topics: readonly string[] }[]): string {
  const bits = new Uint8Array(256);
  for (const log of logs) {
    for (const value of [log.address, ...log.topics]) {
      const hash = getBytes(keccak256(value));
      for (let i = 0; i < 6; i += 2) {
        const bit = ((hash[i]! << 8) | hash[i + 1]!) & 2047;
        bits[255 - Math.floor(bit / 8)]! |= 1 << (bit % 8);
      }
    }
  }
  return hexlify(bits);
}

export function createFakeChain(options: { chainId?: number; startTime?: number } = {}): FakeChain {
  const chainId = options.chainId ?? 31337;
  let salt = 0;
  const blocks: FakeBlock[] = [{ number: 0, hash: hashOf('genesis'), timestamp: options.startTime ?? 1_700_000_000, logs: [] }];
  const headListeners = new Set<(head: ChainBlock) => void>();
  const failures = new Map<Method, Error>();
  const calls: Partial<Record<Method, number>> = {};
  const receipts = new Map<string, ChainReceipt | null>();
  const sent: string[] = [];
  let callHandler: (request: CallRequest) => string = () => {
    throw new Error('the fake chain has no contract call handler');
  };
  let lastPublished: ChainBlock | null = null;

  const top = () => blocks[blocks.length - 1]!;
  const plain = (b: FakeBlock): ChainBlock => ({
    number: b.number,
    hash: b.hash,
    timestamp: b.timestamp,
    parentHash: blocks[b.number - 1]?.hash ?? `0x${'00'.repeat(32)}`,
    logsBloom: (b.bloom ??= bloomOf(b.logs)),
  });
  const enter = (method: Method) => {
    calls[method] = (calls[method] ?? 0) + 1;
    const failure = failures.get(method);
    if (failure) throw failure;
  };
  const publish = () => {
    const head = plain(top());
    if (lastPublished && lastPublished.number === head.number && lastPublished.hash === head.hash) return;
    lastPublished = head;
    for (const listener of [...headListeners]) listener(head);
  };

  const addBlock = (logs: FakeLog[], timestamp?: number): FakeBlock => {
    const parent = top();
    const number = parent.number + 1;
    const hash = hashOf(`block ${number} ${++salt}`);
    const block: FakeBlock = { number, hash, timestamp: timestamp ?? parent.timestamp + 1, logs: [] };
    block.logs = logs.map((log, index) => ({
      address: log.address,
      blockNumber: number,
      blockHash: hash,
      transactionHash: log.transactionHash ?? hashOf(`tx ${number} ${index} ${salt}`),
      index,
      topics: [...log.topics],
      data: log.data,
      removed: false,
    }));
    blocks.push(block);
    return block;
  };

  const topicMatches = (wanted: string | string[] | null | undefined, actual: string | undefined) => {
    if (wanted === null || wanted === undefined) return true;
    if (actual === undefined) return false;
    const list = Array.isArray(wanted) ? wanted : [wanted];
    return list.some((t) => t.toLowerCase() === actual.toLowerCase());
  };

  const chain: FakeChain = {
    calls,
    sent,
    mine(logs = [], opts = {}) {
      const block = addBlock(logs, opts.timestamp);
      queueMicrotask(publish);
      return plain(block);
    },
    mineEmpty(count) {
      for (let i = 0; i < count; i++) addBlock([]);
      queueMicrotask(publish);
    },
    reorg(depth, replacement = []) {
      blocks.splice(blocks.length - depth, depth);
      const count = Math.max(depth, replacement.length);
      for (let i = 0; i < count; i++) addBlock(replacement[i] ?? []);
      queueMicrotask(publish);
    },
    fail(method, error) {
      if (error) failures.set(method, error);
      else failures.delete(method);
    },
    onCall(handler) {
      callHandler = handler;
    },
    setReceipt(hash, receipt) {
      receipts.set(hash, receipt);
    },
    blocks: () => blocks.map(plain),
    listeners: () => headListeners.size,

    head: () => (headListeners.size > 0 ? lastPublished : null),
    onHead(listener) {
      headListeners.add(listener);
      return () => headListeners.delete(listener);
    },
    async latestBlock() {
      enter('latestBlock');
      const head = plain(top());
      publish();
      return head;
    },
    async block(number) {
      enter('block');
      const b = blocks[number];
      return b ? plain(b) : null;
    },
    async getLogs(filter: LogFilter, fromBlock: number, toBlock: number) {
      enter('getLogs');
      const out: ChainLog[] = [];
      for (const b of blocks.slice(fromBlock, toBlock + 1)) {
        for (const log of b.logs) {
          if (log.address.toLowerCase() !== filter.address.toLowerCase()) continue;
          if (!filter.topics.every((t, i) => topicMatches(t, log.topics[i]))) continue;
          out.push({ ...log, topics: [...log.topics] });
        }
      }
      return out;
    },
    async call(request) {
      enter('call');
      return callHandler(request);
    },
    async balance() {
      enter('balance');
      return 10n ** 18n;
    },
    async code() {
      enter('code');
      return '0x60';
    },
    async nonce(address) {
      enter('nonce');
      return sent.length + (address ? 0 : 0);
    },
    async estimateGas() {
      enter('estimateGas');
      return 100_000n;
    },
    async feeData(): Promise<FeeData> {
      enter('feeData');
      return { maxFeePerGas: 2_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n, gasPrice: 1_000_000_000n };
    },
    async chainId() {
      enter('chainId');
      return chainId;
    },
    async sendRawTransaction(raw) {
      enter('sendRawTransaction');
      sent.push(raw);
      return keccak256(raw);
    },
    async receipt(hash) {
      enter('receipt');
      return receipts.get(hash) ?? null;
    },
    async hasTransaction(hash) {
      enter('hasTransaction');
      return receipts.has(hash) || sent.some((raw) => keccak256(raw) === hash);
    },
    destroy() {
      headListeners.clear();
    },
  };
  return chain;
}

/** A ChainHub that is online on one connection (the fake chain's, usually), or disabled with none. */
export function fakeChainHub(connection: ChainConnection | null): ChainHub {
  const status: ChainStatus = connection
    ? { state: 'online', network: connection.network, headBlock: 0, checkedAt: new Date().toISOString() }
    : { state: 'disabled', message: 'no chain in this test' };
  return {
    status: () => status,
    onStatus: () => () => undefined,
    onHead: (listener) => connection?.port.onHead(listener) ?? (() => undefined),
    connection: () => connection,
    whenOnline: () => (connection ? Promise.resolve(connection) : new Promise(() => undefined)),
    reportFailure: () => undefined,
    start: async () => undefined,
    stop: async () => undefined,
  };
}

/** The network of a fake chain with the market at `market` (deployed in block 1). */
export function fakeConnection(chain: FakeChain, market: string, genesisHash = chain.blocks()[0]!.hash): ChainConnection {
  return {
    network: {
      label: 'fake chain',
      isDevnet: true,
      chainId: 31337,
      rpcUrl: 'http://fake.invalid',
      marketAddress: market,
      tokenAddress: '0x0000000000000000000000000000000000000001',
      token: { symbol: 'tUSD', decimals: 6 },
      deploymentBlock: 1,
      genesisHash,
    },
    port: chain,
  };
}
