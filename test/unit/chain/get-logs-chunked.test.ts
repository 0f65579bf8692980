import type { Filter, Log } from 'ethers';
import { describe, expect, it } from 'vitest';
import { getLogsChunked, isRangeLimitError, rangeCapOf } from '../../../electron/agent/chain/get-logs-chunked';

/**
 * A fake RPC with one log per block from 0 to `head`, which refuses a getLogs span larger
 * than `cap` with `wording(cap)` and answers 429 to every `rateLimitEvery`-th request.
 */
function fakeRpc(options: { head: number; cap: number; wording: (cap: number) => unknown; rateLimitEvery?: number }) {
  const asked: Array<{ from: number; to: number; refused: boolean }> = [];
  let requests = 0;
  return {
    asked,
    provider: {
      getLogs(filter: Filter): Promise<Log[]> {
        requests += 1;
        if (options.rateLimitEvery && requests % options.rateLimitEvery === 0) {
          return Promise.reject({ status: 429, message: 'Too Many Requests', headers: { 'retry-after': '0' } });
        }
        const from = Number(filter.fromBlock);
        const to = Number(filter.toBlock);
        const refused = to - from + 1 > options.cap;
        asked.push({ from, to, refused });
        if (refused) return Promise.reject(options.wording(options.cap));
        const logs = [];
        for (let block = from; block <= Math.min(to, options.head); block++) logs.push({ blockNumber: block } as Log);
        return Promise.resolve(logs);
      },
    },
  };
}

/** Error shapes real providers send for a block-range cap (ethers wraps the JSON-RPC error in info.error / error). */
const WORDINGS: Record<string, (cap: number) => unknown> = {
  'publicnode style': (cap) => ({ error: { code: -32600, message: `eth_getLogs range is too large, max is ${cap / 1000}k blocks` } }),
  'polygon / llamarpc style': (cap) => ({ info: { error: { code: -32000, message: `exceed maximum block range: ${cap}` } } }),
  'alchemy style': (cap) => ({ error: { code: -32600, message: `You can make eth_getLogs requests with up to a ${cap.toLocaleString('en-US')} block range.` } }),
  'quicknode style': (cap) => ({ error: { code: -32602, message: `eth_getLogs is limited to a ${cap.toLocaleString('en-US')} range` } }),
  'drpc style': (cap) => ({ error: { code: 35, message: `ranges over ${cap} blocks are not supported on freetier` } }),
  'blastapi style': (cap) => ({ error: { code: -32602, message: `Maximum allowed number of requested blocks is ${cap}` } }),
  'ankr style (no number)': () => ({ error: { code: -32062, message: 'block range is too wide' } }),
  'geth style -32005': (cap) => ({ error: { code: -32005, message: `query exceeds max block range ${cap}` } }),
};

describe('getLogsChunked against a 1,000-block cap', () => {
  for (const [name, wording] of Object.entries(WORDINGS)) {
    it(`finds every log, in contiguous chunks no larger than the cap (${name})`, async () => {
      const rpc = fakeRpc({ head: 12_345, cap: 1_000, wording });
      const chunks: Array<{ fromBlock: number; toBlock: number }> = [];
      const logs = await getLogsChunked(rpc.provider, { address: '0x0000000000000000000000000000000000000001' }, 0, 12_345, {
        onChunk: (c) => chunks.push(c),
      });
      expect(logs.map((l) => l.blockNumber)).toEqual(Array.from({ length: 12_346 }, (_, i) => i));
      expect(chunks[0]!.fromBlock).toBe(0);
      expect(chunks.at(-1)!.toBlock).toBe(12_345);
      for (let i = 1; i < chunks.length; i++) expect(chunks[i]!.fromBlock).toBe(chunks[i - 1]!.toBlock + 1);
      for (const chunk of chunks) expect(chunk.toBlock - chunk.fromBlock + 1).toBeLessThanOrEqual(1_000);
      // It adapts rather than hammering: few refusals over a 12k-block scan.
      expect(rpc.asked.filter((a) => a.refused).length).toBeLessThanOrEqual(name.includes('no number') ? 20 : 3);
    });
  }

  it('learns a named cap and does not keep growing past it', async () => {
    const rpc = fakeRpc({ head: 50_000, cap: 1_000, wording: WORDINGS['geth style -32005']! });
    await getLogsChunked(rpc.provider, {}, 0, 50_000);
    expect(rpc.asked.filter((a) => a.refused)).toHaveLength(1);
    expect(rpc.asked.filter((a) => !a.refused).every((a) => a.to - a.from + 1 === 1_000 || a.to === 50_000)).toBe(true);
  });

  it('rides out 429s in the middle of a scan', async () => {
    const rpc = fakeRpc({ head: 5_000, cap: 1_000, wording: WORDINGS['geth style -32005']!, rateLimitEvery: 3 });
    const logs = await getLogsChunked(rpc.provider, {}, 0, 5_000, { backoff: { baseMs: 1, sleep: () => Promise.resolve() } });
    expect(logs).toHaveLength(5_001);
  });

  it('without backoff, a 429 reaches the caller (the caller backs off itself)', async () => {
    const rpc = fakeRpc({ head: 5_000, cap: 1_000, wording: WORDINGS['geth style -32005']!, rateLimitEvery: 2 });
    await expect(getLogsChunked(rpc.provider, {}, 0, 5_000, { backoff: false })).rejects.toMatchObject({ status: 429 });
  });

  it('fails clearly when even one block is refused', async () => {
    const rpc = fakeRpc({ head: 10, cap: 0, wording: () => ({ error: { code: -32005, message: 'block range is too wide' } }) });
    await expect(getLogsChunked(rpc.provider, {}, 0, 3)).rejects.toThrow(/single block 0/);
  });
});

describe('range-cap wording', () => {
  it('reads the cap a message names', () => {
    expect(rangeCapOf({ error: { message: 'eth_getLogs range is too large, max is 1k blocks' } })).toBe(1_000);
    expect(rangeCapOf({ error: { message: 'exceed maximum block range: 1000' } })).toBe(1_000);
    expect(rangeCapOf({ error: { message: 'You can make eth_getLogs requests with up to a 2K block range' } })).toBe(2_000);
    expect(rangeCapOf({ error: { message: 'eth_getLogs is limited to a 10,000 range' } })).toBe(10_000);
    expect(rangeCapOf({ error: { message: 'Maximum allowed number of requested blocks is 500' } })).toBe(500);
    expect(rangeCapOf({ error: { message: 'query returned more than 10000 results' } })).toBeNull();
    expect(rangeCapOf({ error: { message: 'block range is too wide' } })).toBeNull();
  });

  it('tells a range cap from a rate limit that shares code -32005', () => {
    expect(isRangeLimitError({ error: { code: -32005, message: 'query exceeds max block range 1000' } })).toBe(true);
    expect(isRangeLimitError({ error: { code: -32005, message: 'limit exceeded' } })).toBe(false);
    expect(isRangeLimitError({ error: { code: -32005, message: 'rate limit exceeded' } })).toBe(false);
    expect(isRangeLimitError(new Error('connect ECONNREFUSED 127.0.0.1:8545'))).toBe(false);
  });
});
