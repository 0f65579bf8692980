import { formatMicros } from '../../../shared/domain/price-floor';

/**
 * Display helpers for the Market page. Money arrives as decimal strings of token micros
 * (6 decimals, 1 USD = 1_000_000) and stays bigint until it becomes text.
 */

/** "$0.30" from "300000"; "—" for anything that is not a whole number of micros. */
export function usdFromMicros(micros: string | bigint | null | undefined, options: { maxDecimals?: number } = {}): string {
  if (micros === null || micros === undefined) return '—';
  let value: bigint;
  try {
    value = typeof micros === 'bigint' ? micros : BigInt(micros);
  } catch {
    return '—';
  }
  const negative = value < 0n;
  const text = formatMicros(negative ? -value : value, { minDecimals: 2, maxDecimals: options.maxDecimals ?? 6 });
  return `${negative ? '-' : ''}$${text}`;
}

/** "$0.30/h". */
export const usdPerHour = (micros: string | bigint | null | undefined): string => `${usdFromMicros(micros)}/h`;

/** "0x12ab…cd34": enough to tell addresses apart at a glance (the whole one goes in a title). */
export function shortAddress(address: string | null | undefined): string {
  if (!address) return '—';
  return /^0x[0-9a-fA-F]{40}$/.test(address) ? `${address.slice(0, 6)}…${address.slice(-4)}` : address;
}

/** "0x1234abcd…9f0e" for transaction hashes. */
export function shortHash(hash: string): string {
  return /^0x[0-9a-fA-F]{64}$/.test(hash) ? `${hash.slice(0, 10)}…${hash.slice(-6)}` : hash;
}

/** A length of time in words: "45 s", "20 min", "1 h 30 min", "2 d 4 h". */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const restMin = minutes % 60;
  if (hours < 48) return restMin === 0 ? `${hours} h` : `${hours} h ${restMin} min`;
  const days = Math.floor(hours / 24);
  const restH = hours % 24;
  return restH === 0 ? `${days} d` : `${days} d ${restH} h`;
}

/** "in 12 min", "3 min ago", "now": a deadline or event time relative to `nowMs`. */
export function relativeTime(atMs: number | null, nowMs: number): string {
  if (atMs === null || !Number.isFinite(atMs)) return '—';
  const delta = Math.round((atMs - nowMs) / 1000);
  if (Math.abs(delta) < 5) return 'now';
  return delta > 0 ? `in ${formatSeconds(delta)}` : `${formatSeconds(-delta)} ago`;
}

/** An ISO time or unix seconds as epoch ms; null when absent or unreadable. */
export function toMs(at: string | number | null | undefined): number | null {
  if (at === null || at === undefined) return null;
  if (typeof at === 'number') return Number.isFinite(at) ? at * 1000 : null;
  const ms = Date.parse(at);
  return Number.isNaN(ms) ? null : ms;
}

export { explorerAddressUrl, explorerTxUrl } from '../../../shared/domain/block-explorers';
