/**
 * What a paired LAN device (watch-only, over plain HTTP) may not read even in a read call:
 * an RPC endpoint's path, query and user info, which often carry a provider's API key
 * (https://mainnet.example/v3/<key>, ?apikey=…, https://user:pass@…). Watchers see the
 * endpoint's scheme and host only.
 */

const URL_KEYS = new Set(['rpcUrl']);

/** `https://rpc.example/v3/KEY?x=1` → `https://rpc.example`; anything unparsable is hidden. */
export function endpointHostOnly(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return 'about:hidden';
  }
}

/** A deep copy of a call result or event with every RPC URL cut down to its host. */
export function redactForWatchers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactForWatchers);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = URL_KEYS.has(key) && typeof inner === 'string' ? endpointHostOnly(inner) : redactForWatchers(inner);
  }
  return out;
}
