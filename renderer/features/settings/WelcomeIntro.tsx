import { ErrorNotice } from '../../components/ErrorNotice';
import { useUpdateSettings } from './use-update-settings';
import { cx } from '../../lib/cx';
import styles from './Settings.module.css';

/** Shown until the owner dismisses it once; the choice is stored by the agent. */
export function WelcomeIntro() {
  const update = useUpdateSettings();
  return (
    <section className={cx('card', styles.welcome)} aria-labelledby="welcome-heading" data-testid="welcome">
      <h2 id="welcome-heading">Welcome to RigShift</h2>
      <p>
        RigShift rents out your NVIDIA graphics card while you are not using it. Before anything is rented, three
        steps on this screen show whether your machine is ready:
      </p>
      <ol>
        <li>
          <strong>Your hardware</strong>: the graphics cards RigShift found.
        </li>
        <li>
          <strong>Machine checklist</strong>: drivers and Docker, each problem with the exact fix for your system.
        </li>
        <li>
          <strong>Benchmark</strong>: a few minutes of measurement that checks your card and suggests a fair price per
          hour.
        </li>
      </ol>
      <p className="muted">Nothing runs on your card until you start it.</p>
      {update.error ? <ErrorNotice error={update.error} /> : null}
      <button
        type="button"
        className="button-primary"
        onClick={() => void update.run({ onboarding: { firstRunDone: true } })}
        disabled={update.pending}
        data-testid="welcome-dismiss"
      >
        Got it
      </button>
    </section>
  );
}
