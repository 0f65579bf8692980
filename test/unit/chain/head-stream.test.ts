/**
 * The head stream (head-stream.ts) against a fake WebSocket JSON-RPC server (the `ws`
 * package on a loopback port 0) and a fake latest-block read: newHeads pushed when offered,
 * polling when not, polling while a dropped socket is retried, and one socket for all.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ChainBlock } from '../../../electron/agent/chain/chain-port';
import { createHeadStream, type HeadStream, webSocketUrlOf } from '../../../electron/agent/chain/head-stream';

const hex = (n: number) => `0x${n.toString(16)}`;
const hashOf = (n: number) => `0x${n.toString(16).padStart(64, '0')}`;
const rawHead = (n: number) => ({ number: hex(n), hash: hashOf(n), parentHash: hashOf(n - 1), timestamp: hex(1_700_000_000 + n), logsBloom: `0x${'00'.repeat(256)}` });
const block = (n: number): ChainBlock => ({ number: n, hash: hashOf(n), parentHash: hashOf(n - 1), timestamp: 1_700_000_000 + n });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, ms = 3000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await sleep(10);
  }
}

/** A fake node: eth_subscribe("newHeads") answered (or refused), heads pushed on demand. */
async function fakeWsNode(options: { refuseSubscribe?: boolean } = {}) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const subscribed = new Set<WebSocket>();
  let connections = 0;
  let subscribes = 0;
  wss.on('connection', (socket) => {
    connections++;
    socket.on('message', (data) => {
      const request = JSON.parse(String(data)) as { id: number; method: string; params: unknown[] };
      if (request.method !== 'eth_subscribe') return;
      subscribes++;
      if (options.refuseSubscribe) {
        socket.send(JSON.stringify({ jsonrpc: '2.0', id: request.id, error: { code: -32601, message: 'the method eth_subscribe does not exist' } }));
        return;
      }
      socket.send(JSON.stringify({ jsonrpc: '2.0', id: request.id, result: '0xabc' }));
      subscribed.add(socket);
      socket.on('close', () => subscribed.delete(socket));
    });
  });
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    subscribed: () => subscribed.size,
    connections: () => connections,
    subscribes: () => subscribes,
    push(n: number) {
      for (const socket of subscribed) socket.send(JSON.stringify({ jsonrpc: '2.0', method: 'eth_subscription', params: { subscription: '0xabc', result: rawHead(n) } }));
    },
    dropAll() {
      for (const socket of subscribed) socket.terminate();
    },
    close: () => new Promise<void>((resolve) => {
      for (const socket of wss.clients) socket.terminate();
      wss.close(() => resolve());
    }),
  };
}

/** The latest block as a poll reads it, with a count of reads. */
function fakeRead(start: number) {
  let latest = start;
  let reads = 0;
  return {
    read: async () => {
      reads++;
      return block(latest);
    },
    set: (n: number) => (latest = n),
    reads: () => reads,
  };
}

describe('head stream', () => {
  let stream: HeadStream | null = null;
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    stream?.destroy();
    stream = null;
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('derives the WebSocket URL from the HTTP one', () => {
    expect(webSocketUrlOf('http://127.0.0.1:8545')).toBe('ws://127.0.0.1:8545/');
    expect(webSocketUrlOf('https://rpc.example.org/v1/key')).toBe('wss://rpc.example.org/v1/key');
    expect(webSocketUrlOf('not a url')).toBeNull();
  });

  it('takes heads pushed over newHeads and stops polling while subscribed; one socket for every listener', async () => {
    const node = await fakeWsNode();
    cleanups.push(node.close);
    const chain = fakeRead(10);
    stream = createHeadStream({ read: chain.read, wsUrl: node.url, pollMs: 30 });
    const a: number[] = [];
    const b: number[] = [];
    stream.onHead((h) => a.push(h.number));
    stream.onHead((h) => b.push(h.number));
    await until(() => stream!.via() === 'newHeads');
    expect(node.connections()).toBe(1);
    expect(node.subscribes()).toBe(1);
    const readsWhenSubscribed = chain.reads();
    node.push(11);
    node.push(12);
    node.push(12); // the same head again is not news
    await until(() => a.includes(12));
    await sleep(200); // ~6 poll intervals
    expect(chain.reads()).toBe(readsWhenSubscribed);
    expect(a).toEqual([10, 11, 12]);
    expect(b).toEqual([10, 11, 12]);
    expect(stream.head()?.number).toBe(12);
    expect(stream.head()?.parentHash).toBe(hashOf(11));
  });

  it('polls while a dropped socket is retried, and goes back to newHeads when it reconnects', async () => {
    const node = await fakeWsNode();
    cleanups.push(node.close);
    const chain = fakeRead(5);
    const vias: string[] = [];
    stream = createHeadStream({ read: chain.read, wsUrl: node.url, pollMs: 30, retryMinMs: 300, onVia: (via) => vias.push(via) });
    const seen: number[] = [];
    stream.onHead((h) => seen.push(h.number));
    await until(() => stream!.via() === 'newHeads');
    node.dropAll();
    await until(() => stream!.via() === 'poll');
    const reads = chain.reads();
    chain.set(6);
    await until(() => seen.includes(6)); // polled, not pushed
    expect(chain.reads()).toBeGreaterThan(reads);
    await until(() => stream!.via() === 'newHeads'); // retried after retryMinMs
    expect(node.connections()).toBe(2);
    node.push(7);
    await until(() => seen.includes(7));
    expect(seen).toEqual([5, 6, 7]);
    expect(vias).toEqual(['newHeads', 'poll', 'newHeads']);
  });

  it('polls only, and never asks again, when the endpoint refuses eth_subscribe', async () => {
    const node = await fakeWsNode({ refuseSubscribe: true });
    cleanups.push(node.close);
    const chain = fakeRead(1);
    stream = createHeadStream({ read: chain.read, wsUrl: node.url, pollMs: 30, retryMinMs: 50 });
    const seen: number[] = [];
    stream.onHead((h) => seen.push(h.number));
    await until(() => node.subscribes() === 1);
    chain.set(2);
    await until(() => seen.includes(2));
    await sleep(300);
    expect(stream.via()).toBe('poll');
    expect(node.connections()).toBe(1);
  });

  it('polls only when the URL answers the upgrade with plain HTTP (no WebSocket there)', async () => {
    let upgrades = 0;
    const server: Server = createServer((request, response) => {
      if (request.headers.upgrade) upgrades++;
      response.writeHead(400).end('POST JSON-RPC only');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const chain = fakeRead(1);
    const vias: string[] = [];
    stream = createHeadStream({
      read: chain.read,
      wsUrl: webSocketUrlOf(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
      pollMs: 30,
      retryMinMs: 50,
      onVia: (via, reason) => vias.push(`${via}: ${reason}`),
    });
    const seen: number[] = [];
    stream.onHead((h) => seen.push(h.number));
    chain.set(3);
    await until(() => seen.includes(3));
    await sleep(300);
    expect(upgrades).toBe(1);
    expect(stream.via()).toBe('poll');
    expect(vias).toEqual(['poll: no WebSocket at ' + webSocketUrlOf(`http://127.0.0.1:${(server.address() as AddressInfo).port}`) + ' (HTTP 400)']);
  });

  it('drops a socket that went quiet while the chain moved on (watchdog), and polls', async () => {
    const node = await fakeWsNode();
    cleanups.push(node.close);
    const chain = fakeRead(20);
    stream = createHeadStream({ read: chain.read, wsUrl: node.url, pollMs: 30, watchdogMs: 150, retryMinMs: 60_000 });
    const seen: number[] = [];
    stream.onHead((h) => seen.push(h.number));
    await until(() => stream!.via() === 'newHeads');
    node.push(21);
    await until(() => seen.includes(21));
    // The node keeps the socket open but pushes nothing more; the chain moves on.
    chain.set(23);
    await until(() => seen.includes(23), 2000);
    expect(stream.via()).toBe('poll');
  });

  it('closes the socket and stops reading when the last listener leaves', async () => {
    const node = await fakeWsNode();
    cleanups.push(node.close);
    const chain = fakeRead(1);
    stream = createHeadStream({ read: chain.read, wsUrl: node.url, pollMs: 30 });
    const off = stream.onHead(() => undefined);
    await until(() => node.subscribed() === 1);
    off();
    await until(() => node.subscribed() === 0);
    expect(stream.via()).toBeNull();
    expect(stream.head()).toBeNull();
    const reads = chain.reads();
    await sleep(150);
    expect(chain.reads()).toBe(reads);
  });

  it('without a WebSocket URL it polls, as before', async () => {
    const chain = fakeRead(1);
    stream = createHeadStream({ read: chain.read, pollMs: 30 });
    const seen: number[] = [];
    stream.onHead((h) => seen.push(h.number));
    chain.set(2);
    await until(() => seen.includes(2));
    expect(stream.via()).toBe('poll');
  });
});
