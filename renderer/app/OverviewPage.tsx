import type { Snapshot } from '../../shared/domain/snapshot';
import { BenchmarkPanel } from '../features/benchmark/BenchmarkPanel';
import { ChecksPanel } from '../features/checks/ChecksPanel';
import { HardwarePanel } from '../features/hardware/HardwarePanel';
import { SettingsPanel } from '../features/settings/SettingsPanel';
import { WelcomeIntro } from '../features/settings/WelcomeIntro';

/** The home page: hardware, checklist, benchmark and general settings. */
export function OverviewPage({ snapshot }: { snapshot: Snapshot }) {
  return (
    <>
      <h1 className="visually-hidden">Overview</h1>
      {!snapshot.settings.onboarding.firstRunDone ? <WelcomeIntro /> : null}
      <div className="columns">
        <HardwarePanel />
        <ChecksPanel />
      </div>
      <BenchmarkPanel />
      <SettingsPanel />
    </>
  );
}
