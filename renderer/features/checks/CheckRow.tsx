import { useId, useState } from 'react';
import type { EnvironmentCheck } from '../../../shared/domain/checks';
import { StatusLight } from '../../components/StatusLight';
import type { FixOs } from './fix-os';
import { FixTabs } from './FixTabs';
import styles from './Checks.module.css';

interface Props {
  check: EnvironmentCheck;
  os: FixOs;
  onOsChange: (os: FixOs) => void;
}

export function CheckRow({ check, os, onOsChange }: Props) {
  // Problems open by default: the fix is what the owner needs to see first.
  const [open, setOpen] = useState(check.state === 'fail');
  const detailId = useId();
  const expandable = Boolean(check.detail || check.fix);
  return (
    <li className={styles.check} data-testid={`check-${check.id}`} data-state={check.state}>
      <div className={styles.checkLine}>
        <StatusLight state={check.state} />
        <div className={styles.checkText}>
          <span className={styles.checkTitle}>{check.title}</span>
          <span className={styles.checkSummary}>{check.summary}</span>
        </div>
        {expandable ? (
          <button
            type="button"
            className="button-small"
            aria-expanded={open}
            aria-controls={detailId}
            onClick={() => setOpen(!open)}
          >
            {open ? 'Hide' : check.fix ? 'How to fix' : 'Details'}
          </button>
        ) : null}
      </div>
      {expandable && open ? (
        <div className={styles.checkDetail} id={detailId}>
          {check.detail ? <p>{check.detail}</p> : null}
          {check.fix ? <FixTabs fix={check.fix} os={os} onOsChange={onOsChange} /> : null}
        </div>
      ) : null}
    </li>
  );
}
