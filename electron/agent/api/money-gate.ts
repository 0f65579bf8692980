/**
 * updateSettings' gate for the settings that move money (shared/domain/money-settings.ts):
 * a change needs the wallet password, checked by the feature that holds the wallet. An
 * agent without one (a one-shot CLI agent) refuses such changes: fail closed.
 */
import { AgentError } from '../../../shared/api/result';
import { moneySettingsChanged } from '../../../shared/domain/money-settings';
import type { Settings, SettingsPatch } from '../../../shared/domain/settings';
import type { AgentFeature } from '../agent-feature';
import type { Logger } from '../ports';

export function createMoneyGate(features: readonly AgentFeature[], logger: Logger) {
  return async (current: Settings, patch: SettingsPatch, password: string | undefined): Promise<void> => {
    const changed = moneySettingsChanged(current, patch);
    if (changed.length === 0) return;
    const gate = features.find((f) => f.authorizeMoneySettings);
    if (!gate?.authorizeMoneySettings) {
      throw new AgentError('wallet_unavailable', 'The payout address and sweep settings can only be changed where the wallet runs.');
    }
    await gate.authorizeMoneySettings(changed, password);
    logger.info('settings: money settings changed with the wallet password', { changed });
  };
}
