import { stepIndex, type WizardStep, WIZARD_STEPS } from './wizard-steps';

interface Props {
  current: WizardStep;
  skipped: readonly string[];
  onGo(step: WizardStep): void;
}

/** Where the owner is in the wizard; earlier steps are buttons (keyboard reachable). */
export function WizardProgress({ current, skipped, onGo }: Props) {
  const at = stepIndex(current);
  return (
    <nav aria-label="Setup steps">
      <ol className="wizard-progress" data-testid="wizard-progress">
        {WIZARD_STEPS.map((s, i) => {
          const state = i < at ? (skipped.includes(s.step) ? 'skipped' : 'done') : i === at ? 'current' : 'todo';
          return (
            <li key={s.step} className={`wizard-progress-step wizard-${state}`} data-state={state}>
              {i < at ? (
                <button type="button" className="link-button" onClick={() => onGo(s.step)} data-testid={`wizard-go-${s.step}`}>
                  <span className="wizard-progress-number" aria-hidden="true">
                    {state === 'skipped' ? '–' : '✓'}
                  </span>
                  {s.label}
                  <span className="visually-hidden">{state === 'skipped' ? ' (skipped)' : ' (done)'}</span>
                </button>
              ) : (
                <span aria-current={i === at ? 'step' : undefined}>
                  <span className="wizard-progress-number" aria-hidden="true">
                    {i + 1}
                  </span>
                  {s.label}
                </span>
              )}
            </li>
          );
        })}
      </ol>
      <p className="visually-hidden" aria-live="polite">
        Step {at + 1} of {WIZARD_STEPS.length}: {WIZARD_STEPS[at]?.label}
      </p>
    </nav>
  );
}
