/**
 * Settings that decide where the owner's money goes. Changing one needs the wallet password
 * again (like revealing the recovery words), whatever the transport: an access token that
 * leaked, a compromised page or a paired device must not be enough to redirect earnings.
 */
import type { Settings, SettingsPatch } from './settings';

export const MONEY_SETTINGS = ['wallet.payoutAddress', 'wallet.sweepThresholdMicros'] as const;
export type MoneySetting = (typeof MONEY_SETTINGS)[number];

/** The money settings this patch would really change (saving the same values is free). */
export function moneySettingsChanged(current: Settings, patch: SettingsPatch): MoneySetting[] {
  const changed: MoneySetting[] = [];
  const wallet = patch.wallet;
  if (!wallet) return changed;
  if (wallet.payoutAddress !== undefined && (wallet.payoutAddress?.toLowerCase() ?? null) !== (current.wallet.payoutAddress?.toLowerCase() ?? null)) {
    changed.push('wallet.payoutAddress');
  }
  if (wallet.sweepThresholdMicros !== undefined && BigInt(wallet.sweepThresholdMicros) !== BigInt(current.wallet.sweepThresholdMicros)) {
    changed.push('wallet.sweepThresholdMicros');
  }
  return changed;
}
