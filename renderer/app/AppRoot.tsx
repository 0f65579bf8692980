import { ErrorNotice } from '../components/ErrorNotice';
import { FullPageMessage } from '../components/FullPageMessage';
import { Spinner } from '../components/Spinner';
import { useTheme } from '../features/settings/use-theme';
import { useConnection, useSnapshotState } from './app-context';
import { HomeScreen } from './HomeScreen';

/** Chooses between the three whole-window states and the home screen. */
export function AppRoot() {
  const connection = useConnection();
  const { snapshot, loadError, reload } = useSnapshotState();
  useTheme(snapshot?.settings.ui.theme);

  if (connection === 'unauthorized') {
    return (
      <FullPageMessage title="RigShift needs its access link" testId="unauthorized">
        <p>
          Open the link printed by <code>rigshift headless</code> (it contains the access token).
        </p>
        <p className="muted">
          The link looks like <code>http://127.0.0.1:PORT/#token=…</code>. If the agent was restarted, it printed a new
          one.
        </p>
      </FullPageMessage>
    );
  }
  if (snapshot) return <HomeScreen snapshot={snapshot} connection={connection} loadError={loadError} />;
  if (loadError) {
    return (
      <FullPageMessage title="RigShift cannot start" testId="load-error">
        <ErrorNotice error={loadError} />
        <button type="button" className="button-primary" onClick={reload}>
          Try again
        </button>
      </FullPageMessage>
    );
  }
  return (
    <FullPageMessage title="RigShift" testId="app-loading">
      <p>
        <Spinner /> Connecting to the agent…
      </p>
    </FullPageMessage>
  );
}
