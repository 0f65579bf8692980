/**
 * The HTTP transport under the agent's JSON-RPC provider (rpc-provider.ts): ethers' Node
 * getUrl, but collecting the answer's chunks and joining them once at the end.
 *
 * Why: ethers' getUrl grows the body by copying it into a new array for every chunk that
 * arrives (~64 KB each), so an answer of n chunks copies ~n²/2 chunks: an eth_getLogs answer
 * of 300 flood posts (~2.7 MB) copied ~60 MB, one of 1,000 (~9 MB) ~650 MB, all of it garbage
 * in ArrayBuffers that count in the process's RSS until V8 collects them (issue 11 flood
 * memory and ingest time; docs/benchmarks.md, "Fourth round").
 *
 * The rest is ethers': http and https only, no credentials over plain http unless allowed,
 * the request's timeout and cancel signal, gzip answers inflated, errors as ethers makes them.
 */
import http from 'node:http';
import https from 'node:https';
import { gunzipSync } from 'node:zlib';
import { assert, type FetchCancelSignal, type FetchGetUrlFunc, type FetchRequest, type GetUrlResponse, makeError } from 'ethers';

export const collectingGetUrl: FetchGetUrlFunc = async (req: FetchRequest, signal?: FetchCancelSignal): Promise<GetUrlResponse> => {
  assert(signal == null || !signal.cancelled, 'request cancelled before sending', 'CANCELLED');
  const protocol = req.url.split(':')[0]!.toLowerCase();
  assert(protocol === 'http' || protocol === 'https', `unsupported protocol ${protocol}`, 'UNSUPPORTED_OPERATION', { info: { protocol }, operation: 'request' });
  assert(protocol === 'https' || !req.credentials || req.allowInsecureAuthentication, 'insecure authorized connections unsupported', 'UNSUPPORTED_OPERATION', { operation: 'request' });
  const abort = new AbortController();
  const request = (protocol === 'http' ? http : https).request(req.url, { method: req.method, headers: { ...req.headers }, signal: abort.signal });
  request.setTimeout(req.timeout);
  if (req.body) request.write(Buffer.from(req.body));
  request.end();
  return new Promise<GetUrlResponse>((resolve, reject) => {
    signal?.addListener(() => {
      abort.abort();
      reject(makeError('request cancelled', 'CANCELLED'));
    });
    request.on('timeout', () => {
      // ethers only rejects; the socket is closed here too, so a slow answer stops costing.
      request.destroy();
      reject(makeError('request timeout', 'TIMEOUT'));
    });
    request.once('response', (resp) => {
      const statusCode = resp.statusCode ?? 0;
      const statusMessage = resp.statusMessage ?? '';
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(resp.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : (value ?? '');
      const chunks: Buffer[] = [];
      resp.on('data', (chunk: Buffer) => {
        if (signal?.cancelled) {
          resp.destroy();
          return reject(makeError('request cancelled', 'CANCELLED'));
        }
        chunks.push(chunk);
      });
      resp.on('end', () => {
        const joined = chunks.length === 0 ? null : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        chunks.length = 0;
        try {
          const body = headers['content-encoding'] === 'gzip' && joined ? gunzipSync(joined) : joined;
          resolve({ statusCode, statusMessage, headers, body: body ? new Uint8Array(body.buffer, body.byteOffset, body.byteLength) : null });
        } catch (error) {
          reject(makeError('bad response data', 'SERVER_ERROR', { request: req, info: { response: resp, error } }));
        }
      });
      resp.on('error', (error) => reject(error));
    });
    request.on('error', (error) => reject(error));
  });
};
