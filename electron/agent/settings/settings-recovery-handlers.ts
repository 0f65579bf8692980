/**
 * The calls behind the settings-recovery notice (settings-service.ts fails closed):
 * read it, restore the last good copy, or dismiss it.
 */
import type { Settings } from '../../../shared/domain/settings';
import type { SettingsService } from './settings-service';

export function settingsRecoveryHandlers(settings: SettingsService, onRestored: (restored: Settings) => void) {
  return {
    getSettingsRecovery: async () => settings.recovery(),
    restoreLastGoodSettings: async () => {
      const restored = settings.restoreLastGood();
      onRestored(restored);
      return restored;
    },
    dismissSettingsRecovery: async () => {
      settings.dismissRecovery();
      return { dismissed: true as const };
    },
  };
}
