import { useId, useState } from 'react';
import type { AddResult } from './market-lists';

interface Props {
  /** Prefix of the test ids: `<id>-input`, `<id>-add`, `<id>-error`, `<id>-item-<value>`. */
  id: string;
  label: string;
  help: string;
  placeholder: string;
  emptyText: string;
  list: string[];
  /** Validates and returns the new list (market-lists.ts). */
  add: (list: string[], typed: string) => AddResult;
  onChange: (list: string[]) => void;
  disabled?: boolean;
  /** Entries shown in monospace with a tooltip (addresses). */
  renderItem?: (value: string) => string;
}

/** Add and remove entries of one settings list, with the reason an entry is refused. */
export function ListEditor({ id, label, help, placeholder, emptyText, list, add, onChange, disabled, renderItem }: Props) {
  const [typed, setTyped] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const inputId = useId();
  const helpId = useId();
  const messageId = useId();

  const submit = () => {
    const result = add(list, typed);
    if (!result.ok) {
      setMessage(result.message);
      return;
    }
    setMessage(null);
    setTyped('');
    onChange(result.list);
  };

  return (
    <div className="watchlist" data-testid={id}>
      <label className="field-label" htmlFor={inputId}>
        {label}
      </label>
      <span className="field-help" id={helpId}>
        {help}
      </span>
      <div className="watchlist-add">
        <input
          id={inputId}
          type="text"
          value={typed}
          placeholder={placeholder}
          autoComplete="off"
          spellCheck={false}
          disabled={disabled}
          aria-invalid={message !== null}
          aria-describedby={message ? `${helpId} ${messageId}` : helpId}
          onChange={(e) => {
            setTyped(e.target.value);
            setMessage(null);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              submit();
            }
          }}
          data-testid={`${id}-input`}
        />
        <button type="button" className="button-small" onClick={submit} disabled={disabled} data-testid={`${id}-add`}>
          Add
        </button>
      </div>
      {message ? (
        <p className="field-error" id={messageId} role="alert" data-testid={`${id}-error`}>
          {message}
        </p>
      ) : null}
      {list.length === 0 ? (
        <p className="muted small">{emptyText}</p>
      ) : (
        <ul className="watchlist-items" aria-label={label}>
          {list.map((value) => (
            <li key={value} className="chip" data-testid={`${id}-item-${value}`}>
              <code title={value}>{renderItem ? renderItem(value) : value}</code>
              <button
                type="button"
                className="chip-remove"
                aria-label={`Remove ${value}`}
                disabled={disabled}
                onClick={() => onChange(list.filter((v) => v !== value))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
