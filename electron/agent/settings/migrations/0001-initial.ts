import { DEFAULT_SETTINGS } from '../../../../shared/domain/settings';
import type { Migration } from './index';

/**
 * Version 1: the first shape. A document without a schemaVersion (an empty store, or one
 * written by hand) gets every default, keeping any group the owner already set.
 */
export const m0001Initial: Migration = {
  to: 1,
  description: 'initial settings shape',
  up(document) {
    const pick = (key: string) => {
      const value = document[key];
      return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
    };
    return {
      schemaVersion: 1,
      sandbox: { ...DEFAULT_SETTINGS.sandbox, ...pick('sandbox') },
      ui: { ...DEFAULT_SETTINGS.ui, ...pick('ui') },
      onboarding: { ...DEFAULT_SETTINGS.onboarding, ...pick('onboarding') },
    };
  },
};
