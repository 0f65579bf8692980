/**
 * The earnings part of the API contract (spread into shared/api/contract.ts). Kept in its own
 * file so each feature's calls and events sit beside each other.
 */
export const earningsCalls = {} as const;

export const earningsEvents = {} as const;
