/**
 * Headless transport: serves the built renderer at / and the agent's API under /api.
 *
 * The owner's listener is on 127.0.0.1 only. The link printed at start carries the access
 * token in its fragment (`/#token=…`, see shared/api/headless-auth.ts), which no browser
 * sends to a server:
 *  - the page and its assets are the public renderer bundle, served without a credential
 *    (they hold no data); nothing sets a cookie, because cookies are not scoped by port and
 *    every other server on 127.0.0.1 would receive it;
 *  - calls: `POST /api/call/<name>` with `Authorization: Bearer <token>`;
 *  - events: WebSocket `/api/events` offering the subprotocol `rigshift.token.<token>`
 *    (browsers cannot set other headers on WebSockets; URLs end up in logs).
 * The Host header must name an address we listen on, which defeats DNS rebinding.
 *
 * With `lan` (the `--allow-lan` opt-in) a second listener serves the same dashboard to
 * other devices of the household, on its own port, with its own pairing token, and only
 * to watch: read calls (get…/list…) and events. The owner's token is never accepted
 * there (LAN traffic is plain HTTP; what a sniffer could take must not control the rig
 * or the wallet), no data is served without the pairing token, and RPC endpoints are cut
 * down to their host (their path or query often holds an API key).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { WebSocketServer } from 'ws';
import { httpPaths } from '../../../shared/api/contract';
import type { Result } from '../../../shared/api/result';
import type { Agent } from '../agent';
import type { Logger } from '../ports';
import { dashboardLink, EVENTS_PROTOCOL } from '../../../shared/api/headless-auth';
import { bearerToken, newAccessToken, tokenFromProtocols, tokenMatches } from './access-token';
import { lanHostNames } from './lan-addresses';
import { resolveStaticPath, sendStaticFile } from './static-files';
import { redactForWatchers } from './watch-redaction';

export interface HeadlessServerOptions {
  agent: Agent;
  /** The built renderer (dist/renderer). */
  staticDir: string;
  logger: Logger;
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  token?: string;
  /** Opt-in: also serve a watch-only dashboard to the LAN. */
  lan?: {
    /** '0.0.0.0' (every interface) or one local address. */
    host: string;
    /** 0 (the default) picks a free port. */
    port?: number;
    pairingToken?: string;
  };
}

export interface LanListener {
  /** The link to open on a phone: the first LAN address, with the pairing token. */
  pairingUrl: string;
  /** Every address the LAN listener answers on (what the Host header may name). */
  hosts: string[];
  port: number;
  pairingToken: string;
}

export interface HeadlessServer {
  url: string;
  origin: string;
  port: number;
  token: string;
  lan: LanListener | null;
  close(): Promise<void>;
}

type Scope = 'owner' | 'watch';

const MAX_BODY = 256 * 1024;
/**
 * After refusing a body as too large we keep reading (and dropping) up to this much, so
 * the 413 reaches the client: closing a socket with unread data makes the kernel send a
 * reset, which discards the answer on the client's side.
 */
const MAX_DRAIN = 64 * 1024 * 1024;

/**
 * What a paired LAN device may call: reads only. Anything that could reveal a secret is
 * refused even when it is named like a read.
 */
export function isWatchCall(name: string): boolean {
  return /^(get|list)[A-Z]/.test(name) && !/reveal|mnemonic|secret|private|seed|phrase|recovery|backup|export|key/i.test(name);
}

const unauthorized = (scope: Scope): Result<never> => ({
  ok: false,
  error: {
    code: 'unauthorized',
    message: scope === 'owner' ? 'Missing or wrong access token.' : 'Missing or wrong pairing token.',
    hint:
      scope === 'owner'
        ? 'Open the link printed by `rigshift headless`; it contains the token.'
        : 'Open the pairing link printed by `rigshift headless --allow-lan` on the RigShift machine.',
  },
});

const watchOnly = (name: string): Result<never> => ({
  ok: false,
  error: {
    code: 'watch_only',
    message: `This device is paired to watch only; ${name} changes the rig.`,
    hint: 'Make changes on the RigShift machine itself (the link with the access token).',
  },
});

interface ListenerOptions {
  agent: Agent;
  staticDir: string;
  logger: Logger;
  token: string;
  scope: Scope;
}

interface Listener {
  server: Server;
  sockets: WebSocketServer;
  /** Set once listening: the Host values (host:port) this listener answers. */
  setHosts(hosts: string[]): void;
}

function createListener(options: ListenerOptions): Listener {
  const { agent, logger, token, scope } = options;
  const staticDir = resolve(options.staticDir);
  let allowedHosts = new Set<string>();

  // connect-src names the WebSocket of the host the page was loaded from (validated below).
  const securityHeaders = (host: string): Record<string, string> => ({
    'content-security-policy': `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws://${host}; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    // Belt and braces: a fragment never goes into a Referer, and nothing else should either.
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  });

  const sendJson = (response: ServerResponse, host: string, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    response.writeHead(status, {
      ...securityHeaders(host),
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(text)),
    });
    response.end(text);
  };

  /** The body, or null when it is over MAX_BODY (the rest is then read and dropped). */
  const readBody = (request: IncomingMessage): Promise<string | null> =>
    new Promise((resolveBody, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let tooLarge = Number(request.headers['content-length'] ?? 0) > MAX_BODY;
      if (tooLarge) resolveBody(null);
      request.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (tooLarge) {
          if (size > MAX_DRAIN) request.destroy();
          return;
        }
        if (size > MAX_BODY) {
          tooLarge = true;
          chunks.length = 0;
          resolveBody(null);
          return;
        }
        chunks.push(chunk);
      });
      request.on('end', () => resolveBody(tooLarge ? null : Buffer.concat(chunks).toString('utf8')));
      request.on('error', reject);
    });

  const handleCall = async (request: IncomingMessage, response: ServerResponse, host: string, name: string) => {
    if (!tokenMatches(token, bearerToken(request.headers.authorization))) return sendJson(response, host, 401, unauthorized(scope));
    if (request.method !== 'POST') {
      return sendJson(response, host, 405, { ok: false, error: { code: 'method_not_allowed', message: 'Use POST.' } });
    }
    if (scope === 'watch' && !isWatchCall(name)) return sendJson(response, host, 403, watchOnly(name));
    const body = await readBody(request);
    if (body === null) {
      return sendJson(response, host, 413, { ok: false, error: { code: 'too_large', message: 'Request body too large.' } });
    }
    let parsed: unknown;
    try {
      parsed = body.trim() ? JSON.parse(body) : {};
    } catch {
      return sendJson(response, host, 400, { ok: false, error: { code: 'invalid_json', message: 'Request body is not JSON.' } });
    }
    const result = await agent.call(name, parsed);
    sendJson(response, host, 200, scope === 'watch' ? redactForWatchers(result) : result);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const host = request.headers.host ?? '';
    if (!allowedHosts.has(host)) {
      response.writeHead(403, { 'content-type': 'text/plain' }).end('Forbidden host');
      return;
    }
    const url = new URL(request.url ?? '/', `http://${host}`);
    const callPrefix = httpPaths.call('getSnapshot').replace('getSnapshot', '');
    if (url.pathname.startsWith(callPrefix)) return handleCall(request, response, host, url.pathname.slice(callPrefix.length));
    if (url.pathname.startsWith('/api/')) {
      return sendJson(response, host, 404, { ok: false, error: { code: 'not_found', message: 'No such API path.' } });
    }

    // The page and its assets: the public bundle, no credential, no cookie (see the top).
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405).end();
      return;
    }
    const headers = securityHeaders(host);
    const path = resolveStaticPath(staticDir, url.pathname);
    if (path && sendStaticFile(response, path, headers)) return;
    response.writeHead(404, { ...headers, 'content-type': 'text/plain' }).end('Not found');
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      logger.error('headless: request failed', { error: String(error) });
      if (!response.headersSent) sendJson(response, request.headers.host ?? '', 500, { ok: false, error: { code: 'internal', message: 'Internal error.' } });
      else response.destroy();
    });
  });

  // The answer names our protocol, never the offered token (it would only echo it back).
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024, handleProtocols: () => EVENTS_PROTOCOL });
  server.on('upgrade', (request, socket, head) => {
    const host = request.headers.host ?? '';
    const url = new URL(request.url ?? '/', `http://${host || 'invalid'}`);
    // Browsers always send Origin on WebSockets; it must be our own page.
    const requestOrigin = request.headers.origin;
    const originOk = requestOrigin === undefined || [...allowedHosts].some((h) => requestOrigin === `http://${h}`);
    if (url.pathname !== httpPaths.events || !allowedHosts.has(host) || !originOk || !tokenMatches(token, tokenFromProtocols(request.headers['sec-websocket-protocol']))) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => {
      const unsubscribe = agent.onEvent((event) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(scope === 'watch' ? redactForWatchers(event) : event));
      });
      ws.on('close', unsubscribe);
      ws.on('error', unsubscribe);
    });
  });

  return { server, sockets, setHosts: (hosts) => (allowedHosts = new Set(hosts)) };
}

async function listen(listener: Listener, host: string, port: number): Promise<number> {
  await new Promise<void>((resolveListen, reject) => {
    listener.server.once('error', reject);
    listener.server.listen(port, host, () => resolveListen());
  });
  return (listener.server.address() as AddressInfo).port;
}

const closeListener = (listener: Listener) =>
  new Promise<void>((resolveClose) => {
    for (const client of listener.sockets.clients) client.terminate();
    listener.sockets.close();
    listener.server.closeAllConnections();
    listener.server.close(() => resolveClose());
  });

export async function startHeadlessServer(options: HeadlessServerOptions): Promise<HeadlessServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? newAccessToken();
  const owner = createListener({ ...options, token, scope: 'owner' });
  const port = await listen(owner, host, options.port ?? 0);
  const origin = `http://${host}:${port}`;
  owner.setHosts([`${host}:${port}`, `localhost:${port}`]);

  let lan: LanListener | null = null;
  let watcher: Listener | null = null;
  if (options.lan) {
    const pairingToken = options.lan.pairingToken ?? newAccessToken();
    if (tokenMatches(token, pairingToken)) throw new Error('the pairing token must differ from the access token');
    watcher = createListener({ ...options, token: pairingToken, scope: 'watch' });
    let lanPort: number;
    try {
      lanPort = await listen(watcher, options.lan.host, options.lan.port ?? 0);
    } catch (error) {
      await closeListener(owner);
      throw error;
    }
    const names = lanHostNames(options.lan.host);
    watcher.setHosts(names.flatMap((name) => [`${name}:${lanPort}`]));
    const shown = names.find((n) => n !== 'localhost' && !n.startsWith('127.')) ?? names[0]!;
    lan = { pairingUrl: dashboardLink(`http://${shown}:${lanPort}`, pairingToken), hosts: names, port: lanPort, pairingToken };
  }

  return {
    url: dashboardLink(origin, token),
    origin,
    port,
    token,
    lan,
    close: async () => {
      await Promise.all([closeListener(owner), watcher ? closeListener(watcher) : Promise.resolve()]);
    },
  };
}
