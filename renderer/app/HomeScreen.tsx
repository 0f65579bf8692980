import type { ApiError } from '../../shared/api/result';
import type { Snapshot } from '../../shared/domain/snapshot';
import { ConnectionBanner } from '../components/ConnectionBanner';
import { ErrorNotice } from '../components/ErrorNotice';
import { Header } from '../components/Header';
import { BenchmarkPanel } from '../features/benchmark/BenchmarkPanel';
import { ChecksPanel } from '../features/checks/ChecksPanel';
import { HardwarePanel } from '../features/hardware/HardwarePanel';
import { SettingsPanel } from '../features/settings/SettingsPanel';
import { WelcomeIntro } from '../features/settings/WelcomeIntro';
import type { ConnectionState } from '../lib/api-client';

interface Props {
  snapshot: Snapshot;
  connection: ConnectionState;
  loadError: ApiError | null;
}

export function HomeScreen({ snapshot, connection, loadError }: Props) {
  return (
    <>
      <div className="top">
        <Header agent={snapshot.agent} connection={connection} />
        <ConnectionBanner connection={connection} />
      </div>
      <main className="home">
        {loadError && connection === 'connected' ? <ErrorNotice error={loadError} testId="refresh-error" /> : null}
        {!snapshot.settings.onboarding.firstRunDone ? <WelcomeIntro /> : null}
        <div className="columns">
          <HardwarePanel />
          <ChecksPanel />
        </div>
        <BenchmarkPanel />
        <SettingsPanel />
      </main>
      <footer className="app-footer muted small">
        RigShift agent {snapshot.agent.version} · {snapshot.agent.platform}
      </footer>
    </>
  );
}
