import type { MarketJob, MarketStatus } from '../../../shared/domain/market';
import { MarketJobDetail } from './MarketJobDetail';
import styles from './Market.module.css';

/**
 * The two cells every market table ends with: the "Details" toggle (the row itself is the
 * keyboard target, so the button stays out of the tab order, but a screen reader still finds
 * it, named after its job) and, when open, the detail row under it.
 */
export function DetailsToggleCell({ open, onToggle, jobLabel, controls }: { open: boolean; onToggle: () => void; jobLabel: string; controls: string }) {
  return (
    <td>
      <button
        type="button"
        className="button-small"
        tabIndex={-1}
        aria-label={`${open ? 'Hide the details of' : 'Details of'} ${jobLabel}`}
        aria-expanded={open}
        aria-controls={open ? controls : undefined}
        onClick={(e) => {
          e.stopPropagation();
          onToggle();
        }}
      >
        {open ? 'Hide' : 'Details'}
      </button>
    </td>
  );
}

export function JobDetailsRow({ job, status, id, columns }: { job: MarketJob; status: MarketStatus; id: string; columns: number }) {
  return (
    <tr className={styles.detailsRow} id={id}>
      <td colSpan={columns}>
        <MarketJobDetail job={job} isDevnet={status.chain.isDevnet} walletAddress={status.wallet.address} />
      </td>
    </tr>
  );
}
