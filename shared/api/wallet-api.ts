/**
 * The wallet part of the API contract (spread into shared/api/contract.ts). Kept in its own
 * file so each feature's calls and events sit beside each other.
 */
export const walletCalls = {} as const;

export const walletEvents = {} as const;
