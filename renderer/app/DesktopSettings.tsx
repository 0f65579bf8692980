import { NOTIFICATION_KINDS } from '../../shared/domain/desktop';
import { useSnapshot } from './app-context';
import { ErrorNotice } from '../components/ErrorNotice';
import { Section } from '../components/Section';
import { useUpdateSettings } from '../features/settings/use-update-settings';
import styles from '../features/settings/Settings.module.css';

/** Tray, login and notification options (they act in the desktop app; headless shows why not). */
export function DesktopSettings({ mode }: { mode: 'electron' | 'headless' }) {
  const { settings } = useSnapshot();
  const update = useUpdateSettings();
  const { desktop } = settings;
  const muted = new Set(desktop.mutedNotifications);
  const toggleMuted = (kind: string, on: boolean) => {
    const next = new Set(muted);
    if (on) next.delete(kind);
    else next.add(kind);
    void update.run({ desktop: { mutedNotifications: [...next] } });
  };
  return (
    <Section
      id="desktop"
      title="Desktop app"
      intro={
        mode === 'electron'
          ? 'How RigShift lives on your desktop: the tray, starting with your computer, and notifications.'
          : 'These apply to the desktop app; this dashboard is served by `rigshift headless`.'
      }
    >
      {update.error ? <ErrorNotice error={update.error} onDismiss={update.clearError} /> : null}
      <div className={styles.settingsGrid} aria-busy={update.pending}>
        <label className="field field-check">
          <input
            type="checkbox"
            checked={desktop.startOnLogin}
            onChange={(e) => void update.run({ desktop: { startOnLogin: e.target.checked } })}
            data-testid="settings-start-on-login"
          />
          <span>
            <span className="field-label">Start with my computer</span>
            <span className="field-help">Starts hidden in the tray when you log in.</span>
          </span>
        </label>
        <label className="field field-check">
          <input
            type="checkbox"
            checked={desktop.closeToTray}
            onChange={(e) => void update.run({ desktop: { closeToTray: e.target.checked } })}
            data-testid="settings-close-to-tray"
          />
          <span>
            <span className="field-label">Keep running in the tray when I close the window</span>
            <span className="field-help">Quit from the tray menu. Off: closing the window quits RigShift.</span>
          </span>
        </label>
      </div>
      <fieldset className={styles.notificationKinds}>
        <legend className="field-label">Notify me when</legend>
        {NOTIFICATION_KINDS.map(({ kind, label }) => (
          <label key={kind} className="field field-check">
            <input
              type="checkbox"
              checked={!muted.has(kind)}
              onChange={(e) => toggleMuted(kind, e.target.checked)}
              data-testid={`notify-${kind}`}
            />
            <span>{label}</span>
          </label>
        ))}
      </fieldset>
    </Section>
  );
}
