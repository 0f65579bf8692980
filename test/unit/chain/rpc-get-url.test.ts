/**
 * The agent's RPC transport (rpc-get-url.ts) joins an answer's chunks once instead of
 * copying the body for every chunk as ethers' transport does, and otherwise behaves as
 * ethers' does: body intact, gzip inflated, timeouts and cancels as ethers errors. A
 * loopback server on port 0 (no chain).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { FetchRequest } from 'ethers';
import { afterEach, describe, expect, it } from 'vitest';
import { collectingGetUrl } from '../../../electron/agent/chain/rpc-get-url';
import { rpcFetchRequest } from '../../../electron/agent/chain/rpc-provider';

let server: http.Server | null = null;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
});

const serve = async (handler: http.RequestListener): Promise<string> => {
  server = http.createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
};

describe('the RPC transport', () => {
  it('is what the agent\'s requests use unless a test gives its own', () => {
    expect(rpcFetchRequest('http://127.0.0.1:1/').getUrlFunc).toBe(collectingGetUrl);
  });

  it('gives a body sent in many chunks back whole, and a gzip one inflated', async () => {
    const body = Buffer.concat(Array.from({ length: 48 }, (_, i) => Buffer.alloc(64 * 1024, i % 251)));
    const url = await serve((req, res) => {
      if (req.url === '/gz') {
        res.writeHead(200, { 'content-encoding': 'gzip' });
        res.end(gzipSync(body));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'x-twice': ['a', 'b'] });
      // Written in pieces: the client sees many data events.
      let i = 0;
      const next = () => {
        if (i >= body.length) return res.end();
        res.write(body.subarray(i, i + 16 * 1024), next);
        i += 16 * 1024;
      };
      next();
    });
    const plain = await collectingGetUrl(new FetchRequest(url));
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['x-twice']).toBe('a, b');
    expect(Buffer.from(plain.body!).equals(body)).toBe(true);
    const gz = await collectingGetUrl(new FetchRequest(`${url}gz`));
    expect(Buffer.from(gz.body!).equals(body)).toBe(true);
  });

  it('fails a request past its timeout as ethers does, and refuses what ethers refuses', async () => {
    const url = await serve(() => undefined);
    const request = new FetchRequest(url);
    request.timeout = 200;
    await expect(collectingGetUrl(request)).rejects.toMatchObject({ code: 'TIMEOUT' });
    await expect(collectingGetUrl(new FetchRequest('ftp://example.invalid/'))).rejects.toMatchObject({ code: 'UNSUPPORTED_OPERATION' });
  });

  it('answers an RPC call end to end through the provider\'s request', async () => {
    const url = await serve((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        const { id } = JSON.parse(text) as { id: number };
        res.end(JSON.stringify({ jsonrpc: '2.0', id, result: '0x7a69' }));
      });
    });
    const request = rpcFetchRequest(url);
    request.body = JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'eth_chainId', params: [] });
    request.setHeader('content-type', 'application/json');
    const response = await request.send();
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(Buffer.from(response.body!).toString('utf8'))).toEqual({ jsonrpc: '2.0', id: 7, result: '0x7a69' });
  });
});
