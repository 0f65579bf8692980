/**
 * eth_getLogs over a block range of any size. RPC providers cap a single request (Alchemy
 * 2k blocks or 10k logs, Infura 10k results, some free tiers 5 blocks) and say so with an
 * error whose wording differs per provider; on such an error the chunk is halved and the
 * same range asked again, and after a few successes it grows back, so one scan adapts to
 * whatever this RPC allows. Other errors (node down, timeout) are thrown to the caller.
 */
import type { Filter, Log, Provider } from 'ethers';

export interface GetLogsChunkedOptions {
  /** First chunk size in blocks (default 5,000). */
  initialChunk?: number;
  /** Largest chunk it grows back to (default 10,000). */
  maxChunk?: number;
  /** Called after each chunk (progress for long scans). */
  onChunk?: (range: { fromBlock: number; toBlock: number; logs: number }) => void;
}

const LIMIT_PATTERNS = [
  /block range/i,
  /range (is )?too (large|wide|big)/i,
  /too many (results|logs|blocks)/i,
  /query returned more than/i,
  /exceed(s|ed)? (the )?(max(imum)?|limit)/i,
  /limit exceeded/i,
  /response size/i,
  /max(imum)? (block )?range/i,
  /log response size exceeded/i,
  /-32005/,
];

/** Every message ethers and the RPC attach to an error, joined. */
function errorText(error: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number) => {
    if (depth > 4 || value === null || value === undefined || seen.has(value)) return;
    seen.add(value);
    if (typeof value === 'string') parts.push(value);
    else if (typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if (typeof record.message === 'string') parts.push(record.message);
      if (typeof record.code === 'number' || typeof record.code === 'string') parts.push(String(record.code));
      for (const key of ['error', 'info', 'cause', 'body']) visit(record[key], depth + 1);
    }
  };
  visit(error, 0);
  return parts.join(' | ');
}

export function isRangeLimitError(error: unknown): boolean {
  const text = errorText(error);
  return LIMIT_PATTERNS.some((pattern) => pattern.test(text));
}

export async function getLogsChunked(
  provider: Pick<Provider, 'getLogs'>,
  filter: Omit<Filter, 'fromBlock' | 'toBlock'>,
  fromBlock: number,
  toBlock: number,
  options: GetLogsChunkedOptions = {},
): Promise<Log[]> {
  const maxChunk = Math.max(1, options.maxChunk ?? 10_000);
  let chunk = Math.min(maxChunk, Math.max(1, options.initialChunk ?? 5_000));
  let successesSinceHalving = 0;
  const logs: Log[] = [];
  let start = fromBlock;
  while (start <= toBlock) {
    const end = Math.min(toBlock, start + chunk - 1);
    let found: Log[];
    try {
      found = await provider.getLogs({ ...filter, fromBlock: start, toBlock: end });
    } catch (error) {
      if (!isRangeLimitError(error)) throw error;
      if (end === start) {
        throw new Error(`the RPC refuses eth_getLogs even for the single block ${start}: ${errorText(error).slice(0, 300)}`, { cause: error });
      }
      chunk = Math.max(1, Math.floor((end - start + 1) / 2));
      successesSinceHalving = 0;
      continue;
    }
    logs.push(...found);
    options.onChunk?.({ fromBlock: start, toBlock: end, logs: found.length });
    start = end + 1;
    // Grow back slowly: a limit on results (not blocks) may only bite in busy ranges.
    if (++successesSinceHalving >= 4 && chunk < maxChunk) {
      chunk = Math.min(maxChunk, chunk * 2);
      successesSinceHalving = 0;
    }
  }
  return logs;
}
