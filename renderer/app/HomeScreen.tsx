import { useEffect } from 'react';
import type { ApiError } from '../../shared/api/result';
import type { Snapshot } from '../../shared/domain/snapshot';
import { ConnectionBanner } from '../components/ConnectionBanner';
import { ErrorNotice } from '../components/ErrorNotice';
import { Header } from '../components/Header';
import { StatusBanner } from '../features/availability/StatusBanner';
import { ControlsPage } from '../features/controls/ControlsPage';
import { JobsPage } from '../features/jobs/JobsPage';
import { EarningsPage } from '../features/earnings/EarningsPage';
import { MarketPage } from '../features/market/MarketPage';
import { WalletPage } from '../features/wallet/WalletPage';
import type { ConnectionState } from '../lib/api-client';
import { ROUTES, type Route, useHashRoute } from '../lib/use-hash-route';
import { OverviewPage } from './OverviewPage';

interface Props {
  snapshot: Snapshot;
  connection: ConnectionState;
  loadError: ApiError | null;
}

/** The connected app: header with the page links, the status banner, then the page. */
export function HomeScreen({ snapshot, connection, loadError }: Props) {
  const route = useHashRoute();
  useEffect(() => {
    const label = ROUTES.find((r) => r.route === route)?.label ?? 'Overview';
    document.title = `${label} · RigShift`;
  }, [route]);

  return (
    <>
      <div className="top">
        <Header agent={snapshot.agent} connection={connection} route={route} />
        <ConnectionBanner connection={connection} />
      </div>
      <StatusBanner />
      <main className="home" data-testid={`page-${route}`}>
        {loadError && connection === 'connected' ? <ErrorNotice error={loadError} testId="refresh-error" /> : null}
        <Page route={route} snapshot={snapshot} />
      </main>
      <footer className="app-footer muted small">
        RigShift agent {snapshot.agent.version} · {snapshot.agent.platform}
      </footer>
    </>
  );
}

function Page({ route, snapshot }: { route: Route; snapshot: Snapshot }) {
  switch (route) {
    case 'controls':
      return <ControlsPage />;
    case 'jobs':
      return <JobsPage />;
    case 'market':
      return <MarketPage />;
    case 'earnings':
      return <EarningsPage />;
    case 'wallet':
      return <WalletPage />;
    default:
      return <OverviewPage snapshot={snapshot} />;
  }
}
