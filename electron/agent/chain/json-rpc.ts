/**
 * One raw JSON-RPC request with a hard timeout. Used where an ethers provider would be too
 * much machinery: probing whether a devnet still answers, and the hub's chain-id check
 * (which must not go through a provider whose network is static by design). A rate limit
 * (HTTP 429, or a JSON-RPC "rate limit" error) is waited out with rpc-backoff, briefly (a
 * probe must not hang), honouring Retry-After; past that it is an 'rpc-error'.
 */
import { isRateLimitError, RpcRateLimitedError, type RpcBackoffOptions, withRpcBackoff } from './rpc-backoff';
export class JsonRpcCallError extends Error {
  constructor(
    message: string,
    readonly kind: 'unreachable' | 'timeout' | 'rpc-error' | 'bad-response',
  ) {
    super(message);
  }
}

/** How long a single call waits out rate limits before it fails (tests pass a fake sleep). */
export const JSON_RPC_BACKOFF: RpcBackoffOptions = { baseMs: 250, maxDelayMs: 5_000, maxRetries: 5, maxTotalMs: 15_000 };

export async function jsonRpcCall<T = unknown>(
  url: string,
  method: string,
  params: unknown[] = [],
  timeoutMs = 3_000,
  backoff: RpcBackoffOptions = JSON_RPC_BACKOFF,
): Promise<T> {
  try {
    return await withRpcBackoff(() => jsonRpcCallOnce<T>(url, method, params, timeoutMs), { ...backoff, label: method });
  } catch (error) {
    if (error instanceof RpcRateLimitedError) throw new JsonRpcCallError(`${method} failed: ${error.message}`, 'rpc-error');
    throw error;
  }
}

/** A rate-limited answer, shaped for rpc-backoff (status, headers for Retry-After). */
class RateLimitedAnswer extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly headers: Headers,
  ) {
    super(message);
  }
}

async function jsonRpcCallOnce<T>(url: string, method: string, params: unknown[], timeoutMs: number): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      throw new JsonRpcCallError(`${url} did not answer ${method} within ${timeoutMs} ms`, 'timeout');
    }
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new JsonRpcCallError(`${url} is unreachable (${cause?.code ?? cause?.message ?? (error as Error).message})`, 'unreachable');
  }
  let body: { result?: T; error?: { code?: number; message?: string } };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    if (response.status === 429) throw new RateLimitedAnswer(`${method}: HTTP 429 Too Many Requests`, 429, response.headers);
    throw new JsonRpcCallError(`${url} answered ${method} with HTTP ${response.status} and no JSON-RPC body`, 'bad-response');
  }
  if (response.status === 429 || (body.error && isRateLimitError({ error: body.error }))) {
    throw new RateLimitedAnswer(`${method}: ${body.error?.message ?? 'HTTP 429 Too Many Requests'} (${body.error?.code ?? 429})`, response.status, response.headers);
  }
  if (body.error) throw new JsonRpcCallError(`${method} failed: ${body.error.message ?? 'error'} (${body.error.code ?? '?'})`, 'rpc-error');
  if (!('result' in body)) throw new JsonRpcCallError(`${url} answered ${method} without a result`, 'bad-response');
  return body.result as T;
}
