import { useApi } from '../../app/app-context';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useCall } from '../../lib/use-call';

/** Asks the agent for the ledger as CSV and saves it as a file (a Blob link: no server download). */
export function ExportCsvButton() {
  const api = useApi();
  const exportCsv = useCall(() => api.exportLedgerCsv({}));
  const save = async () => {
    const result = await exportCsv.run();
    if (!result.ok) return;
    const url = URL.createObjectURL(new Blob([result.value.csv], { type: 'text/csv;charset=utf-8' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = result.value.filename;
    document.body.appendChild(link);
    link.click();
    link.remove();
    // Revoked on the next turn: the download has its own reference by then.
    setTimeout(() => URL.revokeObjectURL(url), 0);
  };
  return (
    <>
      <button type="button" className="button-small" onClick={save} disabled={exportCsv.pending} data-testid="earnings-export-csv">
        {exportCsv.pending ? 'Exporting…' : 'Export CSV'}
      </button>
      {exportCsv.error ? <ErrorNotice error={exportCsv.error} onDismiss={exportCsv.clearError} /> : null}
    </>
  );
}
