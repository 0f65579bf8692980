import { randomBytes, timingSafeEqual } from 'node:crypto';
import { TOKEN_PROTOCOL_PREFIX } from '../../../shared/api/headless-auth';

/** 256 random bits, URL-safe. */
export const newAccessToken = (): string => randomBytes(32).toString('base64url');

/** Constant-time comparison so the token cannot be guessed byte by byte from timings. */
export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Reads `Authorization: Bearer <token>`. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1] ?? null;
}

/**
 * The token a WebSocket offered as `rigshift.token.<token>` in Sec-WebSocket-Protocol
 * (see shared/api/headless-auth.ts), or null. The query string is never read: URLs end up
 * in logs.
 */
export function tokenFromProtocols(header: string | string[] | undefined): string | null {
  const values = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((v) => v.trim());
  const offered = values.find((v) => v.startsWith(TOKEN_PROTOCOL_PREFIX));
  return offered ? offered.slice(TOKEN_PROTOCOL_PREFIX.length) : null;
}
