import { useId, useState } from 'react';
import { addWatchName } from './presence-view';

interface Props {
  list: string[];
  running: string[];
  onChange: (list: string[]) => void;
}

/** The owner's own programs that mean "I am using the PC": add and remove by name. */
export function WatchListEditor({ list, running, onChange }: Props) {
  const [typed, setTyped] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const inputId = useId();
  const messageId = useId();
  const runningLower = new Set(running.map((n) => n.toLowerCase()));

  const add = () => {
    const result = addWatchName(list, typed);
    if (!result.ok) {
      setMessage(result.message);
      return;
    }
    setMessage(null);
    setTyped('');
    onChange(result.list);
  };

  return (
    <div className="watchlist">
      <label className="field-label" htmlFor={inputId}>
        Your own programs
      </label>
      <span className="field-help">Executable names, any case: eldenring.exe, blender, obs64.exe.</span>
      <div className="watchlist-add">
        <input
          id={inputId}
          type="text"
          value={typed}
          maxLength={200}
          autoComplete="off"
          spellCheck={false}
          aria-invalid={message !== null}
          aria-describedby={message ? messageId : undefined}
          onChange={(e) => {
            setTyped(e.target.value);
            setMessage(null);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              add();
            }
          }}
          data-testid="watchlist-input"
        />
        <button type="button" className="button-small" onClick={add} data-testid="watchlist-add">
          Add
        </button>
      </div>
      {message ? (
        <p className="field-error" id={messageId} role="alert" data-testid="watchlist-error">
          {message}
        </p>
      ) : null}
      {list.length === 0 ? (
        <p className="muted small">No programs of your own yet.</p>
      ) : (
        <ul className="watchlist-items" aria-label="Your programs">
          {list.map((name) => (
            <li key={name} className="chip" data-testid={`watchlist-item-${name}`}>
              <code>{name}</code>
              {runningLower.has(name.toLowerCase()) ? <span className="chip-note">running</span> : null}
              <button
                type="button"
                className="chip-remove"
                aria-label={`Remove ${name}`}
                onClick={() => onChange(list.filter((n) => n !== name))}
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
