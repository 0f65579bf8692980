/**
 * What a paired LAN device (watch-only, over plain HTTP) may not read even in a read call:
 * the path, query and user info of any URL — an RPC endpoint's often carry a provider's
 * API key (https://mainnet.example/v3/<key>, ?apikey=…, https://user:pass@…), an upload
 * URL its requester's token — whether the URL is a field of its own (`rpcUrl`) or quoted
 * in a message ("https://… serves chain 5, not 1"). Watchers see scheme and host only.
 */

/** scheme://[userinfo@]host[:port] followed by whatever path, query or fragment. */
const URL_IN_TEXT = /\b([a-z][a-z0-9+.-]*:\/\/)(?:[^\s/?#@]*@)?([^\s/?#@"'<>]+)[^\s"'<>]*/gi;

/** `https://rpc.example/v3/KEY?x=1` → `https://rpc.example`, also inside a sentence. */
export function urlsHostOnly(text: string): string {
  return text.replace(URL_IN_TEXT, (_match, scheme: string, host: string) => `${scheme}${host}`);
}

/** A deep copy of a call result or event with every URL in every string cut down to its host. */
export function redactForWatchers(value: unknown): unknown {
  if (typeof value === 'string') return urlsHostOnly(value);
  if (Array.isArray(value)) return value.map(redactForWatchers);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) out[key] = redactForWatchers(inner);
  return out;
}
