import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { jsonRpcCall, JsonRpcCallError } from '../../../electron/agent/chain/json-rpc';

/** An in-process RPC on loopback: the first `limited` requests get `refusal`, then the chain id. */
async function rpc(limited: number, refusal: { status: number; headers?: Record<string, string>; body: unknown }) {
  let requests = 0;
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      requests += 1;
      if (requests <= limited) {
        response.writeHead(refusal.status, { 'content-type': 'application/json', ...refusal.headers });
        response.end(JSON.stringify(refusal.body));
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ jsonrpc: '2.0', id: 1, result: '0x7a69' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => requests };
}

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

const fast = { baseMs: 1, maxDelayMs: 5, maxRetries: 5, maxTotalMs: 1_000 };

describe('jsonRpcCall on a rate-limited endpoint', () => {
  it('waits out HTTP 429s (the hub then stays online) and returns the answer', async () => {
    const node = await rpc(3, { status: 429, body: { jsonrpc: '2.0', id: null, error: { code: -32005, message: 'rate limit exceeded' } } });
    await expect(jsonRpcCall<string>(node.url, 'eth_chainId', [], 3_000, fast)).resolves.toBe('0x7a69');
    expect(node.requests()).toBe(4);
  });

  it('waits out a JSON-RPC rate-limit error sent with HTTP 200', async () => {
    const node = await rpc(2, { status: 200, body: { jsonrpc: '2.0', id: 1, error: { code: -32016, message: 'over rate limit' } } });
    await expect(jsonRpcCall<string>(node.url, 'eth_chainId', [], 3_000, fast)).resolves.toBe('0x7a69');
  });

  it('gives up after its bound with an rpc-error that says so', async () => {
    const node = await rpc(100, { status: 429, headers: { 'retry-after': '0' }, body: {} });
    const failure = await jsonRpcCall(node.url, 'eth_blockNumber', [], 3_000, fast).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(JsonRpcCallError);
    expect((failure as JsonRpcCallError).kind).toBe('rpc-error');
    expect((failure as Error).message).toMatch(/eth_blockNumber failed: .*rate limit after 6 attempts/);
  });

  it('other RPC errors are not retried', async () => {
    const node = await rpc(100, { status: 200, body: { jsonrpc: '2.0', id: 1, error: { code: -32601, message: 'method not found' } } });
    await expect(jsonRpcCall(node.url, 'eth_foo', [], 3_000, fast)).rejects.toThrow(/method not found/);
    expect(node.requests()).toBe(1);
  });
});
