/**
 * eth_getLogs over a block range of any size. RPC providers cap a single request (Alchemy
 * 2k blocks or 10k logs, Infura 10k results, public endpoints 1,000 or even 5 blocks) and
 * say so with an error whose wording differs per provider. When the message names the cap
 * ("max is 1k blocks", "up to a 1,000 block range") the chunk drops to it at once and never
 * grows past it again; otherwise the chunk is halved and the same range asked again, and
 * after a few successes it grows back, so one scan adapts to whatever this RPC allows.
 * Rate limits (429) are waited out with backoff (rpc-backoff.ts) unless the caller's
 * getLogs already does that. Other errors (node down, timeout) are thrown to the caller.
 * Logs are always polled by range: filters (eth_newFilter) are never used, since public
 * providers drop them.
 */
import type { Filter, Log, Provider } from 'ethers';
import { isRateLimitError, rpcErrorText, type RpcBackoffOptions, withRpcBackoff } from './rpc-backoff';

export interface GetLogsChunkedOptions {
  /** First chunk size in blocks (default 5,000). */
  initialChunk?: number;
  /** Largest chunk it grows back to (default 10,000). */
  maxChunk?: number;
  /** Called after each chunk (progress for long scans). */
  onChunk?: (range: { fromBlock: number; toBlock: number; logs: number }) => void;
  /**
   * Backoff on rate limits around each request (default on, default options). Pass false
   * when the provider's getLogs already goes through withRpcBackoff.
   */
  backoff?: RpcBackoffOptions | false;
}

const LIMIT_PATTERNS = [
  /block range/i,
  /range (is )?too (large|wide|big)/i,
  /too (large|wide|big) (a )?(block )?range/i,
  /too many (results|logs|blocks)/i,
  /query returned more than/i,
  /exceed(s|ed)? (the )?(max(imum)?|limit)/i,
  /limit exceeded/i,
  /response size/i,
  /max(imum)? (block )?range/i,
  /log response size exceeded/i,
  /limited to (a |the )?[\d,.]+\s*k?\s*(block|range)/i,
  /ranges? (over|above|of more than|larger than|greater than|exceeding) [\d,.]+\s*k?/i,
  /number of (requested )?blocks/i,
  /(blocks?|range) (requested )?(is )?(greater|larger|more) than/i,
  /(max|maximum|up to|at most|limit(ed)? (of|to)|allowed) [\d,.]+\s*k?\s*blocks?/i,
  /-32005/,
];

/** Every message ethers and the RPC attach to an error, joined. */
const errorText = rpcErrorText;

export function isRangeLimitError(error: unknown): boolean {
  // -32005 also means "rate limited" at some providers: waiting, not a smaller range, cures that.
  if (isRateLimitError(error)) return false;
  const text = errorText(error);
  return LIMIT_PATTERNS.some((pattern) => pattern.test(text));
}

/**
 * The block cap a range-limit message names, if it names one: "1,000 blocks", "1k block
 * range", "max is 1000", "range 500". Result-count caps ("more than 10000 results") are not
 * block caps and give null.
 */
export function rangeCapOf(error: unknown): number | null {
  const text = errorText(error);
  if (/\b(results|logs)\b/i.test(text) && !/block/i.test(text)) return null;
  const patterns = [
    /([\d][\d,.]*)\s*(k)?\s*-?\s*blocks?\b/i,
    /blocks? (?:range |count )?(?:is |of )?(?:max(?:imum)?|limit|allowed)?\s*(?:is |:|=)?\s*([\d][\d,.]*)\s*(k)?\b/i,
    /(?:max(?:imum)?|limit)(?: block)? range(?: is| of|:|=)?\s*([\d][\d,.]*)\s*(k)?\b/i,
    /range (?:is )?(?:too (?:large|wide|big)|exceeds?)[^\d]{0,30}([\d][\d,.]*)\s*(k)?\b/i,
    /limited to (?:a |the )?([\d][\d,.]*)\s*(k)?\b/i,
  ];
  for (const pattern of patterns) {
    const match = pattern.exec(text);
    if (!match) continue;
    const digits = match[1]!.replace(/,/g, '');
    const value = Number(digits) * (match[2] ? 1000 : 1);
    if (Number.isFinite(value) && value >= 1 && Number.isInteger(value)) return value;
  }
  return null;
}

/** Any getLogs: ethers' provider (Log), or the chain port's raw one (raw-logs.ts, ChainLog). */
export async function getLogsChunked<L = Log>(
  provider: { getLogs(filter: Filter): Promise<L[]> } | Pick<Provider, 'getLogs'>,
  filter: Omit<Filter, 'fromBlock' | 'toBlock'>,
  fromBlock: number,
  toBlock: number,
  options: GetLogsChunkedOptions = {},
): Promise<L[]> {
  const maxChunk = Math.max(1, options.maxChunk ?? 10_000);
  let chunk = Math.min(maxChunk, Math.max(1, options.initialChunk ?? 5_000));
  let successesSinceHalving = 0;
  /** A cap the RPC named: the chunk never grows past it. */
  let knownCap = Infinity;
  const get = (range: Filter) => provider.getLogs(range) as Promise<L[]>;
  const request = (range: Filter) =>
    options.backoff === false
      ? get(range)
      : withRpcBackoff(() => get(range), { ...options.backoff, label: `eth_getLogs ${String(range.fromBlock)}-${String(range.toBlock)}` });
  const logs: L[] = [];
  let start = fromBlock;
  while (start <= toBlock) {
    const end = Math.min(toBlock, start + chunk - 1);
    let found: L[];
    try {
      found = await request({ ...filter, fromBlock: start, toBlock: end });
    } catch (error) {
      if (!isRangeLimitError(error)) throw error;
      if (end === start) {
        throw new Error(`the RPC refuses eth_getLogs even for the single block ${start}: ${errorText(error).slice(0, 300)}`, { cause: error });
      }
      const span = end - start + 1;
      const cap = rangeCapOf(error);
      // A named cap below what was asked is taken as the chunk (a span of `cap` blocks passes
      // whether the RPC counts to-from or to-from+1); none, or one not below the span, means halving.
      if (cap !== null && cap < span) {
        knownCap = cap;
        chunk = cap;
      } else {
        chunk = Math.max(1, Math.floor(span / 2));
      }
      successesSinceHalving = 0;
      continue;
    }
    logs.push(...found);
    options.onChunk?.({ fromBlock: start, toBlock: end, logs: found.length });
    start = end + 1;
    // Grow back slowly: a limit on results (not blocks) may only bite in busy ranges.
    if (++successesSinceHalving >= 4 && chunk < Math.min(maxChunk, knownCap)) {
      chunk = Math.min(maxChunk, knownCap, chunk * 2);
      successesSinceHalving = 0;
    }
  }
  return logs;
}
