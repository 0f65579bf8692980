import { useState } from 'react';
import { useSnapshot } from '../../app/app-context';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Section } from '../../components/Section';
import { useUpdateSettings } from '../settings/use-update-settings';
import { parseImageBudget } from './image-budget';

/** How much disk the job-image cache may use; lowering it evicts the least recently used images. */
export function ImageBudget() {
  const { settings } = useSnapshot();
  const update = useUpdateSettings();
  const [text, setText] = useState<string | null>(null);
  const value = text ?? String(settings.jobs.imageBudgetGiB);
  const parsed = parseImageBudget(value);
  const dirty = text !== null && (!parsed.ok || parsed.gib !== settings.jobs.imageBudgetGiB);
  return (
    <Section id="image-budget" title="Disk for job images" intro="Jobs bring their own images. RigShift keeps recent ones to start the next job faster, within this budget.">
      <label className="field">
        <span className="field-label">Budget</span>
        <span className="field-row">
          <input
            type="text"
            inputMode="numeric"
            value={value}
            onChange={(e) => setText(e.target.value)}
            aria-invalid={!parsed.ok}
            data-testid="image-budget-input"
          />
          <span className="muted"> GiB</span>
        </span>
      </label>
      {!parsed.ok ? (
        <p className="field-error" role="alert" data-testid="image-budget-error">
          {parsed.message}
        </p>
      ) : null}
      <p className="field-help">Lowering it removes the least recently used job images at once; your own images and RigShift's benchmark are never touched.</p>
      {update.error ? <ErrorNotice error={update.error} /> : null}
      <button
        type="button"
        className="button-primary"
        disabled={!dirty || !parsed.ok || update.pending}
        data-testid="image-budget-save"
        onClick={() => {
          if (!parsed.ok) return;
          void update.run({ jobs: { imageBudgetGiB: parsed.gib } }).then((result) => result.ok && setText(null));
        }}
      >
        Save
      </button>
    </Section>
  );
}
