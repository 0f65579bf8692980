import { type OnboardingStep, withSkipped } from '../../../shared/domain/onboarding';
import type { SettingsPatch } from '../../../shared/domain/settings';
import { useSnapshot } from '../../app/app-context';
import { useUpdateSettings } from '../settings/use-update-settings';

/**
 * The wizard's writes, all through updateSettings: a skipped step is remembered (it comes
 * back as a reminder), a completed one is forgotten, and "start" ends the first run.
 */
export function useOnboarding() {
  const { settings } = useSnapshot();
  const update = useUpdateSettings();
  const mark = (step: OnboardingStep, skipped: boolean) => {
    const next = withSkipped(settings.onboarding.skipped, step, skipped);
    if (next.join() === settings.onboarding.skipped.join()) return Promise.resolve({ ok: true as const, value: settings });
    return update.run({ onboarding: { skipped: next } });
  };
  /** Ends the first run; `alsoSkipped` are steps left out (skip setup) that become reminders. */
  const finish = (startRenting: boolean, alsoSkipped: readonly OnboardingStep[] = []) => {
    const skipped = alsoSkipped.reduce((list, step) => withSkipped(list, step, true), settings.onboarding.skipped);
    const patch: SettingsPatch = {
      onboarding: { firstRunDone: true, skipped },
      market: { bidding: startRenting },
      ...(startRenting ? { controls: { pause: { kind: 'none' } } } : {}),
    };
    return update.run(patch);
  };
  return { mark, finish, pending: update.pending, error: update.error, clearError: update.clearError };
}
