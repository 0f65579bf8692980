/**
 * The one head stream of a chain connection (chain-port.ts): every new block, once, to
 * every listener, running only while somebody listens.
 *
 * Where the endpoint offers it, heads come pushed over WebSocket (eth_subscribe
 * "newHeads"; a Hardhat node serves ws:// on its HTTP port), so an idle agent makes no
 * request per block at all. Polling (one read of the latest block every pollMs) is the
 * fallback, and the bridge while the socket connects:
 *
 *   poll ──(subscribed)──► newHeads ──(socket closed / failed / stale)──► poll ──(retry)──► …
 *
 *  - An endpoint that answers the upgrade with plain HTTP (no WebSocket there), or refuses
 *    eth_subscribe, is not asked again for this connection: polling only.
 *  - A socket that drops is retried with backoff (retryMinMs doubling to retryMaxMs);
 *    polling carries the heads meanwhile, so none is missed.
 *  - A socket can also go quiet without closing: when no head came over it for watchdogMs,
 *    one latest-block read checks; a head newer than the socket gave means the socket is
 *    stale, and it is dropped (then as above). On a chain without new blocks that is one
 *    read per watchdogMs.
 */
import WebSocket from 'ws';
import type { ChainBlock } from './chain-port';

export type HeadVia = 'newHeads' | 'poll';

export interface HeadStreamOptions {
  /** Reads the latest block (uncached). */
  read: () => Promise<ChainBlock>;
  /** ws:// or wss:// URL to try eth_subscribe("newHeads") on; none: poll only. */
  wsUrl?: string | null;
  pollMs?: number;
  /** Told when a poll read fails (the hub checks the RPC then). */
  onError?: (error: unknown) => void;
  /** Told when the stream changes between newHeads and polling (logs). */
  onVia?: (via: HeadVia, reason: string) => void;
  retryMinMs?: number;
  retryMaxMs?: number;
  watchdogMs?: number;
  /** WebSocket handshake and subscribe answer timeout. */
  connectTimeoutMs?: number;
}

export interface HeadStream {
  /** The newest head while the stream runs; null otherwise (it would be stale). */
  head(): ChainBlock | null;
  onHead(listener: (head: ChainBlock) => void): () => void;
  /** A block read elsewhere (latestBlock()): reported to listeners if it is a new head. */
  publish(block: ChainBlock): void;
  /** How heads come now; null while nobody listens. */
  via(): HeadVia | null;
  destroy(): void;
}

interface RawHead {
  number: string;
  hash: string;
  parentHash: string;
  timestamp: string;
  logsBloom?: string;
}

export const blockFromRpc = (raw: RawHead): ChainBlock => ({
  number: Number(raw.number),
  hash: raw.hash,
  timestamp: Number(raw.timestamp),
  parentHash: raw.parentHash,
  logsBloom: raw.logsBloom,
});

/** The WebSocket URL of an HTTP JSON-RPC endpoint on the same host, port and path. */
export function webSocketUrlOf(rpcUrl: string): string | null {
  try {
    const url = new URL(rpcUrl);
    if (url.protocol === 'http:') url.protocol = 'ws:';
    else if (url.protocol === 'https:') url.protocol = 'wss:';
    else if (url.protocol !== 'ws:' && url.protocol !== 'wss:') return null;
    return url.toString();
  } catch {
    return null;
  }
}

const SUBSCRIBE_ID = 1;

export function createHeadStream(options: HeadStreamOptions): HeadStream {
  const pollMs = options.pollMs ?? 1000;
  const retryMinMs = options.retryMinMs ?? 5_000;
  const retryMaxMs = options.retryMaxMs ?? 300_000;
  const watchdogMs = options.watchdogMs ?? 15_000;
  const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
  const listeners = new Set<(head: ChainBlock) => void>();
  let head: ChainBlock | null = null;
  let running = false;
  let destroyed = false;
  let pollTimer: NodeJS.Timeout | null = null;
  let reading = false;
  let socket: WebSocket | null = null;
  let subscription: string | null = null;
  /** The endpoint offers no newHeads: not asked again. */
  let refused = !options.wsUrl;
  let retryMs = retryMinMs;
  let retryTimer: NodeJS.Timeout | null = null;
  let watchdog: NodeJS.Timeout | null = null;
  let lastPushAt = 0;
  let lastPushed = -1;

  const publish = (block: ChainBlock) => {
    const changed = !head || head.number !== block.number || head.hash !== block.hash;
    if (!head || block.number >= head.number || changed) head = block;
    if (!changed) return;
    for (const listener of [...listeners]) {
      try {
        listener(block);
      } catch {
        // A listener's failure is its own; the stream goes on.
      }
    }
  };

  const pollOnce = async () => {
    if (reading || !running) return;
    reading = true;
    try {
      const block = await options.read();
      if (running) publish(block);
    } catch (error) {
      if (running) options.onError?.(error);
    } finally {
      reading = false;
    }
  };

  const startPolling = () => {
    if (pollTimer || !running) return;
    pollTimer = setInterval(() => void pollOnce(), pollMs);
    pollTimer.unref?.();
  };
  const stopPolling = () => {
    if (pollTimer) clearInterval(pollTimer);
    pollTimer = null;
  };

  const stopWatchdog = () => {
    if (watchdog) clearInterval(watchdog);
    watchdog = null;
  };

  const closeSocket = () => {
    stopWatchdog();
    const open = socket;
    socket = null;
    subscription = null;
    if (open) {
      open.removeAllListeners();
      open.on('error', () => undefined);
      open.terminate();
    }
  };

  /** The socket is gone or useless: poll, and try again later unless the endpoint refused. */
  const fallBack = (reason: string, refuse: boolean) => {
    const wasPushing = subscription !== null;
    closeSocket();
    if (!running) return;
    if (refuse) refused = true;
    startPolling();
    if (wasPushing || refuse) options.onVia?.('poll', reason);
    if (refused || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      connect();
    }, retryMs);
    retryTimer.unref?.();
    retryMs = Math.min(retryMs * 2, retryMaxMs);
  };

  const onMessage = (data: WebSocket.RawData) => {
    let message: { id?: number; result?: unknown; error?: { message?: string }; method?: string; params?: { subscription?: string; result?: RawHead } };
    try {
      message = JSON.parse(data.toString()) as typeof message;
    } catch {
      return;
    }
    if (message.id === SUBSCRIBE_ID && subscription === null) {
      if (message.error || typeof message.result !== 'string') {
        fallBack(`eth_subscribe refused: ${message.error?.message ?? 'no subscription id'}`, true);
        return;
      }
      subscription = message.result;
      retryMs = retryMinMs;
      lastPushAt = Date.now();
      stopPolling();
      options.onVia?.('newHeads', 'subscribed');
      watchdog = setInterval(() => void checkStale(), watchdogMs);
      watchdog.unref?.();
      return;
    }
    const raw = message.params?.result;
    if (message.method === 'eth_subscription' && message.params?.subscription === subscription && raw) {
      let block: ChainBlock;
      try {
        block = blockFromRpc(raw);
      } catch {
        return;
      }
      lastPushAt = Date.now();
      lastPushed = Math.max(lastPushed, block.number);
      publish(block);
    }
  };

  /** Quiet socket: one read decides whether the chain is quiet too or the socket is stale. */
  const checkStale = async () => {
    if (!subscription || Date.now() - lastPushAt < watchdogMs) return;
    const subscribed = socket;
    try {
      const block = await options.read();
      if (socket !== subscribed || !running) return;
      if (block.number > lastPushed && lastPushed >= 0) fallBack(`no head over the socket for ${watchdogMs} ms while the chain moved`, false);
      // The head it found is news either way.
      publish(block);
      lastPushAt = Date.now();
    } catch (error) {
      options.onError?.(error);
    }
  };

  const connect = () => {
    if (!running || refused || socket || destroyed) return;
    let ws: WebSocket;
    try {
      ws = new WebSocket(options.wsUrl!, { handshakeTimeout: connectTimeoutMs });
    } catch (error) {
      fallBack(`cannot open ${options.wsUrl}: ${String(error)}`, true);
      return;
    }
    socket = ws;
    const answerTimer = setTimeout(() => {
      if (socket === ws && subscription === null) fallBack('no answer to eth_subscribe', false);
    }, connectTimeoutMs * 2);
    answerTimer.unref?.();
    ws.on('open', () => {
      ws.send(JSON.stringify({ jsonrpc: '2.0', id: SUBSCRIBE_ID, method: 'eth_subscribe', params: ['newHeads'] }));
    });
    ws.on('message', (data) => {
      if (socket === ws) onMessage(data);
    });
    // HTTP answered the upgrade: there is no WebSocket at this URL.
    ws.on('unexpected-response', (request, response) => {
      response.resume();
      request.destroy();
      if (socket === ws) fallBack(`no WebSocket at ${options.wsUrl} (HTTP ${response.statusCode})`, true);
    });
    ws.on('error', (error) => {
      if (socket === ws) fallBack(`WebSocket failed: ${error.message}`, false);
    });
    ws.on('close', () => {
      clearTimeout(answerTimer);
      if (socket === ws) fallBack('WebSocket closed', false);
    });
  };

  const start = () => {
    if (running || destroyed) return;
    running = true;
    // The first head at once, and polling until (unless) the subscription answers.
    void pollOnce();
    startPolling();
    connect();
  };

  const stop = () => {
    running = false;
    stopPolling();
    closeSocket();
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
    retryMs = retryMinMs;
  };

  return {
    head: () => (running ? head : null),
    onHead(listener) {
      listeners.add(listener);
      start();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) stop();
      };
    },
    publish,
    via: () => (running ? (subscription !== null ? 'newHeads' : 'poll') : null),
    destroy() {
      destroyed = true;
      stop();
      listeners.clear();
    },
  };
}
