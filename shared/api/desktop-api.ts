/**
 * The desktop part of the API contract (spread into shared/api/contract.ts). Kept in its own
 * file so each feature's calls and events sit beside each other.
 */
export const desktopCalls = {} as const;

export const desktopEvents = {} as const;
