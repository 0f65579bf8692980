/**
 * One raw JSON-RPC request with a hard timeout. Used where an ethers provider would be too
 * much machinery: probing whether a devnet still answers, and the hub's chain-id check
 * (which must not go through a provider whose network is static by design).
 */
export class JsonRpcCallError extends Error {
  constructor(
    message: string,
    readonly kind: 'unreachable' | 'timeout' | 'rpc-error' | 'bad-response',
  ) {
    super(message);
  }
}

export async function jsonRpcCall<T = unknown>(url: string, method: string, params: unknown[] = [], timeoutMs = 3_000): Promise<T> {
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
    throw new JsonRpcCallError(`${url} answered ${method} with HTTP ${response.status} and no JSON-RPC body`, 'bad-response');
  }
  if (body.error) throw new JsonRpcCallError(`${method} failed: ${body.error.message ?? 'error'} (${body.error.code ?? '?'})`, 'rpc-error');
  if (!('result' in body)) throw new JsonRpcCallError(`${url} answered ${method} without a result`, 'bad-response');
  return body.result as T;
}
