import { z } from 'zod';

/**
 * The first-run wizard: checks → benchmark → wallet → schedule, floor and limits → start.
 * The order here is the order on screen. "start" is not skippable: it is the step that
 * turns renting on (or leaves it off, the owner's choice) and ends the wizard.
 */
export const OnboardingStepSchema = z.enum(['checks', 'benchmark', 'wallet', 'controls']);
export type OnboardingStep = z.infer<typeof OnboardingStepSchema>;

export const ONBOARDING_STEPS: readonly OnboardingStep[] = OnboardingStepSchema.options;

/** Adds a skipped step (once) or removes a done one, keeping the wizard's order. */
export function withSkipped(skipped: readonly OnboardingStep[], step: OnboardingStep, isSkipped: boolean): OnboardingStep[] {
  const set = new Set(skipped);
  if (isSkipped) set.add(step);
  else set.delete(step);
  return ONBOARDING_STEPS.filter((s) => set.has(s));
}
