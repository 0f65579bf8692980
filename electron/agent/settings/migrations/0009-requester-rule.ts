import { DEFAULT_MAX_REQUESTER_DISPUTES_LOST } from '../../../../shared/domain/settings';
import type { Migration } from './index';

/**
 * Version 9: market v2's requester rule. Requesters have a record on chain (disputes won and
 * lost); the agent refuses jobs of a requester that lost more disputes than the owner allows
 * (issue 12: default more than 2). A valid value already there is kept. (Version 8 is the
 * custom network's deployment block, from the chain-import work.)
 */
export const m0009RequesterRule: Migration = {
  to: 9,
  description: 'market.maxRequesterDisputesLost: refuse requesters that lost more disputes than this (default 2)',
  up(document) {
    const market = typeof document.market === 'object' && document.market !== null && !Array.isArray(document.market) ? (document.market as Record<string, unknown>) : {};
    const kept = market.maxRequesterDisputesLost;
    const maxRequesterDisputesLost =
      typeof kept === 'number' && Number.isInteger(kept) && kept >= 0 && kept <= 1000 ? kept : DEFAULT_MAX_REQUESTER_DISPUTES_LOST;
    return { ...document, schemaVersion: 9, market: { ...market, maxRequesterDisputesLost } };
  },
};
