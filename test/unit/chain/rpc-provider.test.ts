/**
 * The provider rpc-provider.ts makes decodes answers natively: ethers' FetchResponse.bodyJson
 * (a JavaScript UTF-8 decoder building an array per code point, ~150 MB of garbage for one
 * flood-sized eth_getLogs answer) is never used, and what comes back is the same.
 */
import { FetchResponse, type FetchRequest } from 'ethers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRpcProvider, decodeRpcBody } from '../../../electron/agent/chain/rpc-provider';

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

/** A fake HTTP transport answering each JSON-RPC call with `result(call)`. */
const transport = (result: (method: string) => unknown) => (request: FetchRequest) => {
  const payload = JSON.parse(Buffer.from(request.body ?? new Uint8Array()).toString('utf8')) as { id: number; method: string } | { id: number; method: string }[];
  const calls = Array.isArray(payload) ? payload : [payload];
  const answers = calls.map((c) => ({ jsonrpc: '2.0', id: c.id, result: result(c.method) }));
  return Promise.resolve({ statusCode: 200, statusMessage: 'OK', headers: { 'content-type': 'application/json' }, body: encode(Array.isArray(payload) ? answers : answers[0]) });
};

afterEach(() => vi.restoreAllMocks());

describe('the RPC provider', () => {
  it('decodes a large eth_getLogs answer natively, never through ethers\' bodyJson, with text intact', async () => {
    const bodyJson = vi.spyOn(FetchResponse.prototype, 'bodyJson', 'get');
    const bodyText = vi.spyOn(FetchResponse.prototype, 'bodyText', 'get');
    const data = `0x${'ab'.repeat(4_000)}`;
    const logs = Array.from({ length: 500 }, (_, i) => ({
      address: '0x000000000000000000000000000000000000dead', blockNumber: '0x1', blockHash: `0x${'11'.repeat(32)}`, transactionHash: `0x${i.toString(16).padStart(64, '0')}`,
      transactionIndex: '0x0', logIndex: `0x${i.toString(16)}`, topics: [`0x${'22'.repeat(32)}`], data, removed: false,
    }));
    const provider = createRpcProvider('http://rpc.invalid', 31337, { getUrl: transport((method) => (method === 'eth_getLogs' ? logs : 'ünïcødé ✓ 𝄞')) });
    try {
      const found = await provider.getLogs({ address: '0x000000000000000000000000000000000000dEaD', fromBlock: 1, toBlock: 1 });
      expect(found).toHaveLength(500);
      expect(found[499]!.data).toBe(data);
      await expect(provider.send('web3_clientVersion', [])).resolves.toBe('ünïcødé ✓ 𝄞');
      expect(bodyJson).not.toHaveBeenCalled();
      expect(bodyText).not.toHaveBeenCalled();
    } finally {
      provider.destroy();
    }
  });

  it('says plainly when an answer is not UTF-8 or not JSON', () => {
    expect(() => decodeRpcBody(new Uint8Array([0x7b, 0xff, 0x7d]))).toThrow('not UTF-8');
    expect(() => decodeRpcBody(new TextEncoder().encode('<html>bad gateway</html>'))).toThrow(/not JSON: <html>bad gateway/);
    expect(decodeRpcBody(encode({ a: 1 }))).toEqual({ a: 1 });
  });
});
