import { DEFAULT_V4_GROUPS } from '../../../../shared/domain/settings';
import type { Migration } from './index';

/** Version 4: the network (local devnet by default), wallet, marketplace and desktop groups. */
export const m0004ChainWalletDesktop: Migration = {
  to: 4,
  description: 'network (local devnet), wallet auto-lock and payout, marketplace lists, desktop tray options',
  up(document) {
    return { ...document, schemaVersion: 4, ...structuredClone(DEFAULT_V4_GROUPS) };
  },
};
