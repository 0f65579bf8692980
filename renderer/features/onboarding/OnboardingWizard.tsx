/**
 * The first-run wizard: checks → benchmark → wallet → hours, floor and limits → start.
 * Every step but the last can be skipped; a skipped step comes back as a reminder on the
 * dashboard. The same wizard opens at one step from a reminder (`#/setup/<step>`).
 * Keyboard: Tab through the page; the step's heading takes focus on each change, so a
 * screen reader announces it; earlier steps are buttons in the progress list.
 * Leaving a step never loses work silently: unsaved edits ask "save or discard", and the
 * hours-and-price step asks for an explicit yes before the floor stays below break-even.
 */
import { useEffect, useRef, useState } from 'react';
import type { OnboardingStep } from '../../../shared/domain/onboarding';
import { formatMicros } from '../../../shared/domain/price-floor';
import { useCurrentSnapshot, useSnapshot } from '../../app/app-context';
import { ErrorNotice } from '../../components/ErrorNotice';
import { type BelowBreakEven, belowBreakEven, pricedDevices } from '../controls/price-form';
import { UnsavedEditsProvider, useUnsavedEdits } from '../controls/unsaved-edits';
import { StartStep } from './StartStep';
import { useOnboarding } from './use-onboarding';
import { useWalletAddress } from './use-wallet-address';
import { nextStep, previousStep, stepIndex, type WizardStep, WIZARD_STEPS } from './wizard-steps';
import { WizardProgress } from './WizardProgress';
import { BenchmarkStep, ChecksStep, ControlsStep, WalletStep } from './WizardSteps';
import { cx } from '../../lib/cx';
import styles from './Onboarding.module.css';

interface Props {
  initialStep: WizardStep;
  /** Called when the wizard is done (or closed, when revisiting a step). */
  onClose(): void;
  /** First run (no way out but through) or a revisit from a reminder. */
  firstRun: boolean;
}

/** What the wizard asks before it leaves a step. */
type Prompt =
  | { kind: 'unsaved'; labels: string[]; proceed(): void }
  | { kind: 'below-break-even'; below: BelowBreakEven; proceed(): void }
  | null;

export function OnboardingWizard(props: Props) {
  return (
    <UnsavedEditsProvider>
      <Wizard {...props} />
    </UnsavedEditsProvider>
  );
}

function Wizard({ initialStep, onClose, firstRun }: Props) {
  const { settings, benchmark } = useSnapshot();
  const currentSnapshot = useCurrentSnapshot();
  const unsaved = useUnsavedEdits();
  const [prompt, setPrompt] = useState<Prompt>(null);
  const [step, setStep] = useState<WizardStep>(initialStep);
  const onboarding = useOnboarding();
  const walletAddress = useWalletAddress();
  const heading = useRef<HTMLHeadingElement>(null);
  const first = useRef(true);

  useEffect(() => {
    // Not on the first render: the page's own heading order applies there.
    if (first.current) {
      first.current = false;
      return;
    }
    heading.current?.focus();
  }, [step]);

  const meta = WIZARD_STEPS[stepIndex(step)]!;
  const ready: Record<WizardStep, boolean> = {
    checks: true,
    benchmark: benchmark.history.length > 0,
    wallet: Boolean(walletAddress),
    controls: true,
    start: true,
  };
  const waitingFor: Partial<Record<WizardStep, string>> = {
    benchmark: benchmark.active ? 'The benchmark is running…' : 'Run the benchmark, or skip it for now.',
    wallet: 'Create or import a wallet, or skip this for now.',
  };

  /** The saved price after any save just made (the store has the agent's answer). */
  const checkBreakEven = (proceed: () => void) => {
    const snapshot = currentSnapshot();
    const below =
      step === 'controls' && snapshot
        ? belowBreakEven(snapshot.settings.controls.price, pricedDevices(snapshot.detection, snapshot.benchmark.history))
        : null;
    if (below) setPrompt({ kind: 'below-break-even', below, proceed });
    else {
      setPrompt(null);
      proceed();
    }
  };
  /** Every way out of a step goes through here. */
  const guarded = (proceed: () => void) => {
    const pending = unsaved.pending();
    if (pending.length > 0) setPrompt({ kind: 'unsaved', labels: pending.map((e) => e.label), proceed });
    else checkBreakEven(proceed);
  };
  const saveThen = async (proceed: () => void) => {
    if (await unsaved.saveAll()) checkBreakEven(proceed);
    else setPrompt(null); // the section shows what is wrong
  };
  const discardThen = (proceed: () => void) => {
    unsaved.discardAll();
    checkBreakEven(proceed);
  };

  const go = (target: WizardStep) => guarded(() => setStep(target));
  /** For owners who know the app: every step from here on becomes a reminder; renting stays off. */
  const skipAll = async () => {
    const remaining = WIZARD_STEPS.slice(stepIndex(step)).flatMap((s) => (s.step === 'start' ? [] : [s.step]));
    const result = await onboarding.finish(false, remaining);
    if (result.ok) onClose();
  };
  const leave = async (skipped: boolean) => {
    if (step === 'start') return;
    const result = await onboarding.mark(step as OnboardingStep, skipped);
    if (!result.ok) return;
    if (!firstRun) onClose();
    else setStep(nextStep(step)); // already guarded by the caller
  };

  return (
    <section className={cx(styles.wizard, 'card')} aria-labelledby="wizard-heading" data-testid="wizard" data-step={step}>
      <header>
        <div className={styles.headerLine}>
          <p className="muted small">{firstRun ? 'Welcome to RigShift — first-time setup' : 'Setup'}</p>
          {firstRun ? (
            <button type="button" className="link-button small" onClick={() => guarded(() => void skipAll())} data-testid="wizard-skip-all">
              Skip setup, show the dashboard
            </button>
          ) : null}
        </div>
        <WizardProgress current={step} skipped={settings.onboarding.skipped} onGo={go} />
        <h2 id="wizard-heading" ref={heading} tabIndex={-1} data-testid="wizard-title">
          {meta.title}
        </h2>
      </header>
      <div>
        {step === 'checks' ? <ChecksStep /> : null}
        {step === 'benchmark' ? <BenchmarkStep /> : null}
        {step === 'wallet' ? <WalletStep address={walletAddress} onDone={() => void leave(false)} /> : null}
        {step === 'controls' ? <ControlsStep /> : null}
        {step === 'start' ? <StartStep onFinished={onClose} /> : null}
      </div>
      {onboarding.error ? <ErrorNotice error={onboarding.error} onDismiss={onboarding.clearError} /> : null}
      {prompt?.kind === 'unsaved' ? (
        <div className="prompt notice notice-warn" role="alertdialog" aria-labelledby="wizard-unsaved-title" data-testid="wizard-unsaved">
          <p id="wizard-unsaved-title">
            <strong>You have unsaved changes</strong> in {prompt.labels.join(', ')}. Save them before you go on?
          </p>
          <div className="prompt-actions">
            <button type="button" className="button-primary" onClick={() => void saveThen(prompt.proceed)} data-testid="wizard-unsaved-save">
              Save and go on
            </button>
            <button type="button" onClick={() => discardThen(prompt.proceed)} data-testid="wizard-unsaved-discard">
              Discard changes and go on
            </button>
            <button type="button" onClick={() => setPrompt(null)} data-testid="wizard-unsaved-stay">
              Stay on this step
            </button>
          </div>
        </div>
      ) : null}
      {prompt?.kind === 'below-break-even' ? (
        <div
          className="prompt notice notice-warn"
          role="alertdialog"
          aria-labelledby="wizard-below-break-even-title"
          data-testid="wizard-below-break-even"
        >
          <p id="wizard-below-break-even-title">
            <strong>Your floor is below your electricity cost.</strong> At {formatMicros(prompt.below.floorMicrosPerHour)} USD/h
            {prompt.below.device.cpu ? '' : ` on ${prompt.below.device.name}`}, every rented hour costs you more in electricity (
            {formatMicros(prompt.below.breakEvenMicrosPerHour)} USD/h) than it earns.
          </p>
          <div className="prompt-actions">
            <button type="button" className="button-primary" onClick={() => setPrompt(null)} data-testid="wizard-below-break-even-stay">
              Change the price
            </button>
            <button
              type="button"
              onClick={() => {
                setPrompt(null);
                prompt.proceed();
              }}
              data-testid="wizard-below-break-even-confirm"
            >
              Rent below break-even anyway
            </button>
          </div>
        </div>
      ) : null}
      {step !== 'start' ? (
        <footer className={styles.footer}>
          {stepIndex(step) > 0 && firstRun ? (
            <button type="button" onClick={() => go(previousStep(step))} data-testid="wizard-back">
              Back
            </button>
          ) : null}
          {!firstRun ? (
            <button type="button" onClick={() => guarded(onClose)} data-testid="wizard-close">
              Close
            </button>
          ) : null}
          <span className={styles.footerSpace} />
          {!ready[step] ? <span className="muted small">{waitingFor[step]}</span> : null}
          <button type="button" onClick={() => guarded(() => void leave(true))} disabled={onboarding.pending} data-testid="wizard-skip">
            Skip for now
          </button>
          <button
            type="button"
            className="button-primary"
            onClick={() => guarded(() => void leave(false))}
            disabled={!ready[step] || onboarding.pending}
            data-testid="wizard-next"
          >
            {firstRun ? 'Continue' : 'Done'}
          </button>
        </footer>
      ) : null}
    </section>
  );
}
