import { vi } from 'vitest';
import type { BrowserEnv, WebSocketLike } from '../../../renderer/lib/api-client';

/** A WebSocket the test opens, feeds and drops by hand. */
export class FakeWebSocket implements WebSocketLike {
  static instances: FakeWebSocket[] = [];
  onopen: WebSocketLike['onopen'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onclose: WebSocketLike['onclose'] = null;
  onerror: WebSocketLike['onerror'] = null;
  closed = false;
  constructor(
    readonly url: string,
    readonly protocols?: string | string[],
  ) {
    FakeWebSocket.instances.push(this);
  }
  close(): void {
    this.closed = true;
  }
  open(): void {
    this.onopen?.({});
  }
  send(data: unknown): void {
    this.onmessage?.({ data: typeof data === 'string' ? data : JSON.stringify(data) });
  }
  drop(code = 1006): void {
    this.closed = true;
    this.onerror?.({});
    this.onclose?.({ code });
  }
}

export type FetchHandler = (url: string, init: RequestInit) => Response | Promise<Response>;

export const json = (body: unknown, status = 200): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

export function fakeBrowser(href = 'http://127.0.0.1:4000/#token=abc', handler: FetchHandler = () => json({ ok: true, value: {} })) {
  FakeWebSocket.instances = [];
  const storage = new Map<string, string>();
  const timers: { fn: () => void; ms: number }[] = [];
  const url = new URL(href);
  const env = {
    fetch: vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => handler(String(input), init ?? {})),
    WebSocket: FakeWebSocket,
    location: { href, host: url.host, protocol: url.protocol },
    history: { state: null, replaceState: vi.fn() },
    sessionStorage: {
      getItem: (key: string) => storage.get(key) ?? null,
      setItem: (key: string, value: string) => void storage.set(key, value),
    },
    setTimeout: (fn: () => void, ms: number) => {
      timers.push({ fn, ms });
      return timers.length;
    },
    clearTimeout: () => {
      timers.length = 0;
    },
  } satisfies BrowserEnv;
  return {
    env,
    storage,
    timers,
    /** Runs the pending reconnect timer(s) and returns their delays. */
    fireTimers(): number[] {
      const due = timers.splice(0);
      for (const t of due) t.fn();
      return due.map((t) => t.ms);
    },
    lastSocket(): FakeWebSocket {
      const socket = FakeWebSocket.instances.at(-1);
      if (!socket) throw new Error('no WebSocket was opened');
      return socket;
    },
  };
}

/** Lets pending promise callbacks run. */
export const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
