import { describe, expect, it, vi } from 'vitest';
import type { AgentEvent, ExposedApi } from '../../../shared/api/contract';
import {
  createApiClient,
  createHttpTransport,
  createIpcTransport,
  reconnectDelay,
  TOKEN_STORAGE_KEY,
  type ConnectionState,
} from '../../../renderer/lib/api-client';
import { snapshotQuery } from '../../../renderer/lib/query/follow-queries';
import { observe } from './query-harness';
import { fakeBrowser, flush, json } from './fake-browser';
import { checksReport, detection, snapshot } from './fixtures';

function httpClient(browser: ReturnType<typeof fakeBrowser>) {
  const client = createApiClient(createHttpTransport(browser.env));
  const states: ConnectionState[] = [];
  client.onConnection((s) => states.push(s));
  return { client, states };
}

describe('headless token handling', () => {
  it('takes the token from the URL fragment, keeps it in sessionStorage and removes it from the address bar', () => {
    const browser = fakeBrowser('http://127.0.0.1:4000/?x=1#token=abc&top=1');
    httpClient(browser);
    expect(browser.storage.get(TOKEN_STORAGE_KEY)).toBe('abc');
    expect(browser.env.history.replaceState).toHaveBeenCalledWith(null, '', '/?x=1#top=1');
  });

  it('keeps the page named after the token in the fragment', () => {
    const browser = fakeBrowser('http://127.0.0.1:4000/#token=abc#/controls');
    httpClient(browser);
    expect(browser.storage.get(TOKEN_STORAGE_KEY)).toBe('abc');
    expect(browser.env.history.replaceState).toHaveBeenCalledWith(null, '', '/#/controls');
  });

  it('opens the event socket with the token as a subprotocol, never in its URL', () => {
    const browser = fakeBrowser('http://127.0.0.1:4000/#token=abc');
    httpClient(browser);
    expect(browser.lastSocket().url).toBe('ws://127.0.0.1:4000/api/events');
    expect(browser.lastSocket().protocols).toEqual(['rigshift.events', 'rigshift.token.abc']);
    expect(browser.env.history.replaceState).toHaveBeenCalledWith(null, '', '/');
  });

  it('ignores a token in the query string (it was sent to the server)', async () => {
    const browser = fakeBrowser('http://127.0.0.1:4000/?token=abc');
    const { client } = httpClient(browser);
    expect(client.connection()).toBe('unauthorized');
    expect(browser.storage.get(TOKEN_STORAGE_KEY)).toBeUndefined();
  });

  it('falls back to the token kept in sessionStorage after a reload', async () => {
    const browser = fakeBrowser('http://127.0.0.1:4000/', () => json({ ok: true, value: detection }));
    browser.storage.set(TOKEN_STORAGE_KEY, 'kept');
    const { client } = httpClient(browser);
    expect(browser.env.history.replaceState).not.toHaveBeenCalled();
    await client.detectHardware({});
    const [, init] = browser.env.fetch.mock.calls[0]!;
    expect((init?.headers as Record<string, string>).authorization).toBe('Bearer kept');
  });

  it('without any token it is unauthorized at once and never touches the network', async () => {
    const browser = fakeBrowser('http://127.0.0.1:4000/');
    const { client } = httpClient(browser);
    expect(client.connection()).toBe('unauthorized');
    const result = await client.getSnapshot({});
    expect(result).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(result.ok || result.error.hint).toContain('rigshift headless');
    expect(browser.env.fetch).not.toHaveBeenCalled();
    expect(browser.timers).toHaveLength(0);
  });
});

describe('headless calls', () => {
  it('POSTs the request as JSON with the bearer token and returns the parsed value', async () => {
    const browser = fakeBrowser(undefined, () => json({ ok: true, value: checksReport }));
    const { client } = httpClient(browser);
    const result = await client.runChecks({});
    expect(result).toEqual({ ok: true, value: checksReport });
    const [url, init] = browser.env.fetch.mock.calls[0]!;
    expect(url).toBe('/api/call/runChecks');
    expect(init).toMatchObject({
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer abc' },
      body: '{}',
    });
  });

  it('passes the request body through', async () => {
    const browser = fakeBrowser(undefined, () => json({ ok: true, value: { runId: 'r1' } }));
    const { client } = httpClient(browser);
    await client.startBenchmark({ target: { kind: 'gpu', gpuUuid: 'GPU-1' } });
    expect(JSON.parse(browser.env.fetch.mock.calls[0]![1]!.body as string)).toEqual({
      target: { kind: 'gpu', gpuUuid: 'GPU-1' },
    });
  });

  it('returns the agent error envelope as it is', async () => {
    const error = { code: 'docker_unreachable', message: 'Docker is not running.', hint: 'Start Docker.' };
    const browser = fakeBrowser(undefined, () => json({ ok: false, error }, 503));
    const { client } = httpClient(browser);
    expect(await client.runChecks({})).toEqual({ ok: false, error });
  });

  it('turns a network failure into agent_unreachable instead of a rejection', async () => {
    const browser = fakeBrowser(undefined, () => {
      throw new TypeError('Failed to fetch');
    });
    const { client } = httpClient(browser);
    const result = await client.getSnapshot({});
    expect(result).toMatchObject({ ok: false, error: { code: 'agent_unreachable' } });
    expect(result.ok || result.error.hint).toBeTruthy();
  });

  it('reports an answer that does not match the contract as invalid_response', async () => {
    const browser = fakeBrowser(undefined, () => json({ ok: true, value: { runId: 42 } }));
    const { client } = httpClient(browser);
    expect(await client.startBenchmark({ target: { kind: 'auto' } })).toMatchObject({
      ok: false,
      error: { code: 'invalid_response' },
    });
  });

  it('reports a non-envelope HTTP error with its status', async () => {
    const browser = fakeBrowser(undefined, () => new Response('gateway down', { status: 502 }));
    const { client } = httpClient(browser);
    expect(await client.getSnapshot({})).toMatchObject({ ok: false, error: { code: 'http_502' } });
  });

  it('on 401 returns the error, becomes unauthorized and stops the event socket for good', async () => {
    const error = { code: 'unauthorized', message: 'Wrong token.' };
    const browser = fakeBrowser(undefined, () => json({ ok: false, error }, 401));
    const { client, states } = httpClient(browser);
    const socket = browser.lastSocket();
    expect(await client.getSnapshot({})).toEqual({ ok: false, error });
    expect(client.connection()).toBe('unauthorized');
    expect(states).toEqual(['unauthorized']);
    expect(socket.closed).toBe(true);
    expect(browser.timers).toHaveLength(0);
  });

  it('answers unauthorized with the access-link hint when the 401 has no envelope', async () => {
    const browser = fakeBrowser(undefined, () => new Response('no', { status: 401 }));
    const { client } = httpClient(browser);
    const result = await client.getSnapshot({});
    expect(result).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  });
});

describe('headless events', () => {
  it('dispatches contract events and drops malformed ones', () => {
    const browser = fakeBrowser();
    const { client } = httpClient(browser);
    const seen: AgentEvent[] = [];
    client.onEvent((e) => seen.push(e));
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const socket = browser.lastSocket();
    socket.open();
    socket.send({ name: 'detecting', payload: { detecting: true } });
    socket.send({ name: 'detection', payload: detection });
    socket.send({ name: 'detecting', payload: { detecting: 'yes' } });
    socket.send({ name: 'noSuchEvent', payload: {} });
    socket.send('not json');
    expect(seen).toEqual([
      { name: 'detecting', payload: { detecting: true } },
      { name: 'detection', payload: detection },
    ]);
    expect(warn).toHaveBeenCalledTimes(2);
    warn.mockRestore();
  });

  it('unsubscribes', () => {
    const browser = fakeBrowser();
    const { client } = httpClient(browser);
    const listener = vi.fn();
    const off = client.onEvent(listener);
    browser.lastSocket().open();
    off();
    browser.lastSocket().send({ name: 'detecting', payload: { detecting: true } });
    expect(listener).not.toHaveBeenCalled();
  });

  it('reconnects with bounded backoff from 0.5 s to 5 s and resets after a success', () => {
    expect([0, 1, 2, 3, 4, 5, 9].map(reconnectDelay)).toEqual([500, 1000, 2000, 4000, 5000, 5000, 5000]);
    const browser = fakeBrowser(undefined, () => json({ ok: false, error: { code: 'x', message: 'y' } }, 500));
    const { states } = httpClient(browser);
    browser.lastSocket().open();
    browser.lastSocket().drop();
    expect(states).toEqual(['connected', 'reconnecting']);
    const delays: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      delays.push(...browser.fireTimers());
      browser.lastSocket().drop();
    }
    expect(delays).toEqual([500, 1000, 2000, 4000, 5000, 5000]);
    browser.fireTimers();
    browser.lastSocket().open();
    browser.lastSocket().drop();
    expect(browser.fireTimers()).toEqual([500]);
    expect(states.at(-1)).toBe('reconnecting');
  });

  it('treats a socket closed with 4401 as a wrong token', () => {
    const browser = fakeBrowser();
    const { client } = httpClient(browser);
    browser.lastSocket().drop(4401);
    expect(client.connection()).toBe('unauthorized');
    expect(browser.timers).toHaveLength(0);
  });

  it('finds out about a wrong token when the socket never opens', async () => {
    const browser = fakeBrowser(undefined, () => json({ ok: false, error: { code: 'unauthorized', message: 'no' } }, 401));
    const { client } = httpClient(browser);
    browser.lastSocket().drop();
    await flush();
    expect(client.connection()).toBe('unauthorized');
    expect(browser.timers).toHaveLength(0);
  });

  it('re-fetches the snapshot after reconnecting, and the query cache shows it', async () => {
    let version = '1';
    const browser = fakeBrowser(undefined, (url) => {
      if (url !== '/api/call/getSnapshot') return json({ ok: false, error: { code: 'x', message: 'unexpected' } });
      return json({ ok: true, value: snapshot({ agent: { ...snapshot().agent, version } }) });
    });
    const { client } = httpClient(browser);
    const view = observe(client, (c) => snapshotQuery(c, client));
    browser.lastSocket().open();
    await flush();
    expect(view.data()?.agent.version).toBe('1');
    const snapshotCalls = () => browser.env.fetch.mock.calls.filter(([u]) => u === '/api/call/getSnapshot').length;
    const before = snapshotCalls();

    browser.lastSocket().drop();
    expect(client.connection()).toBe('reconnecting');
    version = '2';
    browser.fireTimers();
    browser.lastSocket().open();
    await flush();
    expect(snapshotCalls()).toBe(before + 1);
    expect(client.connection()).toBe('connected');
    expect(view.data()?.agent.version).toBe('2');
  });
});

describe('IPC transport', () => {
  function exposed(overrides: Partial<ExposedApi> = {}) {
    let listener: ((e: AgentEvent) => void) | null = null;
    const api = {
      getSnapshot: vi.fn(async () => ({ ok: true as const, value: snapshot() })),
      detectHardware: vi.fn(async () => ({ ok: true as const, value: detection })),
      runChecks: vi.fn(),
      startBenchmark: vi.fn(),
      cancelBenchmark: vi.fn(),
      listBenchmarks: vi.fn(),
      updateSettings: vi.fn(),
      onEvent: vi.fn((l: (e: AgentEvent) => void) => {
        listener = l;
        return () => {
          listener = null;
        };
      }),
      ...overrides,
    } as unknown as ExposedApi;
    return { api, emit: (e: unknown) => listener?.(e as AgentEvent) };
  }

  it('calls the named preload function and validates the answer', async () => {
    const { api } = exposed();
    const client = createApiClient(createIpcTransport(api));
    expect(client.connection()).toBe('connected');
    expect(await client.detectHardware({})).toEqual({ ok: true, value: detection });
    expect(api.detectHardware).toHaveBeenCalledWith({});
  });

  it('turns a thrown IPC error into agent_unreachable', async () => {
    const { api } = exposed({ runChecks: vi.fn(async () => Promise.reject(new Error('gone'))) });
    const client = createApiClient(createIpcTransport(api));
    expect(await client.runChecks({})).toMatchObject({ ok: false, error: { code: 'agent_unreachable' } });
  });

  it('forwards valid events only', () => {
    const { api, emit } = exposed();
    const client = createApiClient(createIpcTransport(api));
    const seen: AgentEvent[] = [];
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    client.onEvent((e) => seen.push(e));
    emit({ name: 'checks', payload: { report: null, running: true } });
    emit({ name: 'checks', payload: { running: true } });
    expect(seen).toEqual([{ name: 'checks', payload: { report: null, running: true } }]);
    warn.mockRestore();
  });
});
