/**
 * A loopback JSON-RPC proxy in front of a Hardhat node that behaves like a public endpoint:
 * eth_getLogs over more than `maxLogRange` blocks is refused with the error such providers
 * send, and more than `burst.limit` HTTP requests within `burst.windowMs` get HTTP 429 with
 * a JSON-RPC -32005 "rate limit" body (and Retry-After when `retryAfterSeconds` is given,
 * in seconds as HTTP means it: ethers' own 429 retry would read it as milliseconds, which is
 * why rpc-provider.ts switches that retry off and rpc-backoff.ts decides). Batches (JSON arrays) are handled
 * element by element. It records what it refused and served (span and first block of each
 * getLogs). setDown(true) takes the endpoint down (the fault harness's "RPC down for 60 s")
 * until setDown(false); setStatePrunedBefore(n) makes it a full node without old state.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LimitProxy {
  url: string;
  port: number;
  /** Spans (blocks) of refused and of served eth_getLogs requests. */
  refusedLogRanges: number[];
  servedLogRanges: number[];
  /** The first block of each served eth_getLogs (same order as servedLogRanges). */
  servedLogFroms: number[];
  /** HTTP requests answered 429. */
  rateLimited: number;
  requests: number;
  /** Methods seen, in order (for filters: eth_newFilter must never be needed). */
  methods: string[];
  /** The endpoint goes down (every connection is dropped, new ones are cut at once) or comes back. */
  setDown(down: boolean): void;
  /**
   * Like a public full (non-archive) node: eth_getCode at a block number below this one is
   * refused with geth's "missing trie node" (null: every block answers, as an archive node).
   */
  setStatePrunedBefore(block: number | null): void;
  close(): Promise<void>;
}

interface RpcRequest {
  jsonrpc: '2.0';
  id: number | string | null;
  method: string;
  params?: unknown[];
}

export function startLimitProxy(
  target: string,
  options: { maxLogRange?: number; burst?: { limit: number; windowMs: number }; retryAfterSeconds?: number } = {},
): Promise<LimitProxy> {
  const maxLogRange = options.maxLogRange ?? 1_000;
  const recent: number[] = [];
  let down = false;
  let prunedBefore: number | null = null;
  const proxy: Omit<LimitProxy, 'url' | 'port' | 'close' | 'setDown' | 'setStatePrunedBefore'> = { refusedLogRanges: [], servedLogRanges: [], servedLogFroms: [], rateLimited: 0, requests: 0, methods: [] };

  const prunedState = (request: RpcRequest): boolean => {
    if (prunedBefore === null || request.method !== 'eth_getCode') return false;
    const tag = request.params?.[1];
    return typeof tag === 'string' && tag.startsWith('0x') && Number(tag) < prunedBefore;
  };
  const prunedError = (request: RpcRequest) => ({
    jsonrpc: '2.0',
    id: request.id,
    error: { code: -32000, message: 'missing trie node 0000000000000000000000000000000000000000000000000000000000000000 (path ) state is not available' },
  });

  const rangeError = (request: RpcRequest) => ({
    jsonrpc: '2.0',
    id: request.id,
    // Alchemy's wording, with this proxy's cap.
    error: { code: -32600, message: `You can make eth_getLogs requests with up to a ${maxLogRange.toLocaleString('en-US')} block range.` },
  });

  const overCap = (request: RpcRequest): boolean => {
    if (request.method !== 'eth_getLogs') return false;
    const filter = (request.params?.[0] ?? {}) as { fromBlock?: string; toBlock?: string; blockHash?: string };
    if (filter.blockHash) return false;
    const from = filter.fromBlock === undefined || filter.fromBlock === 'earliest' ? 0 : Number(filter.fromBlock);
    const to = filter.toBlock === undefined || filter.toBlock === 'latest' || filter.toBlock === 'pending' ? Number.MAX_SAFE_INTEGER : Number(filter.toBlock);
    const span = to - from + 1;
    if (span > maxLogRange) {
      proxy.refusedLogRanges.push(span);
      return true;
    }
    proxy.servedLogRanges.push(span);
    proxy.servedLogFroms.push(from);
    if (process.env.DEBUG_PROXY) process.stderr.write(`getLogs ${from}-${to}\n`);
    return false;
  };

  const server: Server = createServer((request, response) => {
    if (down) {
      request.socket.destroy();
      return;
    }
    // Like a plain-HTTP public endpoint: no WebSocket here (the head stream then polls); not counted.
    if (request.headers.upgrade) {
      response.writeHead(400).end();
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      proxy.requests += 1;
      const now = Date.now();
      if (options.burst) {
        while (recent.length > 0 && recent[0]! <= now - options.burst.windowMs) recent.shift();
        if (recent.length >= options.burst.limit) {
          proxy.rateLimited += 1;
          response.writeHead(429, { 'content-type': 'application/json', ...(options.retryAfterSeconds !== undefined ? { 'retry-after': String(options.retryAfterSeconds) } : {}) });
          response.end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32005, message: 'rate limit exceeded: too many requests' } }));
          return;
        }
        recent.push(now);
      }
      let payload: RpcRequest | RpcRequest[];
      try {
        payload = JSON.parse(Buffer.concat(chunks).toString('utf8')) as RpcRequest | RpcRequest[];
      } catch {
        response.writeHead(400);
        response.end();
        return;
      }
      const batch = Array.isArray(payload) ? payload : [payload];
      for (const item of batch) proxy.methods.push(item.method);
      const refused = new Map<RpcRequest, unknown>();
      for (const item of batch) {
        if (overCap(item)) refused.set(item, rangeError(item));
        else if (prunedState(item)) refused.set(item, prunedError(item));
      }
      const forward = batch.filter((item) => !refused.has(item));
      const answer = (results: unknown[]) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(Array.isArray(payload) ? results : results[0]));
      };
      if (forward.length === 0) return answer(batch.map((item) => refused.get(item)));
      fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(forward) }).then(
        async (upstream) => {
          const answers = (await upstream.json()) as Array<{ id: unknown }>;
          const byId = new Map(answers.map((a) => [a.id, a]));
          answer(batch.map((item) => refused.get(item) ?? byId.get(item.id)));
        },
        () => {
          response.writeHead(502);
          response.end();
        },
      );
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      resolve(
        Object.assign(proxy, {
          url: `http://127.0.0.1:${port}`,
          port,
          setStatePrunedBefore: (block: number | null) => {
            prunedBefore = block;
          },
          setDown: (value: boolean) => {
            down = value;
            if (value) server.closeAllConnections();
          },
          close: () =>
            new Promise<void>((done) => {
              server.closeAllConnections();
              server.close(() => done());
            }),
        }),
      );
    });
  });
}
