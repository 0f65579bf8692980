/**
 * The chain port reads eth_getLogs answers as ChainLogs itself (raw-logs.ts), not through
 * ethers' Log: same values as ethers gave (checksummed address, numbers), ethers' getLogs
 * never called, and nothing malformed passes.
 */
import { type FetchRequest, JsonRpcProvider } from 'ethers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEthersChainPort } from '../../../electron/agent/chain/ethers-chain-port';
import { logFromRpc } from '../../../electron/agent/chain/raw-logs';
import { createRpcProvider } from '../../../electron/agent/chain/rpc-provider';

const rawLog = (i: number, over: Record<string, unknown> = {}) => ({
  address: '0x5fbdb2315678afecb367f032d93f642f64180aa3',
  blockNumber: '0x1f',
  blockHash: `0x${'11'.repeat(32)}`,
  transactionHash: `0x${i.toString(16).padStart(64, '0')}`,
  transactionIndex: '0x0',
  logIndex: `0x${i.toString(16)}`,
  topics: [`0x${'22'.repeat(32)}`, `0x${'00'.repeat(31)}07`],
  data: `0x${'ab'.repeat(100)}`,
  removed: false,
  ...over,
});

/** A fake HTTP transport: eth_getLogs answers `logs`, and the filters asked are kept. */
const transport = (logs: unknown) => {
  const asked: unknown[] = [];
  const getUrl = (request: FetchRequest) => {
    const payload = JSON.parse(Buffer.from(request.body ?? new Uint8Array()).toString('utf8')) as { id: number; method: string; params: unknown[] } | { id: number; method: string; params: unknown[] }[];
    const calls = Array.isArray(payload) ? payload : [payload];
    const answers = calls.map((c) => {
      if (c.method === 'eth_getLogs') asked.push(c.params[0]);
      return { jsonrpc: '2.0', id: c.id, result: c.method === 'eth_getLogs' ? logs : null };
    });
    const body = new TextEncoder().encode(JSON.stringify(Array.isArray(payload) ? answers : answers[0]));
    return Promise.resolve({ statusCode: 200, statusMessage: 'OK', headers: { 'content-type': 'application/json' }, body });
  };
  return { getUrl, asked };
};

afterEach(() => vi.restoreAllMocks());

describe('eth_getLogs read as ChainLogs', () => {
  it('gives what ethers gave, without ethers\' getLogs, asking with hex block numbers', async () => {
    const logs = [rawLog(0), rawLog(1, { removed: true })];
    const { getUrl, asked } = transport(logs);
    const provider = createRpcProvider('http://rpc.invalid', 31337, { getUrl });
    const ethersGetLogs = vi.spyOn(JsonRpcProvider.prototype, 'getLogs');
    const port = createEthersChainPort(provider);
    try {
      const found = await port.getLogs({ address: '0x5FbDB2315678afecb367f032d93F642f64180aa3', topics: [[`0x${'22'.repeat(32)}`]] }, 30, 31);
      expect(ethersGetLogs).not.toHaveBeenCalled();
      expect(asked).toEqual([{ address: '0x5FbDB2315678afecb367f032d93F642f64180aa3', topics: [[`0x${'22'.repeat(32)}`]], fromBlock: '0x1e', toBlock: '0x1f' }]);
      expect(found).toEqual([
        { address: '0x5FbDB2315678afecb367f032d93F642f64180aa3', blockNumber: 31, blockHash: logs[0]!.blockHash, transactionHash: logs[0]!.transactionHash, index: 0, topics: logs[0]!.topics, data: logs[0]!.data, removed: false },
        { address: '0x5FbDB2315678afecb367f032d93F642f64180aa3', blockNumber: 31, blockHash: logs[1]!.blockHash, transactionHash: logs[1]!.transactionHash, index: 1, topics: logs[1]!.topics, data: logs[1]!.data, removed: true },
      ]);
      // ethers' own reading of the same answer agrees (but for its Log class).
      ethersGetLogs.mockRestore();
      const viaEthers = await provider.getLogs({ address: '0x5FbDB2315678afecb367f032d93F642f64180aa3', fromBlock: 30, toBlock: 31 });
      expect(viaEthers.map((l) => ({ address: l.address, blockNumber: l.blockNumber, index: l.index, topics: [...l.topics], data: l.data, removed: l.removed }))).toEqual(
        found.map((l) => ({ address: l.address, blockNumber: l.blockNumber, index: l.index, topics: l.topics, data: l.data, removed: l.removed })),
      );
    } finally {
      port.destroy();
    }
  });

  it('refuses a malformed log or answer with a clear error', async () => {
    expect(() => logFromRpc(rawLog(0, { address: '0x1234' }))).toThrow(/address is not an address/);
    expect(() => logFromRpc(rawLog(0, { data: '0xabc' }))).toThrow(/data is malformed/);
    expect(() => logFromRpc(rawLog(0, { data: `0x${'zz'.repeat(10)}` }))).toThrow(/data is malformed/);
    expect(() => logFromRpc(rawLog(0, { topics: ['0x12'] }))).toThrow(/topic is malformed/);
    expect(() => logFromRpc(rawLog(0, { topics: undefined }))).toThrow(/without topics/);
    expect(() => logFromRpc(rawLog(0, { blockNumber: 31 }))).toThrow(/block number is malformed/);
    expect(() => logFromRpc(rawLog(0, { blockHash: '0x11' }))).toThrow(/block hash is malformed/);
    expect(() => logFromRpc(null)).toThrow(/not an object/);
    const port = createEthersChainPort(createRpcProvider('http://rpc.invalid', 31337, { getUrl: transport({ not: 'a list' }).getUrl }));
    try {
      await expect(port.getLogs({ address: '0x5FbDB2315678afecb367f032d93F642f64180aa3', topics: [] }, 1, 1)).rejects.toThrow(/not a list of logs/);
    } finally {
      port.destroy();
    }
  });
});
