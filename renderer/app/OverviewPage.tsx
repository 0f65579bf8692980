import type { Snapshot } from '../../shared/domain/snapshot';
import { BenchmarkPanel } from '../features/benchmark/BenchmarkPanel';
import { ChecksPanel } from '../features/checks/ChecksPanel';
import { HardwarePanel } from '../features/hardware/HardwarePanel';
import { Dashboard } from '../features/dashboard/Dashboard';
import { SettingsPanel } from '../features/settings/SettingsPanel';
import { SettingsRecoveryNotice } from '../features/settings/SettingsRecoveryNotice';
import { DesktopSettings } from './DesktopSettings';

/** The home page: the dashboard first, then hardware, checklist, benchmark and settings. */
export function OverviewPage({ snapshot }: { snapshot: Snapshot }) {
  return (
    <>
      <h1 className="visually-hidden">Overview</h1>
      <SettingsRecoveryNotice />
      <Dashboard />
      <div className="columns">
        <HardwarePanel />
        <ChecksPanel />
      </div>
      <BenchmarkPanel />
      <SettingsPanel />
      {/* Tray, login and notifications belong to the desktop app: headless never mentions them. */}
      {snapshot.agent.mode === 'electron' ? <DesktopSettings mode="electron" /> : null}
    </>
  );
}
