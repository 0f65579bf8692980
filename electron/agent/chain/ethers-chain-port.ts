/**
 * The real chain port over ethers' JsonRpcProvider (created by the chain hub with a static
 * network, short timeouts and a tiny cache). Logs go through getLogsChunked, so one scan
 * adapts to the RPC's block-range caps. The head stream is one timer per connection that
 * reads the latest block while anybody listens, and only reports a head that changed.
 *
 * Every request goes through withRpcBackoff (rpc-backoff.ts): a rate limit (HTTP 429,
 * -32005, "rate limit") is waited out with jittered exponential backoff honouring
 * Retry-After, up to a bound. getLogs is the exception only in where: getLogsChunked wraps
 * each chunk itself (its `backoff` option), so the whole scan is not retried on top. The
 * provider must not retry 429 itself (rpc-provider.ts switches ethers' retry off), or the
 * two would multiply and ethers would read Retry-After as milliseconds.
 */
import type { JsonRpcProvider, Log } from 'ethers';
import type { CallRequest, ChainBlock, ChainLog, ChainPort, ChainReceipt, FeeData, LogFilter } from './chain-port';
import { getLogsChunked } from './get-logs-chunked';
import { type RpcBackoffOptions, rpcBackoff } from './rpc-backoff';

export interface EthersChainPortOptions {
  /** How often the head stream asks for the latest block (default 1 s). */
  headPollMs?: number;
  /** Told when a head read fails (the hub checks the RPC then). */
  onHeadError?: (error: unknown) => void;
  /** Rate-limit backoff of every request (tests: a fake sleep); defaults of rpc-backoff.ts. */
  backoff?: RpcBackoffOptions;
}

interface RawBlock {
  number: string;
  hash: string;
  parentHash: string;
  timestamp: string;
  logsBloom?: string;
}

const toBlock = (raw: RawBlock): ChainBlock => ({ number: Number(raw.number), hash: raw.hash, timestamp: Number(raw.timestamp), parentHash: raw.parentHash, logsBloom: raw.logsBloom });

export const logFromEthers = (log: Log): ChainLog => ({
  address: log.address,
  blockNumber: log.blockNumber,
  blockHash: log.blockHash,
  transactionHash: log.transactionHash,
  index: log.index,
  topics: [...log.topics],
  data: log.data,
  removed: log.removed,
});

export function createEthersChainPort(provider: JsonRpcProvider, options: EthersChainPortOptions = {}): ChainPort {
  const headPollMs = options.headPollMs ?? 1000;
  const listeners = new Set<(head: ChainBlock) => void>();
  let head: ChainBlock | null = null;
  let timer: NodeJS.Timeout | null = null;
  let reading = false;
  let destroyed = false;
  const limited = rpcBackoff(options.backoff);
  const backoff = options.backoff ?? {};

  const publish = (block: ChainBlock) => {
    const changed = !head || head.number !== block.number || head.hash !== block.hash;
    if (!head || block.number >= head.number || changed) head = block;
    if (!changed) return;
    for (const listener of [...listeners]) {
      try {
        listener(block);
      } catch {
        // A listener's failure is its own; the stream goes on.
      }
    }
  };

  const latestBlock = async (): Promise<ChainBlock> => {
    const raw = (await limited(() => provider.send('eth_getBlockByNumber', ['latest', false]), 'eth_getBlockByNumber latest')) as RawBlock | null;
    if (!raw) throw new Error('the RPC has no latest block');
    const block = toBlock(raw);
    publish(block);
    return block;
  };

  const pollHead = async () => {
    if (reading || destroyed) return;
    reading = true;
    try {
      await latestBlock();
    } catch (error) {
      options.onHeadError?.(error);
    } finally {
      reading = false;
    }
  };

  const startStream = () => {
    if (timer || destroyed) return;
    timer = setInterval(() => void pollHead(), headPollMs);
    timer.unref?.();
    void pollHead();
  };
  const stopStream = () => {
    if (timer) clearInterval(timer);
    timer = null;
  };

  return {
    head: () => (timer ? head : null),
    onHead(listener) {
      listeners.add(listener);
      startStream();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) stopStream();
      };
    },
    latestBlock,
    async block(number) {
      const raw = (await limited(() => provider.send('eth_getBlockByNumber', [`0x${number.toString(16)}`, false]), `eth_getBlockByNumber ${number}`)) as RawBlock | null;
      return raw ? toBlock(raw) : null;
    },
    async getLogs(filter: LogFilter, fromBlock: number, toBlock: number) {
      // Backoff per chunk inside getLogsChunked; not around the whole scan as well.
      return (await getLogsChunked(provider, filter, fromBlock, toBlock, { backoff })).map(logFromEthers);
    },
    call: (request: CallRequest) => limited(() => provider.call({ to: request.to, data: request.data, from: request.from, value: request.value }), 'eth_call'),
    balance: (address) => limited(() => provider.getBalance(address), 'eth_getBalance'),
    code: (address, blockNumber) => limited(() => provider.getCode(address, blockNumber), 'eth_getCode'),
    nonce: (address, tag) => limited(() => provider.getTransactionCount(address, tag), 'eth_getTransactionCount'),
    estimateGas: (request) => limited(() => provider.estimateGas({ to: request.to, data: request.data, from: request.from, value: request.value }), 'eth_estimateGas'),
    async feeData(): Promise<FeeData> {
      const data = await limited(() => provider.getFeeData(), 'fee data');
      return { maxFeePerGas: data.maxFeePerGas, maxPriorityFeePerGas: data.maxPriorityFeePerGas, gasPrice: data.gasPrice };
    },
    chainId: async () => Number(BigInt((await limited(() => provider.send('eth_chainId', []), 'eth_chainId')) as string)),
    async sendRawTransaction(raw) {
      // eth_sendRawTransaction alone: a refused request (429, -32005) was not taken, so sending
      // the same bytes again is safe. Not ethers' broadcastTransaction: it also reads the block
      // number, and a rate limit on that read after an accepted send would send it twice.
      return String(await limited(() => provider.send('eth_sendRawTransaction', [raw]), 'eth_sendRawTransaction'));
    },
    async receipt(hash): Promise<ChainReceipt | null> {
      const r = await limited(() => provider.getTransactionReceipt(hash), 'eth_getTransactionReceipt');
      if (!r) return null;
      return { from: r.from, status: r.status ?? 0, blockNumber: r.blockNumber, gasUsed: r.gasUsed, effectiveGasPrice: r.gasPrice };
    },
    hasTransaction: async (hash) => (await limited(() => provider.getTransaction(hash), 'eth_getTransactionByHash')) !== null,
    destroy() {
      destroyed = true;
      stopStream();
      listeners.clear();
      provider.destroy();
    },
  };
}
