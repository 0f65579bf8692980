/**
 * The one way the agent makes an ethers JsonRpcProvider for a chain it talks to.
 *
 * Why not `new JsonRpcProvider(url)`: ethers' FetchRequest retries HTTP 429 by itself, and
 * reads Retry-After as MILLISECONDS (a "Retry-After: 2" meant as two seconds becomes a 2 ms
 * wait), so against a rate-limited public endpoint it hammers the endpoint a dozen times and
 * then throws "exceeded maximum retry limit". Here that retry is switched off (retryFunc
 * answers false), so a 429 reaches the caller at once as ethers' SERVER_ERROR carrying the
 * response (status and headers), and withRpcBackoff (rpc-backoff.ts), which reads
 * Retry-After in seconds and bounds the wait, is the one that decides.
 */
import { FetchRequest, type FetchGetUrlFunc, JsonRpcProvider, Network } from 'ethers';

export interface RpcProviderOptions {
  /** Per-request timeout in ms (ethers' default is 300 s). */
  timeoutMs?: number;
  /** ethers' polling interval (ms). */
  pollingIntervalMs?: number;
  /** ethers' request cache (ms; -1 off). */
  cacheTimeout?: number;
  /** Tests: a fake transport in place of HTTP. */
  getUrl?: FetchGetUrlFunc;
}

/** A FetchRequest that never retries on its own (see the module comment). */
export function rpcFetchRequest(url: string, options: Pick<RpcProviderOptions, 'timeoutMs' | 'getUrl'> = {}): FetchRequest {
  const request = new FetchRequest(url);
  if (options.timeoutMs !== undefined) request.timeout = options.timeoutMs;
  request.retryFunc = () => Promise.resolve(false);
  if (options.getUrl) request.getUrlFunc = options.getUrl;
  return request;
}

export function createRpcProvider(url: string, chainId: number, options: RpcProviderOptions = {}): JsonRpcProvider {
  const network = Network.from(chainId);
  return new JsonRpcProvider(rpcFetchRequest(url, options), network, {
    staticNetwork: network,
    polling: true,
    pollingInterval: options.pollingIntervalMs ?? 1_000,
    cacheTimeout: options.cacheTimeout ?? -1,
  });
}
