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
 *
 * And the answer is decoded with Node's native UTF-8 decoder and JSON.parse, not ethers'
 * FetchResponse.bodyJson: ethers decodes UTF-8 in JavaScript through an array of every code
 * point, then an array of one-character strings, joined. For an eth_getLogs answer of a
 * flood (1,000 posts of 4 KB are ~9 MB of hex) that is two arrays of ~9 million elements,
 * ~150 MB of garbage per answer, and it was most of the agent's peak memory in a flood
 * (docs/benchmarks.md, "Chain pipeline (issue 11)"). The bytes themselves arrive through
 * rpc-get-url.ts, which joins the answer's chunks once (ethers' transport copies the whole
 * body for every chunk).
 */
import { FetchRequest, type FetchGetUrlFunc, JsonRpcProvider, type JsonRpcPayload, type JsonRpcResult, Network } from 'ethers';
import { collectingGetUrl } from './rpc-get-url';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes an RPC answer's bytes natively (see the module comment). */
export function decodeRpcBody(body: Uint8Array | null): unknown {
  let text: string;
  try {
    text = body ? utf8.decode(body) : '';
  } catch {
    throw new Error('the RPC answered with bytes that are not UTF-8 text');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Error(`the RPC answered with something that is not JSON: ${text.slice(0, 120)}`);
  }
}

/** ethers' JsonRpcProvider with the answer decoded natively; the rest (batching, errors) is ethers'. */
class NativeDecodingJsonRpcProvider extends JsonRpcProvider {
  override async _send(payload: JsonRpcPayload | JsonRpcPayload[]): Promise<JsonRpcResult[]> {
    // What JsonRpcProvider._send does, but for the decoding.
    const request = this._getConnection();
    request.body = JSON.stringify(payload);
    request.setHeader('content-type', 'application/json');
    const response = await request.send();
    response.assertOk();
    const answer = decodeRpcBody(response.body);
    return (Array.isArray(answer) ? answer : [answer]) as JsonRpcResult[];
  }
}

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
  // Our transport unless a test gives its own: ethers' copies the body per chunk (rpc-get-url.ts).
  request.getUrlFunc = options.getUrl ?? collectingGetUrl;
  return request;
}

export function createRpcProvider(url: string, chainId: number, options: RpcProviderOptions = {}): JsonRpcProvider {
  const network = Network.from(chainId);
  return new NativeDecodingJsonRpcProvider(rpcFetchRequest(url, options), network, {
    staticNetwork: network,
    polling: true,
    pollingInterval: options.pollingIntervalMs ?? 1_000,
    cacheTimeout: options.cacheTimeout ?? -1,
  });
}
