import { createReadStream, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** Maps a URL path into `root`, refusing anything that would leave it. */
export function resolveStaticPath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const relative = normalize(decoded === '/' ? '/index.html' : decoded).replace(/^[/\\]+/, '');
  const full = join(root, relative);
  return full === root || full.startsWith(root.endsWith(sep) ? root : root + sep) ? full : null;
}

export function sendStaticFile(response: ServerResponse, path: string, headers: Record<string, string>): boolean {
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) return false;
    size = stat.size;
  } catch {
    return false;
  }
  response.writeHead(200, {
    ...headers,
    'content-type': MIME[extname(path)] ?? 'application/octet-stream',
    'content-length': String(size),
  });
  createReadStream(path).pipe(response);
  return true;
}
