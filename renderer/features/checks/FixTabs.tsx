import { useId, type KeyboardEvent } from 'react';
import type { EnvironmentCheck } from '../../../shared/domain/checks';
import type { FixOs } from './fix-os';
import { FixText } from './FixText';

interface Props {
  fix: NonNullable<EnvironmentCheck['fix']>;
  os: FixOs;
  onOsChange: (os: FixOs) => void;
}

const TABS: { os: FixOs; label: string }[] = [
  { os: 'linux', label: 'Linux' },
  { os: 'windows', label: 'Windows' },
];

/** WAI-ARIA tabs: arrow keys move between the two OS tabs. */
export function FixTabs({ fix, os, onOsChange }: Props) {
  const baseId = useId();
  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    event.preventDefault();
    const next = os === 'linux' ? 'windows' : 'linux';
    onOsChange(next);
    document.getElementById(`${baseId}-tab-${next}`)?.focus();
  };
  return (
    <div className="fix">
      <div className="tabs" role="tablist" aria-label="Fix for operating system">
        {TABS.map((tab) => (
          <button
            key={tab.os}
            type="button"
            role="tab"
            id={`${baseId}-tab-${tab.os}`}
            aria-selected={os === tab.os}
            aria-controls={`${baseId}-panel`}
            tabIndex={os === tab.os ? 0 : -1}
            className="tab"
            onClick={() => onOsChange(tab.os)}
            onKeyDown={onKeyDown}
          >
            {tab.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${baseId}-panel`} aria-labelledby={`${baseId}-tab-${os}`} className="tab-panel" data-os={os}>
        <FixText fix={fix[os]} />
      </div>
    </div>
  );
}
