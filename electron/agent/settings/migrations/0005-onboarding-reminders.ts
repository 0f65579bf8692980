import type { Migration } from './index';

/**
 * Version 5: the wizard's skipped steps, which come back as reminders on the dashboard.
 * An owner who already dismissed the first-run screen (firstRunDone) is not sent through
 * the wizard again; nothing is marked skipped, since nothing was offered.
 */
export const m0005OnboardingReminders: Migration = {
  to: 5,
  description: 'onboarding: the steps the owner skipped in the first-run wizard (reminders)',
  up(document) {
    const onboarding =
      typeof document.onboarding === 'object' && document.onboarding !== null ? (document.onboarding as Record<string, unknown>) : {};
    return { ...document, schemaVersion: 5, onboarding: { firstRunDone: onboarding.firstRunDone === true, skipped: [] } };
  },
};
