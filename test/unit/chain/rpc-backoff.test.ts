import { describe, expect, it } from 'vitest';
import {
  isFilterGoneError,
  isRateLimitError,
  retryAfterMs,
  RpcRateLimitedError,
  rpcBackoff,
  withRpcBackoff,
} from '../../../electron/agent/chain/rpc-backoff';

/** A request that fails with `error` the first `failures` times, then answers `value`. */
function flaky<T>(failures: number, error: () => unknown, value: T) {
  let calls = 0;
  const request = () => {
    calls += 1;
    return calls <= failures ? Promise.reject(error()) : Promise.resolve(value);
  };
  return { request, calls: () => calls };
}

function fakeSleep() {
  const waits: number[] = [];
  return { waits, sleep: (ms: number) => (waits.push(ms), Promise.resolve()) };
}

describe('rate-limit errors', () => {
  it('recognises the wordings of common providers, however ethers wraps them', () => {
    expect(isRateLimitError({ status: 429 })).toBe(true);
    expect(isRateLimitError(new Error('server response 429 Too Many Requests'))).toBe(true);
    expect(isRateLimitError({ info: { responseStatus: '429 Too Many Requests' } })).toBe(true);
    expect(isRateLimitError({ error: { code: -32005, message: 'limit exceeded' } })).toBe(true);
    expect(isRateLimitError({ error: { code: -32016, message: 'over rate limit' } })).toBe(true);
    expect(isRateLimitError({ error: { code: 429, message: 'Your app has exceeded its compute units per second capacity' } })).toBe(true);
    expect(isRateLimitError(new Error('daily request count exceeded, request rate limited'))).toBe(true);
    expect(isRateLimitError({ cause: { message: 'Too many requests, please slow down' } })).toBe(true);
  });

  it('leaves other failures, and getLogs range caps under -32005, to their own handling', () => {
    expect(isRateLimitError(new Error('connect ECONNREFUSED 127.0.0.1:8545'))).toBe(false);
    expect(isRateLimitError(new Error('execution reverted'))).toBe(false);
    expect(isRateLimitError({ error: { code: -32005, message: 'query returned more than 10000 results' } })).toBe(false);
    expect(isRateLimitError({ error: { code: -32005, message: 'query exceeds max block range 1000' } })).toBe(false);
  });

  it('recognises a dropped filter', () => {
    expect(isFilterGoneError({ error: { code: -32000, message: 'filter not found' } })).toBe(true);
    expect(isFilterGoneError(new Error('execution reverted'))).toBe(false);
  });

  it('reads Retry-After in seconds or as an HTTP date, wherever the error keeps headers', () => {
    expect(retryAfterMs({ headers: { 'retry-after': '3' } })).toBe(3000);
    expect(retryAfterMs({ info: { response: { headers: new Headers({ 'Retry-After': '2' }) } } })).toBe(2000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs({ response: { headers: { 'Retry-After': 'Thu, 01 Jan 2026 00:00:05 GMT' } } }, now)).toBe(5000);
    expect(retryAfterMs(new Error('429'))).toBeNull();
  });
});

describe('withRpcBackoff', () => {
  it('waits out a burst of 429s with growing, jittered waits and returns the answer', async () => {
    const { waits, sleep } = fakeSleep();
    const rpc = flaky(4, () => ({ status: 429, message: 'Too Many Requests' }), 'ok');
    const randoms = [0, 1, 0.5, 0.25];
    const result = await withRpcBackoff(rpc.request, { baseMs: 100, sleep, random: () => randoms.shift() ?? 0 });
    expect(result).toBe('ok');
    expect(rpc.calls()).toBe(5);
    // ceiling 100, 200, 400, 800; wait = ceiling/2 + random × ceiling/2
    expect(waits).toEqual([50, 200, 300, 500]);
  });

  it('honours Retry-After (bounded by the largest wait)', async () => {
    const { waits, sleep } = fakeSleep();
    const rpc = flaky(2, () => ({ status: 429, headers: { 'retry-after': '7' } }), 1);
    await withRpcBackoff(rpc.request, { baseMs: 100, maxDelayMs: 5_000, sleep });
    expect(waits).toEqual([5_000, 5_000]);
  });

  it('gives up after the bound with one clear error', async () => {
    const { waits, sleep } = fakeSleep();
    const rpc = flaky(100, () => new Error('rate limit exceeded'), 1);
    const failure = await withRpcBackoff(rpc.request, { maxRetries: 3, sleep, label: 'eth_blockNumber' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(RpcRateLimitedError);
    expect((failure as RpcRateLimitedError).code).toBe('rpc-rate-limited');
    expect((failure as Error).message).toMatch(/kept refusing eth_blockNumber with a rate limit after 4 attempts/);
    expect(rpc.calls()).toBe(4);
    expect(waits).toHaveLength(3);
  });

  it('gives up when the total wait budget would be exceeded', async () => {
    const { sleep } = fakeSleep();
    const rpc = flaky(100, () => ({ status: 429, headers: { 'retry-after': '10' } }), 1);
    await expect(withRpcBackoff(rpc.request, { maxTotalMs: 25_000, maxRetries: 50, sleep })).rejects.toBeInstanceOf(RpcRateLimitedError);
    expect(rpc.calls()).toBe(3);
  });

  it('passes other errors through at once', async () => {
    const { waits, sleep } = fakeSleep();
    const rpc = flaky(1, () => new Error('execution reverted'), 1);
    await expect(withRpcBackoff(rpc.request, { sleep })).rejects.toThrow('execution reverted');
    expect(waits).toEqual([]);
  });

  it('rpcBackoff gives a reusable wrapper for any request thunk', async () => {
    const { sleep } = fakeSleep();
    const limited = rpcBackoff({ sleep, baseMs: 1 });
    const rpc = flaky(1, () => ({ error: { code: 429, message: 'rate limited' } }), 42);
    await expect(limited(rpc.request, 'eth_call')).resolves.toBe(42);
  });
});
