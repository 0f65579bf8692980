/**
 * Public RPC endpoints ration requests: a burst gets HTTP 429, or JSON-RPC -32005 "limit
 * exceeded", or a message saying "rate limit" / "too many requests" (wordings differ per
 * provider, and ethers wraps them in its own errors). Every request the chain port sends
 * goes through withRpcBackoff: such an error is waited out (exponential backoff with
 * jitter, or exactly what a Retry-After header asks), and after a bound the caller gets
 * one clear RpcRateLimitedError instead of a retry storm. Other errors pass through at once:
 * the hub's own offline/backoff handles a node that is down.
 *
 * Filters are never relied on: some providers drop eth_newFilter state after minutes (or
 * behind a load balancer, on the next request), so the agent polls eth_getLogs by block
 * range. isFilterGoneError recognises "filter not found" for code that still meets one.
 */

export interface RpcBackoffOptions {
  /** First wait in ms (default 500). */
  baseMs?: number;
  /** Longest single wait in ms (default 30 s). */
  maxDelayMs?: number;
  /** Retries before giving up (default 6: about a minute at the defaults, worst case). */
  maxRetries?: number;
  /** Total time budget in ms across retries (default 120 s). */
  maxTotalMs?: number;
  /** What the request is, for the final error ("eth_getLogs 100-1099"). */
  label?: string;
  /** Tests: a fake sleep and a fake random. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Called before each wait (logs, counters). */
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
}

/** Thrown when an endpoint kept rate-limiting past the bound. */
export class RpcRateLimitedError extends Error {
  readonly code = 'rpc-rate-limited';
  constructor(
    readonly attempts: number,
    readonly lastReason: string,
    label: string | undefined,
  ) {
    super(
      `the RPC endpoint kept refusing ${label ? `${label} ` : ''}with a rate limit after ${attempts} attempts (${lastReason}); ` +
        'use an endpoint with a higher limit (an API key) or wait',
    );
    this.name = 'RpcRateLimitedError';
  }
}

/** Every message, code and status an error (ethers' or fetch's) carries, joined for matching. */
export function rpcErrorText(error: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number) => {
    if (depth > 5 || value === null || value === undefined || seen.has(value)) return;
    seen.add(value);
    if (typeof value === 'string') {
      parts.push(value);
      return;
    }
    if (typeof value !== 'object') return;
    const record = value as Record<string, unknown>;
    if (typeof record.message === 'string') parts.push(record.message);
    if (typeof record.shortMessage === 'string') parts.push(record.shortMessage);
    for (const key of ['code', 'status', 'statusCode', 'responseStatus', 'statusText']) {
      if (typeof record[key] === 'number' || typeof record[key] === 'string') parts.push(`${key}=${String(record[key])}`);
    }
    for (const key of ['error', 'info', 'cause', 'body', 'response', 'responseBody', 'data']) visit(record[key], depth + 1);
    if (Array.isArray(record.errors)) for (const item of record.errors) visit(item, depth + 1);
  };
  visit(error, 0);
  return parts.join(' | ');
}

const RATE_LIMIT_PATTERNS = [
  /\b429\b/,
  /rate[- ]?limit/i,
  /too many requests/i,
  /request limit/i,
  /requests? per second/i,
  /exceeded .*(capacity|throughput|quota|compute units)/i,
  /daily request count exceeded/i,
];

/**
 * -32005 is "limit exceeded" in EIP-1474, but providers use it both for rate limits and for
 * a getLogs range/result cap; the latter is not cured by waiting, so it is left to
 * getLogsChunked (which halves the range).
 */
const RANGE_WORDS = /block range|range (is )?too|too many (results|logs|blocks)|returned more than|response size|max(imum)? (block )?range|\d[\d,]* blocks?/i;

export function isRateLimitError(error: unknown): boolean {
  const text = rpcErrorText(error);
  if (RATE_LIMIT_PATTERNS.some((pattern) => pattern.test(text))) return true;
  return /-32005/.test(text) && !RANGE_WORDS.test(text);
}

export function isFilterGoneError(error: unknown): boolean {
  return /filter (not found|does not exist|id not found)|unknown filter/i.test(rpcErrorText(error));
}

/** Seconds or an HTTP date from a Retry-After header found anywhere in the error, in ms. */
export function retryAfterMs(error: unknown, nowMs = Date.now()): number | null {
  let found: string | null = null;
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number) => {
    if (found !== null || depth > 5 || value === null || typeof value !== 'object' || seen.has(value)) return;
    seen.add(value);
    const record = value as Record<string, unknown>;
    for (const [key, item] of Object.entries(record)) {
      if (key.toLowerCase() === 'retry-after' || key === 'retryAfter') {
        if (typeof item === 'string' || typeof item === 'number') {
          found = String(item);
          return;
        }
      }
    }
    const headers = record.headers;
    if (headers && typeof (headers as { get?: unknown }).get === 'function') {
      const value = (headers as { get(name: string): string | null }).get('retry-after');
      if (value) {
        found = value;
        return;
      }
    }
    if (typeof record.getHeader === 'function') {
      try {
        const value = (record.getHeader as (name: string) => unknown).call(record, 'retry-after');
        if (typeof value === 'string' && value) {
          found = value;
          return;
        }
      } catch {
        // not a header bag after all
      }
    }
    for (const key of ['error', 'info', 'cause', 'response', 'headers']) visit(record[key], depth + 1);
  };
  visit(error, 0);
  if (found === null) return null;
  const text = (found as string).trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}

// Not unref'd: a one-shot command waiting out a rate limit must not exit mid-wait.
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `request`, retrying only rate-limit errors, with backoff; see the module comment. */
export async function withRpcBackoff<T>(request: () => Promise<T>, options: RpcBackoffOptions = {}): Promise<T> {
  const baseMs = options.baseMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const maxRetries = options.maxRetries ?? 6;
  const maxTotalMs = options.maxTotalMs ?? 120_000;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  let waited = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await request();
    } catch (error) {
      if (!isRateLimitError(error)) throw error;
      const reason = rpcErrorText(error).slice(0, 200);
      if (attempt > maxRetries) throw new RpcRateLimitedError(attempt, reason, options.label);
      // "Equal jitter": half the ceiling fixed, half random, so agents limited together come back apart.
      const ceiling = Math.min(maxDelayMs, baseMs * 2 ** (attempt - 1));
      const asked = retryAfterMs(error);
      const delayMs = asked !== null ? Math.min(Math.max(asked, 0), maxDelayMs) : Math.round(ceiling / 2 + (random() * ceiling) / 2);
      if (waited + delayMs > maxTotalMs) throw new RpcRateLimitedError(attempt, reason, options.label);
      options.onRetry?.({ attempt, delayMs, reason });
      waited += delayMs;
      await sleep(delayMs);
    }
  }
}

/** A reusable wrapper with fixed options: `const limited = rpcBackoff(opts); await limited(() => provider.send(...))`. */
export function rpcBackoff(options: RpcBackoffOptions = {}) {
  return <T>(request: () => Promise<T>, label?: string) => withRpcBackoff(request, { ...options, label: label ?? options.label });
}
