/**
 * The wizard's pages. Each reuses the panel the dashboard already has (checklist,
 * benchmark, wallet, schedule/price/limits editors) with a short explanation on top.
 */
import { useSnapshot } from '../../app/app-context';
import { BenchmarkPanel } from '../benchmark/BenchmarkPanel';
import { ChecksPanel } from '../checks/ChecksPanel';
import { LimitsSection } from '../controls/LimitsSection';
import { PriceSection } from '../controls/PriceSection';
import { ScheduleSection } from '../controls/ScheduleSection';
import { WalletSetup } from '../wallet/WalletSetup';
import styles from './Onboarding.module.css';

export function ChecksStep() {
  const { checks, detection } = useSnapshot();
  const noGpu = detection !== null && detection.gpus.length === 0;
  return (
    <>
      <p className={styles.intro}>
        RigShift runs rented jobs in sandboxed Docker containers on your NVIDIA card. This checklist shows what is
        missing, each item with the exact fix for your system. You can come back to it any time.
      </p>
      {noGpu ? (
        <p className="notice notice-info" data-testid="wizard-no-gpu">
          No NVIDIA graphics card was found. RigShift can still rent out your processor (CPU jobs).
        </p>
      ) : null}
      {checks?.checks.some((c) => c.state === 'fail') ? (
        <p className="notice notice-warn">GPU jobs stay off until the red items are fixed; you can continue and fix them later.</p>
      ) : null}
      <ChecksPanel />
    </>
  );
}

export function BenchmarkStep() {
  return (
    <>
      <p className={styles.intro}>
        A short benchmark in a container measures what this machine really delivers and suggests a fair price per hour.
        Your card gets warm; that is expected. It takes a few minutes.
      </p>
      <BenchmarkPanel />
    </>
  );
}

export function WalletStep({ address, onDone }: { address: string | null | undefined; onDone(): void }) {
  return (
    <>
      <p className={styles.intro}>
        Jobs pay into a wallet that lives on this computer, protected by your password. Only you hold its key; RigShift
        never sends it anywhere.{address ? null : ' New here? Create one; it takes a minute.'}
      </p>
      <WalletSetup onDone={onDone} />
    </>
  );
}

export function ControlsStep() {
  return (
    <>
      <p className={styles.intro}>
        Choose when your GPU may be rented and the lowest price you accept. The defaults rent whenever the PC has been
        idle for 10 minutes and never below your electricity cost; each section saves on its own.
      </p>
      <ScheduleSection />
      <PriceSection />
      <LimitsSection />
    </>
  );
}
