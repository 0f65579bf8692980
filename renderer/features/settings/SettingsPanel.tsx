import type { Settings } from '../../../shared/domain/settings';
import { useSnapshot } from '../../app/app-context';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Section } from '../../components/Section';
import { NetworkSettings } from '../network/NetworkSettings';
import { useUpdateSettings } from './use-update-settings';
import styles from './Settings.module.css';

export function SettingsPanel() {
  const { settings } = useSnapshot();
  const update = useUpdateSettings();

  return (
    <>
      <Section id="settings" title="Settings">
        {update.error ? <ErrorNotice error={update.error} onDismiss={update.clearError} /> : null}
        <div className={styles.settingsGrid} aria-busy={update.pending}>
          <label className="field">
            <span className="field-label">Theme</span>
            <select
              value={settings.ui.theme}
              onChange={(e) => void update.run({ ui: { theme: e.target.value as Settings['ui']['theme'] } })}
              data-testid="settings-theme"
            >
              <option value="system">Same as the system</option>
              <option value="light">Light</option>
              <option value="dark">Dark</option>
            </select>
          </label>
          <label className="field">
            <span className="field-label">Show fixes for</span>
            <select
              value={settings.ui.fixOs}
              onChange={(e) => void update.run({ ui: { fixOs: e.target.value as Settings['ui']['fixOs'] } })}
              data-testid="settings-fix-os"
            >
              <option value="auto">This computer's system</option>
              <option value="linux">Linux</option>
              <option value="windows">Windows</option>
            </select>
          </label>
          <label className="field field-check">
            <input
              type="checkbox"
              checked={settings.sandbox.preferGvisor}
              onChange={(e) => void update.run({ sandbox: { preferGvisor: e.target.checked } })}
              data-testid="settings-prefer-gvisor"
            />
            <span>
              <span className="field-label">Prefer gVisor sandbox</span>
              <span className="field-help">
                Runs containers under gVisor (runsc) when Docker has it: stronger isolation between renters and your
                machine, at a small speed cost.
              </span>
            </span>
          </label>
        </div>
      </Section>
      {/* Settings → Network (helper chain-import): its own section, so the two grow apart. */}
      <NetworkSettings />
    </>
  );
}
