import { useSnapshot } from '../../app/app-context';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Spinner } from '../../components/Spinner';
import { useOnboarding } from './use-onboarding';
import { WIZARD_STEPS } from './wizard-steps';
import styles from './Onboarding.module.css';

/** The last page: what was set up, what was skipped, and the switch that starts renting. */
export function StartStep({ onFinished }: { onFinished(): void }) {
  const { settings } = useSnapshot();
  const onboarding = useOnboarding();
  const skipped = settings.onboarding.skipped;
  const finish = async (startRenting: boolean) => {
    const result = await onboarding.finish(startRenting);
    if (result.ok) onFinished();
  };
  return (
    <>
      <p className={styles.intro}>
        Nothing has been rented yet: RigShift claims no job, and stakes nothing, until you press Start renting. From
        then on it looks for jobs on the market and runs them when your hours, the price floor and your use of the PC
        allow. You can pause from the banner at the top at any time.
      </p>
      {skipped.length > 0 ? (
        <div className="notice notice-info" data-testid="wizard-skipped-summary">
          <p>You skipped: {skipped.map((s) => WIZARD_STEPS.find((w) => w.step === s)?.label ?? s).join(', ')}.</p>
          <p className="muted small">They stay on the dashboard under "Needs your attention" until you finish them.</p>
        </div>
      ) : null}
      {onboarding.error ? <ErrorNotice error={onboarding.error} onDismiss={onboarding.clearError} /> : null}
      <div className={styles.footer}>
        <button
          type="button"
          className="button-primary button-large"
          onClick={() => void finish(true)}
          disabled={onboarding.pending}
          aria-busy={onboarding.pending}
          data-testid="wizard-start-renting"
        >
          {onboarding.pending ? <Spinner /> : null} Start renting
        </button>
        <button type="button" onClick={() => void finish(false)} disabled={onboarding.pending} data-testid="wizard-finish-later">
          Not yet — open the dashboard
        </button>
      </div>
    </>
  );
}
