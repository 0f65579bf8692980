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
import { AboutPage } from '../features/about/AboutPage';
import { OnboardingWizard } from '../features/onboarding/OnboardingWizard';
import { stepFromPath } from '../features/onboarding/wizard-steps';
import type { ConnectionState } from '../lib/api-client';
import { ROUTES, type Route, useHashRoute, useHashSubPath } from '../lib/use-hash-route';
import { OverviewPage } from './OverviewPage';
import { cx } from '../lib/cx';
import styles from './HomeScreen.module.css';

interface Props {
  snapshot: Snapshot;
  connection: ConnectionState;
  loadError: ApiError | null;
}

/** The connected app: header with the page links, the status banner, then the page. */
export function HomeScreen({ snapshot, connection, loadError }: Props) {
  const route = useHashRoute();
  const subPath = useHashSubPath();
  // Until the first run is done, the home page is the wizard (the other pages stay
  // reachable from the header); afterwards it opens again at one step from a dashboard
  // reminder (#/setup/<step>).
  const firstRun = !snapshot.settings.onboarding.firstRunDone;
  const wizard = firstRun && (route === 'overview' || route === 'setup') ? 'first-run' : route === 'setup' ? 'revisit' : null;
  useEffect(() => {
    const label = wizard ? 'Setup' : (ROUTES.find((r) => r.route === route)?.label ?? 'Overview');
    document.title = `${label} · RigShift`;
  }, [route, wizard]);

  return (
    <>
      <div className={styles.top}>
        <Header agent={snapshot.agent} connection={connection} route={route} />
        <ConnectionBanner connection={connection} />
      </div>
      <StatusBanner />
      <main className={styles.home} data-testid={`page-${route}`}>
        {loadError && connection === 'connected' ? <ErrorNotice error={loadError} testId="refresh-error" /> : null}
        {wizard ? (
          <OnboardingWizard
            key={`${wizard}-${subPath ?? ''}`}
            firstRun={wizard === 'first-run'}
            initialStep={wizard === 'first-run' ? 'checks' : stepFromPath(subPath)}
            onClose={() => {
              window.location.hash = '#/';
            }}
          />
        ) : (
          <Page route={route} snapshot={snapshot} />
        )}
      </main>
      <footer className={cx(styles.appFooter, 'muted', 'small')}>
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
    case 'about':
      return <AboutPage />;
    default:
      return <OverviewPage snapshot={snapshot} />;
  }
}
