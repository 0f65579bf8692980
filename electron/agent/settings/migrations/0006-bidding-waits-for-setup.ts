import type { Migration } from './index';

/**
 * Version 6: renting waits for the owner's "Start renting". Until now market.bidding
 * defaulted to true, so a new install funded, staked and claimed jobs while the owner was
 * still in the first-run wizard, at a price nobody had chosen. An install whose wizard is
 * not finished (firstRunDone false, which includes every new install) never chose to
 * rent: bidding goes off until the wizard's start step turns it on. An install that
 * finished the wizard made its choice there (or later on the Market page): kept as it is.
 */
export const m0006BiddingWaitsForSetup: Migration = {
  to: 6,
  description: 'market.bidding: off until the first-run wizard ends with "Start renting"; finished installs keep their choice',
  up(document) {
    const onboarding =
      typeof document.onboarding === 'object' && document.onboarding !== null ? (document.onboarding as Record<string, unknown>) : {};
    const market = typeof document.market === 'object' && document.market !== null ? (document.market as Record<string, unknown>) : {};
    const chose = onboarding.firstRunDone === true;
    return { ...document, schemaVersion: 6, market: { ...market, bidding: chose ? market.bidding !== false : false } };
  },
};
