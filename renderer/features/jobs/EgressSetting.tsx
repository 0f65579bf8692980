import { useEffect, useState } from 'react';
import { useSnapshot } from '../../app/app-context';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Section } from '../../components/Section';
import { useUpdateSettings } from '../settings/use-update-settings';

/**
 * Internet for jobs that ask for it: a risky setting, so it is off by default, explained,
 * and each change can be undone for 10 seconds.
 */
export function EgressSetting() {
  const { settings } = useSnapshot();
  const update = useUpdateSettings();
  const [undo, setUndo] = useState<boolean | null>(null);
  useEffect(() => {
    if (undo === null) return undefined;
    const timer = setTimeout(() => setUndo(null), 10_000);
    return () => clearTimeout(timer);
  }, [undo]);
  const allowed = settings.jobs.allowEgress;
  const save = (next: boolean, rememberUndo: boolean) =>
    void update.run({ jobs: { allowEgress: next } }).then((result) => setUndo(result.ok && rememberUndo ? !next : null));
  return (
    <Section id="egress" title="Internet for jobs" intro="Some jobs download models or data while they run. By default no job gets any network.">
      <label className="field field-check">
        <input
          type="checkbox"
          role="switch"
          checked={allowed}
          disabled={update.pending}
          onChange={(e) => save(e.target.checked, true)}
          data-testid="allow-egress"
        />
        <span>
          <span className="strong">Allow internet for jobs that ask for it</span>
          <span className="field-help">
            Your home network, this PC, your router and cloud metadata addresses stay blocked by a firewall RigShift sets
            up for each job. Needs Linux with the agent running as root; elsewhere such jobs are refused.
          </span>
        </span>
      </label>
      {undo !== null ? (
        <p className="muted" data-testid="allow-egress-saved">
          Saved ·{' '}
          <button type="button" className="button-link" onClick={() => save(undo, false)} data-testid="allow-egress-undo">
            Undo
          </button>
        </p>
      ) : null}
      {update.error ? <ErrorNotice error={update.error} /> : null}
    </Section>
  );
}
