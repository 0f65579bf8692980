import type { OnboardingStep } from '../../../shared/domain/onboarding';

/** The wizard's pages in order; "start" ends it and is not skippable. */
export type WizardStep = OnboardingStep | 'start';

export const WIZARD_STEPS: readonly { step: WizardStep; label: string; title: string }[] = [
  { step: 'checks', label: 'Checks', title: 'Is this machine ready?' },
  { step: 'benchmark', label: 'Benchmark', title: 'Measure what your machine delivers' },
  { step: 'wallet', label: 'Wallet', title: 'Where you get paid' },
  { step: 'controls', label: 'Hours & price', title: 'When RigShift may rent, and for how much' },
  { step: 'start', label: 'Start', title: 'Ready to rent' },
];

export function stepIndex(step: WizardStep): number {
  return WIZARD_STEPS.findIndex((s) => s.step === step);
}

/** `#/setup/<step>` names a step; anything else starts at the first one. */
export function stepFromPath(path: string | null): WizardStep {
  return WIZARD_STEPS.find((s) => s.step === path)?.step ?? 'checks';
}

export const nextStep = (step: WizardStep): WizardStep => WIZARD_STEPS[Math.min(stepIndex(step) + 1, WIZARD_STEPS.length - 1)]!.step;
export const previousStep = (step: WizardStep): WizardStep => WIZARD_STEPS[Math.max(stepIndex(step) - 1, 0)]!.step;
