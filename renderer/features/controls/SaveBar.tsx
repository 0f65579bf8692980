import { ErrorNotice } from '../../components/ErrorNotice';
import { Spinner } from '../../components/Spinner';
import type { ControlsSaver } from './use-controls-save';
import styles from './Controls.module.css';

interface Props {
  /** Prefix of the test ids: `<id>-save`, `<id>-saved`, `<id>-undo`, `<id>-discard`, `<id>-error`. */
  id: string;
  saver: ControlsSaver;
  dirty: boolean;
  onSave: () => void;
  onDiscard: () => void;
  /** Shown after a refused save: client-side problems block it (nothing is sent). */
  problem?: string | null;
}

/** Save / discard for one section, the agent's refusal, and "Saved · Undo" for 10 s. */
export function SaveBar({ id, saver, dirty, onSave, onDiscard, problem }: Props) {
  return (
    <div className={styles.saveArea}>
      {saver.error ? (
        <ErrorNotice error={saver.error} onDismiss={saver.clearError} testId={`${id}-error`} />
      ) : null}
      <div className={styles.saveBar}>
        <button
          type="button"
          className="button-primary"
          onClick={onSave}
          disabled={!dirty || saver.pending}
          aria-busy={saver.pending}
          data-testid={`${id}-save`}
        >
          {saver.pending ? <Spinner /> : null}
          Save
        </button>
        {dirty ? (
          <button type="button" onClick={onDiscard} disabled={saver.pending} data-testid={`${id}-discard`}>
            Discard changes
          </button>
        ) : null}
        <span className={styles.saveStatus} role="status">
          {problem ? (
            <span className="field-error" data-testid={`${id}-problem`}>
              {problem}
            </span>
          ) : dirty ? (
            <span className="muted small">Unsaved changes</span>
          ) : null}
          {saver.notice === 'saved' ? (
            <span className="saved-notice" data-testid={`${id}-saved`}>
              Saved ·{' '}
              <button type="button" className="button-link" onClick={() => void saver.undo()} data-testid={`${id}-undo`}>
                Undo
              </button>
            </span>
          ) : null}
          {saver.notice === 'restored' ? (
            <span className="saved-notice" data-testid={`${id}-restored`}>
              Previous value restored
            </span>
          ) : null}
        </span>
      </div>
    </div>
  );
}
