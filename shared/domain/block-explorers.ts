/**
 * Block explorers of well-known public networks, one list for every page and for the
 * desktop shell's link handler. Only these get links: a custom RPC's chain id may be
 * anything, and a link to the wrong explorer would show someone else's transaction (or
 * nothing) as if it were ours. The local devnet has no explorer.
 */
const EXPLORERS: Readonly<Record<number, string>> = {
  1: 'https://etherscan.io',
  11155111: 'https://sepolia.etherscan.io',
  17000: 'https://holesky.etherscan.io',
  10: 'https://optimistic.etherscan.io',
  11155420: 'https://sepolia-optimism.etherscan.io',
  8453: 'https://basescan.org',
  84532: 'https://sepolia.basescan.org',
  42161: 'https://arbiscan.io',
  421614: 'https://sepolia.arbiscan.io',
  137: 'https://polygonscan.com',
  80002: 'https://amoy.polygonscan.com',
};

function explorerBase(chainId: number | null | undefined, isDevnet: boolean): string | null {
  if (isDevnet || chainId === null || chainId === undefined) return null;
  return EXPLORERS[chainId] ?? null;
}

/** `<explorer>/tx/` for a chain, to append hashes to; null without a known explorer. */
export function explorerTxPrefix(chainId: number, isDevnet: boolean): string | null {
  const base = explorerBase(chainId, isDevnet);
  return base ? `${base}/tx/` : null;
}

export function explorerTxUrl(chainId: number | null | undefined, hash: string, isDevnet = false): string | null {
  const base = explorerBase(chainId, isDevnet);
  if (!base || !/^0x[0-9a-fA-F]{64}$/.test(hash)) return null;
  return `${base}/tx/${hash}`;
}

export function explorerAddressUrl(chainId: number | null | undefined, address: string, isDevnet = false): string | null {
  const base = explorerBase(chainId, isDevnet);
  if (!base || !/^0x[0-9a-fA-F]{40}$/.test(address)) return null;
  return `${base}/address/${address}`;
}

/**
 * Whether a URL is a transaction or address page on one of these explorers: the only
 * links the desktop shell hands to the system browser (every other new window is denied).
 */
export function isBlockExplorerLink(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' || parsed.username || parsed.password || parsed.port) return false;
  const known = Object.values(EXPLORERS).some((base) => new URL(base).host === parsed.host);
  return known && /^\/(tx\/0x[0-9a-fA-F]{64}|address\/0x[0-9a-fA-F]{40})$/.test(parsed.pathname) && !parsed.search;
}
