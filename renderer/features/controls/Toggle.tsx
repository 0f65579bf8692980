import type { ReactNode } from 'react';

interface Props {
  checked: boolean;
  onChange: (checked: boolean) => void;
  label: ReactNode;
  help?: ReactNode;
  testId?: string;
  disabled?: boolean;
}

/** A labelled on/off switch (a checkbox with the switch role). */
export function Toggle({ checked, onChange, label, help, testId, disabled }: Props) {
  return (
    <label className="field field-check">
      <input
        type="checkbox"
        role="switch"
        checked={checked}
        disabled={disabled}
        onChange={(e) => onChange(e.target.checked)}
        data-testid={testId}
      />
      <span>
        <span className="field-label">{label}</span>
        {help ? <span className="field-help">{help}</span> : null}
      </span>
    </label>
  );
}
