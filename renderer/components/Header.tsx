import type { Snapshot } from '../../shared/domain/snapshot';
import type { ConnectionState } from '../lib/api-client';
import { cx } from '../lib/cx';
import { ROUTES, type Route } from '../lib/use-hash-route';
import styles from './Header.module.css';

interface Props {
  agent: Snapshot['agent'];
  connection: ConnectionState;
  route: Route;
}

const CONNECTION_LABELS: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  unauthorized: 'Not authorised',
};

const CONNECTION_CLASSES: Record<ConnectionState, string | undefined> = {
  connecting: styles.connectionConnecting,
  connected: styles.connectionConnected,
  reconnecting: styles.connectionReconnecting,
  unauthorized: styles.connectionUnauthorized,
};

export function Header({ agent, connection, route }: Props) {
  return (
    <header className={styles.appHeader}>
      <div className={styles.brand}>
        <span className={styles.brandMark} aria-hidden="true" />
        <h1 className={styles.brandName}>RigShift</h1>
      </div>
      <nav className={styles.pageNav} aria-label="Pages">
        {ROUTES.map((r) => (
          <a
            key={r.route}
            href={r.hash}
            className={styles.pageLink}
            aria-current={r.route === route ? 'page' : undefined}
            data-testid={`nav-${r.route}`}
          >
            {r.label}
          </a>
        ))}
      </nav>
      <div className={styles.headerMeta}>
        <span className={styles.pill} data-testid="agent-mode" title={`Agent ${agent.version} on ${agent.platform}`}>
          {agent.mode === 'electron' ? 'Desktop app' : 'Headless (browser)'}
        </span>
        <span className={cx(styles.pill, CONNECTION_CLASSES[connection])} data-testid="connection-state" data-state={connection}>
          <span className="status-dot" aria-hidden="true" />
          {CONNECTION_LABELS[connection]}
        </span>
      </div>
    </header>
  );
}
