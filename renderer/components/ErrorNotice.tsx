import type { ApiError } from '../../shared/api/result';

interface Props {
  error: ApiError;
  testId?: string;
  onDismiss?: () => void;
}

/** An agent error as the agent worded it: what went wrong, then what to do. */
export function ErrorNotice({ error, testId, onDismiss }: Props) {
  return (
    <div className="notice notice-error" role="alert" data-testid={testId} data-code={error.code}>
      <p className="notice-message">{error.message}</p>
      {error.hint ? <p className="notice-hint">{error.hint}</p> : null}
      {onDismiss ? (
        <button type="button" className="button-link" onClick={onDismiss}>
          Dismiss
        </button>
      ) : null}
    </div>
  );
}
