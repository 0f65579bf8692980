/**
 * Headless transport: serves the built renderer at / and the agent's API under /api on
 * 127.0.0.1 only. Every request needs the access token printed at start:
 *  - the page: `/?token=…` once, which sets an HttpOnly SameSite=Strict cookie for assets;
 *  - calls: `POST /api/call/<name>` with `Authorization: Bearer <token>` (a header, so a
 *    foreign page cannot forge calls through the cookie);
 *  - events: WebSocket `/api/events?token=…` (browsers cannot set headers on WebSockets).
 * The Host header must name the loopback address we listen on, which defeats DNS rebinding.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { WebSocketServer } from 'ws';
import { httpPaths } from '../../../shared/api/contract';
import type { Result } from '../../../shared/api/result';
import type { Agent } from '../agent';
import type { Logger } from '../ports';
import { bearerToken, cookieValue, newAccessToken, tokenMatches } from './access-token';
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
}

export interface HeadlessServer {
  url: string;
  origin: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const COOKIE = 'rigshift_token';
const MAX_BODY = 256 * 1024;

const unauthorized: Result<never> = {
  ok: false,
  error: {
    code: 'unauthorized',
    message: 'Missing or wrong access token.',
    hint: 'Open the link printed by `rigshift headless`; it contains the token.',
  },
};

export async function startHeadlessServer(options: HeadlessServerOptions): Promise<HeadlessServer> {
  const { agent, logger } = options;
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? newAccessToken();
  const staticDir = resolve(options.staticDir);
  let origin = '';
  let allowedHosts = new Set<string>();

  const securityHeaders = (): Record<string, string> => ({
    'content-security-policy': `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ${origin.replace('http', 'ws')}; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    // The token travels in the first URL: never leak it through a Referer.
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  });

  const sendJson = (response: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    response.writeHead(status, {
      ...securityHeaders(),
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

  const handleCall = async (request: IncomingMessage, response: ServerResponse, name: string) => {
    if (!tokenMatches(token, bearerToken(request.headers.authorization))) return sendJson(response, 401, unauthorized);
    if (request.method !== 'POST') {
      return sendJson(response, 405, { ok: false, error: { code: 'method_not_allowed', message: 'Use POST.' } });
    }
    const body = await readBody(request);
    if (body === null) {
      return sendJson(response, 413, { ok: false, error: { code: 'too_large', message: 'Request body too large.' } });
    }
    let parsed: unknown;
    try {
      parsed = body.trim() ? JSON.parse(body) : {};
    } catch {
      return sendJson(response, 400, { ok: false, error: { code: 'invalid_json', message: 'Request body is not JSON.' } });
    }
    sendJson(response, 200, await agent.call(name, parsed));
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    if (!allowedHosts.has(request.headers.host ?? '')) {
      response.writeHead(403, { 'content-type': 'text/plain' }).end('Forbidden host');
      return;
    }
    const url = new URL(request.url ?? '/', origin);
    const callPrefix = httpPaths.call('getSnapshot').replace('getSnapshot', '');
    if (url.pathname.startsWith(callPrefix)) return handleCall(request, response, url.pathname.slice(callPrefix.length));
    if (url.pathname.startsWith('/api/')) return sendJson(response, 404, { ok: false, error: { code: 'not_found', message: 'No such API path.' } });

    const fromQuery = url.searchParams.get('token');
    const fromCookie = cookieValue(request.headers.cookie, COOKIE);
    if (!tokenMatches(token, fromQuery) && !tokenMatches(token, fromCookie)) {
      response.writeHead(401, { ...securityHeaders(), 'content-type': 'text/plain; charset=utf-8' });
      response.end('RigShift: missing or wrong access token. Open the link printed by `rigshift headless`.\n');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405).end();
      return;
    }
    const headers = securityHeaders();
    if (tokenMatches(token, fromQuery)) headers['set-cookie'] = `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    const path = resolveStaticPath(staticDir, url.pathname);
    if (path && sendStaticFile(response, path, headers)) return;
    response.writeHead(404, { ...headers, 'content-type': 'text/plain' }).end('Not found');
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      logger.error('headless: request failed', { error: String(error) });
      if (!response.headersSent) sendJson(response, 500, { ok: false, error: { code: 'internal', message: 'Internal error.' } });
      else response.destroy();
    });
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', origin);
    // Browsers always send Origin on WebSockets; it must be our own page.
    const requestOrigin = request.headers.origin;
    const originOk = requestOrigin === undefined || [...allowedHosts].some((h) => requestOrigin === `http://${h}`);
    if (
      url.pathname !== httpPaths.events ||
      !allowedHosts.has(request.headers.host ?? '') ||
      !originOk ||
      !tokenMatches(token, url.searchParams.get('token'))
    ) {
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

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolveListen());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://${host}:${port}`;
  allowedHosts = new Set([`${host}:${port}`, `localhost:${port}`]);

  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    close: () =>
      new Promise<void>((resolveClose) => {
        for (const client of sockets.clients) client.terminate();
        sockets.close();
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
}
