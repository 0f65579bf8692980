/**
 * Headless transport: serves the built renderer at / and the agent's API under /api.
 *
 * The owner's listener is on 127.0.0.1 only. Every request needs the access token printed
 * at start:
 *  - the page: `/?token=…` once, which sets an HttpOnly SameSite=Strict cookie for assets;
 *  - calls: `POST /api/call/<name>` with `Authorization: Bearer <token>` (a header, so a
 *    foreign page cannot forge calls through the cookie);
 *  - events: WebSocket `/api/events?token=…` (browsers cannot set headers on WebSockets).
 * The Host header must name an address we listen on, which defeats DNS rebinding.
 *
 * With `lan` (the `--allow-lan` opt-in) a second listener serves the same dashboard to
 * other devices of the household, on its own port, with its own pairing token, and only
 * to watch: read calls (get…/list…) and events. The owner's token is never accepted
 * there (LAN traffic is plain HTTP; what a sniffer could take must not control the rig
 * or the wallet), and nothing is ever served without the pairing token.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { WebSocketServer } from 'ws';
import { httpPaths } from '../../../shared/api/contract';
import type { Result } from '../../../shared/api/result';
import type { Agent } from '../agent';
import type { Logger } from '../ports';
import { bearerToken, cookieValue, newAccessToken, tokenMatches } from './access-token';
import { lanHostNames } from './lan-addresses';
import { resolveStaticPath, sendStaticFile } from './static-files';

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

const COOKIES: Record<Scope, string> = { owner: 'rigshift_token', watch: 'rigshift_pair' };
const MAX_BODY = 256 * 1024;

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
  const cookie = COOKIES[scope];
  let allowedHosts = new Set<string>();

  // connect-src names the WebSocket of the host the page was loaded from (validated below).
  const securityHeaders = (host: string): Record<string, string> => ({
    'content-security-policy': `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws://${host}; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    // The token travels in the first URL: never leak it through a Referer.
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

  const readBody = (request: IncomingMessage): Promise<string | null> =>
    new Promise((resolveBody, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      request.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY) {
          resolveBody(null);
          request.destroy();
          return;
        }
        chunks.push(chunk);
      });
      request.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
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
    sendJson(response, host, 200, await agent.call(name, parsed));
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

    const fromQuery = url.searchParams.get('token');
    const fromCookie = cookieValue(request.headers.cookie, cookie);
    if (!tokenMatches(token, fromQuery) && !tokenMatches(token, fromCookie)) {
      response.writeHead(401, { ...securityHeaders(host), 'content-type': 'text/plain; charset=utf-8' });
      response.end(
        scope === 'owner'
          ? 'RigShift: missing or wrong access token. Open the link printed by `rigshift headless`.\n'
          : 'RigShift: missing or wrong pairing token. Open the pairing link printed by `rigshift headless --allow-lan`.\n',
      );
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405).end();
      return;
    }
    const headers = securityHeaders(host);
    if (tokenMatches(token, fromQuery)) headers['set-cookie'] = `${cookie}=${token}; HttpOnly; SameSite=Strict; Path=/`;
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

  const sockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  server.on('upgrade', (request, socket, head) => {
    const host = request.headers.host ?? '';
    const url = new URL(request.url ?? '/', `http://${host || 'invalid'}`);
    // Browsers always send Origin on WebSockets; it must be our own page.
    const requestOrigin = request.headers.origin;
    const originOk = requestOrigin === undefined || [...allowedHosts].some((h) => requestOrigin === `http://${h}`);
    if (url.pathname !== httpPaths.events || !allowedHosts.has(host) || !originOk || !tokenMatches(token, url.searchParams.get('token'))) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => {
      const unsubscribe = agent.onEvent((event) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(event));
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
    lan = { pairingUrl: `http://${shown}:${lanPort}/?token=${pairingToken}`, hosts: names, port: lanPort, pairingToken };
  }

  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    lan,
    close: async () => {
      await Promise.all([closeListener(owner), watcher ? closeListener(watcher) : Promise.resolve()]);
    },
  };
}
