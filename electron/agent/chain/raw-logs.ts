/**
 * eth_getLogs answered as the chain port's plain ChainLog objects, read straight from the
 * JSON-RPC answer instead of through ethers' Log (formatLog checks every field through
 * ethers' generic formatters and wraps each log in a class: ~0.3 ms per 4 KB flood post on
 * this VM, more than decoding the post itself; docs/benchmarks.md, issue 11 "Fourth round").
 *
 * Nothing the RPC answers is trusted: each log is checked here for shape (addresses,
 * hashes, topics, hex data, block number and index as quantities), and an answer that is
 * not a list of such logs is an error, as ethers would make one.
 */
import { type Filter, getAddress, type JsonRpcProvider } from 'ethers';
import type { ChainLog } from './chain-port';

const HASH = /^0x[0-9a-fA-F]{64}$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const HEX = /^0x(?:[0-9a-fA-F]{2})*$/;
const QUANTITY = /^0x[0-9a-fA-F]{1,13}$/;

/** Checksummed addresses by the node's spelling: one answer repeats one market address. */
const checksummed = new Map<string, string>();
const addressOf = (value: unknown): string => {
  if (typeof value !== 'string' || !ADDRESS.test(value)) throw new Error(`the RPC answered eth_getLogs with a log whose address is not an address: ${String(value).slice(0, 60)}`);
  let out = checksummed.get(value);
  if (out === undefined) {
    out = getAddress(value);
    if (checksummed.size > 1_000) checksummed.clear();
    checksummed.set(value, out);
  }
  return out;
};

const field = (value: unknown, pattern: RegExp, name: string): string => {
  if (typeof value !== 'string' || !pattern.test(value)) throw new Error(`the RPC answered eth_getLogs with a log whose ${name} is malformed: ${String(value).slice(0, 80)}`);
  return value;
};

const quantity = (value: unknown, name: string): number => Number.parseInt(field(value, QUANTITY, name).slice(2), 16);

/** One log of an eth_getLogs answer, checked; throws on anything malformed. */
export function logFromRpc(raw: unknown): ChainLog {
  if (typeof raw !== 'object' || raw === null) throw new Error('the RPC answered eth_getLogs with a log that is not an object');
  const log = raw as Record<string, unknown>;
  if (!Array.isArray(log.topics)) throw new Error('the RPC answered eth_getLogs with a log without topics');
  return {
    address: addressOf(log.address),
    blockNumber: quantity(log.blockNumber, 'block number'),
    blockHash: field(log.blockHash, HASH, 'block hash'),
    transactionHash: field(log.transactionHash, HASH, 'transaction hash'),
    index: quantity(log.logIndex, 'index'),
    topics: log.topics.map((t) => field(t, HASH, 'topic')),
    data: field(log.data, HEX, 'data'),
    removed: log.removed === true,
  };
}

const blockTag = (value: Filter['fromBlock']) => (typeof value === 'number' || typeof value === 'bigint' ? `0x${value.toString(16)}` : value);

/** A getLogs for getLogsChunked that sends eth_getLogs itself and reads the answer as ChainLogs. */
export function rawLogsOf(provider: Pick<JsonRpcProvider, 'send'>) {
  return {
    async getLogs(filter: Filter): Promise<ChainLog[]> {
      const answer: unknown = await provider.send('eth_getLogs', [{ ...filter, fromBlock: blockTag(filter.fromBlock), toBlock: blockTag(filter.toBlock) }]);
      if (!Array.isArray(answer)) throw new Error('the RPC answered eth_getLogs with something that is not a list of logs');
      return answer.map(logFromRpc);
    },
  };
}
