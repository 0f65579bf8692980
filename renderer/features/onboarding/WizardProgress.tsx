import { stepIndex, type WizardStep, WIZARD_STEPS } from './wizard-steps';
import { cx } from '../../lib/cx';
import styles from './Onboarding.module.css';

const STATE_CLASSES: Record<'done' | 'skipped' | 'current' | 'todo', string | undefined> = {
  done: styles.done,
  skipped: styles.skipped,
  current: styles.current,
  todo: undefined,
};

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
      <ol className={styles.progress} data-testid="wizard-progress">
        {WIZARD_STEPS.map((s, i) => {
          const state = i < at ? (skipped.includes(s.step) ? 'skipped' : 'done') : i === at ? 'current' : 'todo';
          return (
            <li key={s.step} className={cx(styles.progressStep, STATE_CLASSES[state])} data-state={state}>
              {i < at ? (
                <button type="button" className="link-button" onClick={() => onGo(s.step)} data-testid={`wizard-go-${s.step}`}>
                  <span className={styles.progressNumber} aria-hidden="true">
                    {state === 'skipped' ? '–' : '✓'}
                  </span>
                  {s.label}
                  <span className="visually-hidden">{state === 'skipped' ? ' (skipped)' : ' (done)'}</span>
                </button>
              ) : (
                <span aria-current={i === at ? 'step' : undefined}>
                  <span className={styles.progressNumber} aria-hidden="true">
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
