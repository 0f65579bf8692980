/**
 * The real chain port (ethers-chain-port.ts) over the provider rpc-provider.ts makes, with a
 * fake HTTP transport in place of the network: rate limits are waited out by our backoff
 * (Retry-After read as seconds, jitter otherwise, bounded), never by ethers' own 429 retry,
 * and getLogs is not retried twice over (per chunk only).
 */
import type { FetchRequest } from 'ethers';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChainPort } from '../../../electron/agent/chain/chain-port';
import { createEthersChainPort } from '../../../electron/agent/chain/ethers-chain-port';
import { type RpcBackoffOptions, RpcRateLimitedError } from '../../../electron/agent/chain/rpc-backoff';
import { createRpcProvider } from '../../../electron/agent/chain/rpc-provider';

interface RpcCall {
  id: number;
  method: string;
  params: unknown[];
}

type Answer = { status: 429; retryAfter?: string } | { error: { code: number; message: string } } | { result: unknown };

/** A JSON-RPC endpoint as a function: `answer` decides per call; every HTTP request and call is counted. */
function fakeTransport(answer: (call: RpcCall, nth: number) => Answer) {
  const seen: string[] = [];
  let httpRequests = 0;
  const perMethod = new Map<string, number>();
  const getUrl = (request: FetchRequest) => {
    httpRequests += 1;
    const payload = JSON.parse(Buffer.from(request.body ?? new Uint8Array()).toString('utf8')) as RpcCall | RpcCall[];
    const calls = Array.isArray(payload) ? payload : [payload];
    const answers = calls.map((call) => {
      const nth = (perMethod.get(call.method) ?? 0) + 1;
      perMethod.set(call.method, nth);
      seen.push(call.method);
      return { call, answer: answer(call, nth) };
    });
    const limited = answers.find((a) => 'status' in a.answer);
    const json = (body: unknown, statusCode = 200, headers: Record<string, string> = {}) =>
      Promise.resolve({ statusCode, statusMessage: statusCode === 429 ? 'Too Many Requests' : 'OK', headers: { 'content-type': 'application/json', ...headers }, body: new TextEncoder().encode(JSON.stringify(body)) });
    if (limited && 'status' in limited.answer) {
      const headers: Record<string, string> = limited.answer.retryAfter ? { 'retry-after': limited.answer.retryAfter } : {};
      return json({ jsonrpc: '2.0', id: null, error: { code: -32005, message: 'rate limit exceeded: too many requests' } }, 429, headers);
    }
    const bodies = answers.map(({ call, answer: a }) => ({ jsonrpc: '2.0', id: call.id, ...(a as object) }));
    return json(Array.isArray(payload) ? bodies : bodies[0]);
  };
  return { getUrl, seen, httpRequests: () => httpRequests, calls: (method: string) => perMethod.get(method) ?? 0 };
}

function fakeSleep() {
  const waits: number[] = [];
  return { waits, sleep: (ms: number) => (waits.push(ms), Promise.resolve()) };
}

let port: ChainPort | null = null;
afterEach(() => {
  port?.destroy();
  port = null;
});

function portOver(transport: ReturnType<typeof fakeTransport>, backoff: RpcBackoffOptions) {
  const provider = createRpcProvider('http://rpc.invalid', 31337, { getUrl: transport.getUrl, timeoutMs: 5_000 });
  port = createEthersChainPort(provider, { backoff });
  return port;
}

describe('the ethers chain port under rate limits', () => {
  it('waits exactly what Retry-After asks, in seconds, and ethers does not retry the 429 itself', async () => {
    const transport = fakeTransport((call, nth) => (nth <= 2 ? { status: 429, retryAfter: '2' } : { result: '0x7a69' }));
    const { waits, sleep } = fakeSleep();
    const chain = portOver(transport, { sleep });
    await expect(chain.chainId()).resolves.toBe(31337);
    expect(waits).toEqual([2_000, 2_000]);
    expect(transport.calls('eth_chainId')).toBe(3);
  });

  it('backs off with jitter on a JSON-RPC -32005 in a 200 answer, then answers', async () => {
    const transport = fakeTransport((call, nth) => (nth <= 3 ? { error: { code: -32005, message: 'limit exceeded' } } : { result: null }));
    const { waits, sleep } = fakeSleep();
    const chain = portOver(transport, { sleep, baseMs: 100, random: () => 0.5 });
    await expect(chain.receipt(`0x${'11'.repeat(32)}`)).resolves.toBeNull();
    // Equal jitter: ceiling/2 + random·ceiling/2, ceiling doubling from 100 ms.
    expect(waits).toEqual([75, 150, 300]);
  });

  it('gives up after the bound with one clear error, having sent each attempt once', async () => {
    const transport = fakeTransport(() => ({ status: 429, retryAfter: '1' }));
    const { waits, sleep } = fakeSleep();
    const chain = portOver(transport, { sleep, maxRetries: 2 });
    const failure = await chain.balance('0x000000000000000000000000000000000000dEaD').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(RpcRateLimitedError);
    expect(waits).toEqual([1_000, 1_000]);
    expect(transport.calls('eth_getBalance')).toBe(3);
  });

  it('retries getLogs per chunk only: a limited chunk is asked maxRetries + 1 times, not squared', async () => {
    const transport = fakeTransport((call) => (call.method === 'eth_getLogs' ? { status: 429 } : { result: '0x1' }));
    const { waits, sleep } = fakeSleep();
    const chain = portOver(transport, { sleep, maxRetries: 3, baseMs: 10, random: () => 0 });
    const failure = await chain.getLogs({ address: '0x000000000000000000000000000000000000dEaD', topics: [] }, 0, 100).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(RpcRateLimitedError);
    expect(transport.calls('eth_getLogs')).toBe(4);
    expect(waits).toHaveLength(3);
  });

  it('sends a transaction once: a rate limit on any other read never re-sends accepted bytes', async () => {
    const hash = `0x${'cd'.repeat(32)}`;
    const transport = fakeTransport((call) => (call.method === 'eth_sendRawTransaction' ? { result: hash } : { status: 429 }));
    const { sleep } = fakeSleep();
    const chain = portOver(transport, { sleep, maxRetries: 2 });
    await expect(chain.sendRawTransaction('0x02f86b')).resolves.toBe(hash);
    expect(transport.calls('eth_sendRawTransaction')).toBe(1);
  });

  it('passes other errors through at once, without waiting', async () => {
    const transport = fakeTransport(() => ({ error: { code: 3, message: 'execution reverted' } }));
    const { waits, sleep } = fakeSleep();
    const chain = portOver(transport, { sleep });
    await expect(chain.call({ to: '0x000000000000000000000000000000000000dEaD', data: '0x' })).rejects.toThrow();
    expect(waits).toEqual([]);
    expect(transport.calls('eth_call')).toBe(1);
  });

  it('waits out a rate-limited head read and still feeds the head stream', async () => {
    const block = { number: '0x5', hash: `0x${'aa'.repeat(32)}`, parentHash: `0x${'bb'.repeat(32)}`, timestamp: '0x10' };
    const transport = fakeTransport((call, nth) => (nth === 1 ? { status: 429, retryAfter: '3' } : { result: block }));
    const { waits, sleep } = fakeSleep();
    const chain = portOver(transport, { sleep });
    await expect(chain.latestBlock()).resolves.toMatchObject({ number: 5 });
    expect(waits).toEqual([3_000]);
  });
});

describe('the ethers chain port under the hub\'s request cache', () => {
  it('reads the nonce fresh every time: a transaction mined within the cache time must not give its nonce twice', async () => {
    // The chain hub gives ethers a 100 ms request cache. Back-to-back sends (approve, then
    // depositStake) read eth_getTransactionCount twice within it; a cached answer handed the
    // second transaction the first one's nonce ("nonce has already been used").
    let count = 7;
    const transport = fakeTransport((call) => (call.method === 'eth_getTransactionCount' ? { result: `0x${(count++).toString(16)}` } : { result: '0x1' }));
    const provider = createRpcProvider('http://rpc.invalid', 31337, { getUrl: transport.getUrl, timeoutMs: 5_000, cacheTimeout: 60_000 });
    port = createEthersChainPort(provider, { backoff: fakeSleep() });
    const from = '0x000000000000000000000000000000000000dEaD';
    expect(await port.nonce(from, 'pending')).toBe(7);
    expect(await port.nonce(from, 'pending')).toBe(8);
    expect(transport.calls('eth_getTransactionCount')).toBe(2);
  });
});
