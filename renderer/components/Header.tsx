import type { Snapshot } from '../../shared/domain/snapshot';
import type { ConnectionState } from '../lib/api-client';
import { ROUTES, type Route } from '../lib/use-hash-route';

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

export function Header({ agent, connection, route }: Props) {
  return (
    <header className="app-header">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        <h1 className="brand-name">RigShift</h1>
      </div>
      <nav className="page-nav" aria-label="Pages">
        {ROUTES.map((r) => (
          <a
            key={r.route}
            href={r.hash}
            className="page-link"
            aria-current={r.route === route ? 'page' : undefined}
            data-testid={`nav-${r.route}`}
          >
            {r.label}
          </a>
        ))}
      </nav>
      <div className="header-meta">
        <span className="pill" data-testid="agent-mode" title={`Agent ${agent.version} on ${agent.platform}`}>
          {agent.mode === 'electron' ? 'Desktop app' : 'Headless (browser)'}
        </span>
        <span className={`pill connection connection-${connection}`} data-testid="connection-state" data-state={connection}>
          <span className="status-dot" aria-hidden="true" />
          {CONNECTION_LABELS[connection]}
        </span>
      </div>
    </header>
  );
}
