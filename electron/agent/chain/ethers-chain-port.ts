/**
 * The real chain port over ethers' JsonRpcProvider (created by the chain hub with a static
 * network, short timeouts and a tiny cache). Logs go through getLogsChunked, so one scan
 * adapts to the RPC's block-range caps. The head stream (head-stream.ts) is one per
 * connection, running while anybody listens: newHeads over WebSocket where the endpoint
 * offers it (options.wsUrl), else one read of the latest block every headPollMs; it only
 * reports a head that changed.
 *
 * Every request goes through withRpcBackoff (rpc-backoff.ts): a rate limit (HTTP 429,
 * -32005, "rate limit") is waited out with jittered exponential backoff honouring
 * Retry-After, up to a bound. getLogs is the exception only in where: getLogsChunked wraps
 * each chunk itself (its `backoff` option), so the whole scan is not retried on top. The
 * provider must not retry 429 itself (rpc-provider.ts switches ethers' retry off), or the
 * two would multiply and ethers would read Retry-After as milliseconds.
 */
import type { JsonRpcProvider } from 'ethers';
import type { CallRequest, ChainBlock, ChainPort, ChainReceipt, FeeData, LogFilter } from './chain-port';
import { getLogsChunked } from './get-logs-chunked';
import { rawLogsOf } from './raw-logs';
import { blockFromRpc, createHeadStream, type HeadVia } from './head-stream';
import { type RpcBackoffOptions, rpcBackoff } from './rpc-backoff';

export interface EthersChainPortOptions {
  /** How often the head stream asks for the latest block (default 1 s). */
  headPollMs?: number;
  /** Told when a head read fails (the hub checks the RPC then). */
  onHeadError?: (error: unknown) => void;
  /** Rate-limit backoff of every request (tests: a fake sleep); defaults of rpc-backoff.ts. */
  backoff?: RpcBackoffOptions;
  /** Where to ask for newHeads over WebSocket (head-stream.ts webSocketUrlOf); none: poll. */
  wsUrl?: string | null;
  /** Told when the head stream switches between newHeads and polling. */
  onHeadVia?: (via: HeadVia, reason: string) => void;
}

type RawBlock = Parameters<typeof blockFromRpc>[0];

export function createEthersChainPort(provider: JsonRpcProvider, options: EthersChainPortOptions = {}): ChainPort {
  const limited = rpcBackoff(options.backoff);
  const backoff = options.backoff ?? {};

  const readLatest = async (): Promise<ChainBlock> => {
    const raw = (await limited(() => provider.send('eth_getBlockByNumber', ['latest', false]), 'eth_getBlockByNumber latest')) as RawBlock | null;
    if (!raw) throw new Error('the RPC has no latest block');
    return blockFromRpc(raw);
  };
  const stream = createHeadStream({
    read: readLatest,
    wsUrl: options.wsUrl,
    pollMs: options.headPollMs ?? 1000,
    onError: options.onHeadError,
    onVia: options.onHeadVia,
  });

  const latestBlock = async (): Promise<ChainBlock> => {
    const block = await readLatest();
    stream.publish(block);
    return block;
  };

  return {
    head: stream.head,
    onHead: stream.onHead,
    headVia: stream.via,
    latestBlock,
    async block(number) {
      const raw = (await limited(() => provider.send('eth_getBlockByNumber', [`0x${number.toString(16)}`, false]), `eth_getBlockByNumber ${number}`)) as RawBlock | null;
      return raw ? blockFromRpc(raw) : null;
    },
    async getLogs(filter: LogFilter, fromBlock: number, toBlock: number) {
      // Backoff per chunk inside getLogsChunked; not around the whole scan as well. The answer
      // is read as ChainLogs directly, not through ethers' Log (raw-logs.ts).
      return getLogsChunked(rawLogsOf(provider), filter, fromBlock, toBlock, { backoff });
    },
    call: (request: CallRequest) => limited(() => provider.call({ to: request.to, data: request.data, from: request.from, value: request.value }), 'eth_call'),
    balance: (address) => limited(() => provider.getBalance(address), 'eth_getBalance'),
    code: (address, blockNumber) => limited(() => provider.getCode(address, blockNumber), 'eth_getCode'),
    // Straight to the node, past ethers' request cache: two sends within the cache time would
    // otherwise both be given the same nonce once the first was mined.
    nonce: async (address, tag) => Number(BigInt((await limited(() => provider.send('eth_getTransactionCount', [address, tag]), 'eth_getTransactionCount')) as string)),
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
      stream.destroy();
      provider.destroy();
    },
  };
}
