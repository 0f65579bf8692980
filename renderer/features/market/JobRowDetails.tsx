import type { MarketJob, MarketStatus } from '../../../shared/domain/market';
import { MarketJobDetail } from './MarketJobDetail';

/**
 * The two cells every market table ends with: the mouse-only "Details" toggle (the row
 * itself is the keyboard target, so the button stays out of the tab order) and, when open,
 * the detail row under it.
 */
export function DetailsToggleCell({ open, onToggle }: { open: boolean; onToggle: () => void }) {
  return (
    <td>
      <button
        type="button"
        className="button-small"
        tabIndex={-1}
        aria-hidden="true"
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
    <tr className="market-details-row" id={id}>
      <td colSpan={columns}>
        <MarketJobDetail job={job} isDevnet={status.chain.isDevnet} walletAddress={status.wallet.address} />
      </td>
    </tr>
  );
}
