/**
 * A minimal GET with the fetch API's Response, over node:http(s) with the pinned lookup:
 * the global fetch (undici) resolves names itself and cannot be given a lookup, so its
 * connection could land on an address nobody checked (pinned-lookup.ts).
 * Redirects are never followed here (the caller checks every hop); bodies are not
 * decoded (no Accept-Encoding is sent, so servers send the bytes as they are).
 */
import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { type AddressPolicy, isIpLiteral, PUBLIC_ONLY } from '../../../shared/domain/address-policy';
import { pinnedLookup, resolveChecked, type Resolver, systemResolver } from './pinned-lookup';

export interface PinnedFetchOptions {
  policy?: AddressPolicy;
  resolver?: Resolver;
}

export type PinnedFetch = (url: URL | string, init?: { signal?: AbortSignal }) => Promise<Response>;

const NO_BODY = new Set([204, 205, 304]);

export function createPinnedFetch(options: PinnedFetchOptions = {}): PinnedFetch {
  const policy = options.policy ?? PUBLIC_ONLY;
  const resolver = options.resolver ?? systemResolver;
  const lookup = pinnedLookup(policy, resolver);
  return async (input, init = {}) => {
    const url = new URL(input);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`only http and https are fetched, not ${url.protocol}`);
    // An IP literal never reaches lookup(): judge it here (a name is judged in lookup).
    if (isIpLiteral(url.hostname)) await resolveChecked(url.hostname, policy);
    const client = url.protocol === 'https:' ? https : http;
    return new Promise<Response>((resolve, reject) => {
      const request = client.request(url, { method: 'GET', lookup, signal: init.signal, headers: { accept: '*/*' } }, (response) => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(response.headers)) {
          if (Array.isArray(value)) for (const v of value) headers.append(name, v);
          else if (value !== undefined) headers.set(name, value);
        }
        const status = response.statusCode ?? 0;
        const body = NO_BODY.has(status) ? null : (Readable.toWeb(response) as ReadableStream<Uint8Array>);
        if (!body) response.resume();
        resolve(new Response(body, { status, statusText: response.statusMessage ?? '', headers }));
      });
      request.on('error', reject);
      request.end();
    });
  };
}
