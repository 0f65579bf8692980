/**
 * The body of the engine's POST /images/create (a pull): one JSON message per line, per
 * layer event, and an `error` line when the pull fails after it started. Kept apart from
 * the dockerode adapter so the parsing is testable without an engine.
 */
import { AgentError } from '../../../shared/api/result';
import type { PullProgress } from '../ports';

/** Calls `onLine` per complete line; `flush` emits a trailing line without a newline. */
function lineSplitter(onLine: (line: string) => void): { push(chunk: Buffer | string): void; flush(): void } {
  let pending = '';
  return {
    push(chunk) {
      pending += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) onLine(line.replace(/\r$/, ''));
    },
    flush() {
      if (pending) onLine(pending.replace(/\r$/, ''));
      pending = '';
    },
  };
}

interface RawPullMessage {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string };
}

/** One line of the POST /images/create body as a PullProgress, or the engine's error text. */
export function parsePullLine(line: string): { progress: PullProgress } | { error: string } | null {
  if (!line.trim()) return null;
  let m: RawPullMessage;
  try {
    m = JSON.parse(line) as RawPullMessage;
  } catch {
    return null; // not a progress message; the engine only ever sends JSON here
  }
  if (m.error || m.errorDetail) return { error: (m.errorDetail?.message || m.error || line).trim() };
  if (typeof m.status !== 'string') return null;
  const progress: PullProgress = { status: m.status };
  if (m.id) progress.layerId = m.id;
  const detail = m.progressDetail ?? {};
  if (typeof detail.current === 'number' && Number.isFinite(detail.current)) progress.current = detail.current;
  if (typeof detail.total === 'number' && Number.isFinite(detail.total) && detail.total > 0) progress.total = detail.total;
  return { progress };
}

export function pullCancelled(reference: string): AgentError {
  return new AgentError('image_pull_cancelled', `The pull of ${reference} was cancelled.`);
}

export const PULL_FAILED_HINT =
  'Check that this computer can reach the image registry, and that the image exists there under exactly this digest.';

/** Reads the pull body to the end; rejects on an error line, or when `signal` aborts (closing the stream). */
export async function consumePullStream(
  stream: NodeJS.ReadableStream & { destroy?: (error?: Error) => void },
  reference: string,
  onProgress: (p: PullProgress) => void,
  signal: AbortSignal | undefined,
): Promise<void> {
  let failure: string | null = null;
  let callbackError: unknown = null;
  const splitter = lineSplitter((line) => {
    const parsed = parsePullLine(line);
    if (!parsed) return;
    if ('error' in parsed) {
      failure ??= parsed.error;
      return;
    }
    try {
      onProgress(parsed.progress);
    } catch (error) {
      // A throwing listener must not leave the pull running unobserved.
      callbackError ??= error;
      stream.destroy?.();
    }
  });
  await new Promise<void>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    // Closing the HTTP stream is what makes the engine cancel the pull (its request context ends).
    const onAbort = () => {
      stream.destroy?.();
      settle(() => reject(pullCancelled(reference)));
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    stream.on('data', (chunk: Buffer) => splitter.push(chunk));
    stream.on('end', () => settle(resolve));
    // 'close' before 'end': the connection broke (or a listener threw and we closed it).
    stream.on('close', () =>
      settle(() =>
        callbackError
          ? reject(callbackError)
          : reject(new AgentError('image_pull_failed', `The engine closed the pull of ${reference} before it finished.`, PULL_FAILED_HINT)),
      ),
    );
    stream.on('error', (error: Error) =>
      settle(() => reject(signal?.aborted ? pullCancelled(reference) : new AgentError('image_pull_failed', `Pulling ${reference} failed: ${error.message}`, PULL_FAILED_HINT))),
    );
  });
  splitter.flush();
  if (callbackError) throw callbackError;
  if (failure) throw new AgentError('image_pull_failed', `Pulling ${reference} failed: ${failure}`, PULL_FAILED_HINT);
}

/** Docker lists `<none>:<none>` / `<none>@<none>` for untagged images; they are not references. */
export const realReferences = (refs: string[] | null | undefined): string[] =>
  (refs ?? []).filter((r) => !r.startsWith('<none>'));
