import { useEffect, useState } from 'react';
import type { SettingsRecovery } from '../../../shared/domain/settings-recovery';
import { useApi, useApplyAnswer } from '../../app/app-context';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useCall } from '../../lib/use-call';

/**
 * Shown when the settings failed closed at start (the file was damaged): what was lost,
 * that renting is paused with bidding off, and the way back to the last good copy.
 */
export function SettingsRecoveryNotice() {
  const api = useApi();
  const applyAnswer = useApplyAnswer();
  const [recovery, setRecovery] = useState<SettingsRecovery | null>(null);
  useEffect(() => {
    let live = true;
    void api.getSettingsRecovery({}).then((result) => {
      if (live && result.ok) setRecovery(result.value);
    });
    return () => {
      live = false;
    };
  }, [api]);
  const restore = useCall(async () => {
    const result = await api.restoreLastGoodSettings({});
    if (result.ok) {
      applyAnswer({ name: 'settings', payload: result.value });
      setRecovery(null);
    }
    return result;
  });
  const dismiss = useCall(async () => {
    const result = await api.dismissSettingsRecovery({});
    if (result.ok) setRecovery(null);
    return result;
  });
  if (!recovery) return null;
  return (
    <div className="notice notice-error" role="alert" data-testid="settings-recovery">
      <p className="notice-message">
        <strong>Your settings could not be read: renting is paused.</strong> {recovery.message}
      </p>
      {restore.error ? <ErrorNotice error={restore.error} onDismiss={restore.clearError} /> : null}
      <p>
        {recovery.lastGood ? (
          <button type="button" disabled={restore.pending} onClick={() => void restore.run()} data-testid="settings-restore">
            Restore the last good settings
          </button>
        ) : null}{' '}
        <button type="button" disabled={dismiss.pending} onClick={() => void dismiss.run()} data-testid="settings-recovery-dismiss">
          Keep the current settings
        </button>
      </p>
    </div>
  );
}
