import type { ConnectionState } from '../lib/api-client';
import styles from './ConnectionBanner.module.css';

/** Shown while the event stream is down; the client reconnects on its own. */
export function ConnectionBanner({ connection }: { connection: ConnectionState }) {
  if (connection !== 'reconnecting') return null;
  return (
    <div className={styles.banner} role="status" data-testid="connection-banner">
      Disconnected from the agent, reconnecting…
    </div>
  );
}
