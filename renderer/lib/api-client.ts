/**
 * The renderer's single data-access seam: the only module that touches a transport
 * (`window.rigshift` in the desktop app, HTTP + WebSocket in headless mode). Features get
 * the typed RigshiftApi from here and never see fetch, WebSocket or IPC.
 *
 * Every failure comes back as a Result error, never as a rejected promise: the UI shows
 * `message` and `hint` as they are.
 */
import {
  callNames,
  calls,
  events,
  httpPaths,
  type AgentEvent,
  type CallName,
  type ExposedApi,
  type RigshiftApi,
} from '../../shared/api/contract';
import { eventSocketProtocols, TOKEN_FRAGMENT_KEY } from '../../shared/api/headless-auth';
import { resultSchema, type ApiError, type Result } from '../../shared/api/result';
import { z } from 'zod';

/**
 * connecting: first connection not up yet; connected: events flow; reconnecting: the event
 * stream dropped and we retry; unauthorized: the access token is missing or wrong (headless).
 */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'unauthorized';

type RawListener = (event: unknown) => void;
type ConnectionListener = (state: ConnectionState) => void;

/** What carries calls and events. Implementations resolve, never reject. */
export interface Transport {
  readonly kind: 'ipc' | 'http';
  call(name: CallName, request: unknown): Promise<Result<unknown>>;
  /** Raw pushed events; the client validates them against the contract. */
  subscribe(listener: RawListener): () => void;
  connection(): ConnectionState;
  onConnection(listener: ConnectionListener): () => void;
  close(): void;
}

export type ApiClient = RigshiftApi & {
  readonly transportKind: Transport['kind'];
  onEvent(listener: (event: AgentEvent) => void): () => void;
  connection(): ConnectionState;
  onConnection(listener: ConnectionListener): () => void;
  close(): void;
};

export const UNREACHABLE_CODE = 'agent_unreachable';
export const UNAUTHORIZED_CODE = 'unauthorized';
export const INVALID_RESPONSE_CODE = 'invalid_response';
export const TOKEN_STORAGE_KEY = 'rigshift.token';

const apiError = (code: string, message: string, hint?: string): Result<never> => ({
  ok: false,
  error: hint === undefined ? { code, message } : { code, message, hint },
});

export const unreachable = (): Result<never> =>
  apiError(
    UNREACHABLE_CODE,
    'The RigShift agent cannot be reached.',
    'Check that RigShift (or `rigshift headless`) is still running, then try again.',
  );

const invalidResponse = (name: string): Result<never> =>
  apiError(
    INVALID_RESPONSE_CODE,
    `The agent sent an answer to "${name}" that this screen does not understand.`,
    'The app and the agent may be different versions: restart RigShift.',
  );

const envelopeSchema = resultSchema(z.unknown());

/** Wraps a transport into the typed API; validates answers and events at this boundary. */
export function createApiClient(transport: Transport): ApiClient {
  const invoke = async (name: CallName, request: unknown): Promise<Result<unknown>> => {
    let result: Result<unknown>;
    try {
      result = await transport.call(name, request);
    } catch {
      return unreachable();
    }
    if (!result.ok) return result;
    const parsed = calls[name].response.safeParse(result.value);
    return parsed.success ? { ok: true, value: parsed.data } : invalidResponse(name);
  };

  const api: Record<string, unknown> = {};
  for (const name of callNames) api[name] = (request: unknown) => invoke(name, request ?? {});

  const onEvent = (listener: (event: AgentEvent) => void) =>
    transport.subscribe((raw) => {
      const event = parseEvent(raw);
      if (event) listener(event);
      else console.warn('rigshift: dropped an event that does not match the contract', raw);
    });

  return Object.assign(api as RigshiftApi, {
    transportKind: transport.kind,
    onEvent,
    connection: () => transport.connection(),
    onConnection: (listener: ConnectionListener) => transport.onConnection(listener),
    close: () => transport.close(),
  });
}

export function parseEvent(raw: unknown): AgentEvent | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const { name, payload } = raw as { name?: unknown; payload?: unknown };
  if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(events, name)) return null;
  const parsed = events[name as keyof typeof events].safeParse(payload);
  return parsed.success ? ({ name, payload: parsed.data } as AgentEvent) : null;
}

/** Desktop app: the preload's named functions, already Result-shaped. */
export function createIpcTransport(exposed: ExposedApi): Transport {
  return {
    kind: 'ipc',
    async call(name, request) {
      try {
        const fn = exposed[name] as (request: unknown) => Promise<Result<unknown>>;
        const result = await fn(request);
        return envelopeSchema.safeParse(result).success ? result : invalidResponse(name);
      } catch {
        return unreachable();
      }
    },
    subscribe: (listener) => exposed.onEvent(listener),
    // IPC is up for as long as the window exists.
    connection: () => 'connected',
    onConnection: () => () => {},
    close: () => {},
  };
}

/** The parts of the browser the headless transport uses; tests pass fakes. */
export interface BrowserEnv {
  fetch: typeof fetch;
  WebSocket: new (url: string, protocols?: string | string[]) => WebSocketLike;
  location: Pick<Location, 'href' | 'host' | 'protocol'>;
  history: Pick<History, 'replaceState' | 'state'>;
  sessionStorage: Pick<Storage, 'getItem' | 'setItem'>;
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (id: unknown) => void;
}

export interface WebSocketLike {
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code?: number }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  /** 0 while connecting (the browser's WebSocket.CONNECTING). */
  readonly readyState?: number;
  close(): void;
}

export const RECONNECT_MIN_MS = 500;
export const RECONNECT_MAX_MS = 5000;
/** Close codes an agent may use to say "wrong token" on the event socket. */
const UNAUTHORIZED_CLOSE_CODES = new Set([1008, 4401]);

export const reconnectDelay = (attempt: number): number =>
  Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** attempt);

/**
 * Takes the token from the fragment, `#token=…` (the link `rigshift headless` prints: a
 * fragment never reaches a server or its logs), keeps it for this tab in sessionStorage
 * (scoped to this origin, port included, unlike a cookie) and removes it from the address
 * bar, so it does not end up in screenshots, bookmarks or the history. A `?token=` in the
 * query is ignored: it would have been sent to the server.
 */
export function takeToken(env: Pick<BrowserEnv, 'location' | 'history' | 'sessionStorage'>): string | null {
  const url = new URL(env.location.href);
  // `#token=T`, optionally followed by the page (`#token=T#/controls`) or more (`&x=1`).
  const match = new RegExp(`^#${TOKEN_FRAGMENT_KEY}=([^&#]+)(?:[&#](.*))?$`).exec(url.hash);
  // Tokens are base64url: nothing to decode (and a stray % must not throw here).
  const fromUrl = match?.[1] ?? null;
  if (fromUrl) {
    env.sessionStorage.setItem(TOKEN_STORAGE_KEY, fromUrl);
    const rest = match?.[2] ?? '';
    env.history.replaceState(env.history.state, '', url.pathname + url.search + (rest ? `#${rest}` : ''));
    return fromUrl;
  }
  return env.sessionStorage.getItem(TOKEN_STORAGE_KEY) || null;
}

/**
 * Headless mode: POST /api/call/<name> with a bearer token, events over a same-origin
 * WebSocket that offers the token as a subprotocol (never in its URL, never in a cookie).
 */
export function createHttpTransport(env: BrowserEnv = browserEnv()): Transport {
  const token = takeToken(env);
  const listeners = new Set<RawListener>();
  const connectionListeners = new Set<ConnectionListener>();
  let state: ConnectionState = token ? 'connecting' : 'unauthorized';
  let socket: WebSocketLike | null = null;
  let attempt = 0;
  let timer: unknown = null;
  let closed = false;

  const setState = (next: ConnectionState) => {
    if (state === next || state === 'unauthorized') return;
    state = next;
    for (const listener of [...connectionListeners]) listener(next);
  };

  const stop = () => {
    closed = true;
    if (timer !== null) env.clearTimeout(timer);
    timer = null;
    const s = socket;
    socket = null;
    if (s) {
      s.onclose = null;
      s.onmessage = null;
      // Closing a socket that is still connecting makes Chromium log a warning: let it
      // finish (or fail) first.
      if (s.readyState === 0) s.onopen = () => s.close();
      else s.close();
    }
  };

  const markUnauthorized = () => {
    setState('unauthorized');
    stop();
  };

  const post = async (name: CallName, request: unknown): Promise<Result<unknown>> => {
    if (!token) return unauthorizedResult();
    let response: Response;
    try {
      response = await env.fetch(httpPaths.call(name), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(request),
      });
    } catch {
      return unreachable();
    }
    if (response.status === 401) {
      markUnauthorized();
      const body = await readEnvelope(response);
      return body && !body.ok ? body : unauthorizedResult();
    }
    const body = await readEnvelope(response);
    if (body) return body;
    return response.ok
      ? invalidResponse(name)
      : apiError(`http_${response.status}`, `The agent answered with HTTP ${response.status}.`);
  };

  const connect = () => {
    if (closed || !token) return;
    timer = null;
    const scheme = env.location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new env.WebSocket(`${scheme}//${env.location.host}${httpPaths.events}`, eventSocketProtocols(token));
    let opened = false;
    socket = ws;
    ws.onopen = () => {
      opened = true;
      attempt = 0;
      setState('connected');
    };
    ws.onmessage = (message) => {
      if (typeof message.data !== 'string') return;
      let event: unknown;
      try {
        event = JSON.parse(message.data);
      } catch {
        return;
      }
      for (const listener of [...listeners]) listener(event);
    };
    ws.onerror = () => {};
    ws.onclose = (ev) => {
      if (socket !== ws || closed) return;
      socket = null;
      if (ev.code !== undefined && UNAUTHORIZED_CLOSE_CODES.has(ev.code)) return markUnauthorized();
      setState('reconnecting');
      // A socket that never opened may mean a wrong token (the upgrade is refused with
      // 401, which the WebSocket API does not expose): ask the call endpoint, which says so.
      if (!opened) void post('getSnapshot', {});
      const delay = reconnectDelay(attempt);
      attempt += 1;
      timer = env.setTimeout(connect, delay);
    };
  };

  connect();

  return {
    kind: 'http',
    call: post,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    connection: () => state,
    onConnection(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
    close: stop,
  };
}

function unauthorizedResult(): Result<never> {
  return apiError(
    UNAUTHORIZED_CODE,
    'This page has no valid access token for the agent.',
    'Open the link printed by `rigshift headless` (it contains the access token).',
  );
}

async function readEnvelope(response: Response): Promise<Result<unknown> | null> {
  try {
    const parsed = envelopeSchema.safeParse(await response.json());
    return parsed.success ? (parsed.data as Result<unknown>) : null;
  } catch {
    return null;
  }
}

function browserEnv(): BrowserEnv {
  return {
    fetch: (...args) => window.fetch(...args),
    WebSocket: window.WebSocket as unknown as BrowserEnv['WebSocket'],
    location: window.location,
    history: window.history,
    sessionStorage: window.sessionStorage,
    setTimeout: (fn, ms) => window.setTimeout(fn, ms),
    clearTimeout: (id) => window.clearTimeout(id as number),
  };
}

/** Picks the transport: IPC when the preload exposed `window.rigshift`, else headless HTTP. */
export function createDefaultApiClient(): ApiClient {
  const exposed = (window as Window & { rigshift?: ExposedApi }).rigshift;
  return createApiClient(exposed ? createIpcTransport(exposed) : createHttpTransport());
}

export type { ApiError };
