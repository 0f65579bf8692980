import { useState } from 'react';
import type { EarningsRange } from '../../../shared/domain/earnings';
import { useApi } from '../../app/app-context';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Section } from '../../components/Section';
import { EarningsChart } from './EarningsChart';
import { EarningsSummary } from './EarningsSummary';
import { ExportCsvButton } from './ExportCsvButton';
import { GasPriceForm } from './GasPriceForm';
import { HoursChart } from './HoursChart';
import { LedgerTable } from './LedgerTable';
import { RangePicker } from './RangePicker';
import { TelemetryChart } from './TelemetryChart';
import { useLedgerQuery } from './use-earnings';

/**
 * What renting has earned, from the ledger the agent keeps in line with the chain: money per
 * period split into net, electricity, gas and fee; hours rented vs offered; the GPU's power and
 * temperature; and every paid job with its transactions.
 */
export function EarningsPage() {
  const api = useApi();
  const [range, setRange] = useState<EarningsRange>('week');
  const report = useLedgerQuery(() => api.getEarnings({ range }), `earnings:${range}`);
  const r = report.value;

  return (
    <>
      <h1 className="visually-hidden">Earnings</h1>
      <Section
        id="earnings"
        title="Earnings"
        intro={r?.chain ? `On ${r.chain.label}, paid in ${r.chain.tokenSymbol}. Figures come from the chain; energy from this PC.` : 'Paid on chain; figures come from the chain, energy from this PC.'}
        actions={
          <>
            <RangePicker value={range} onChange={setRange} />
            <ExportCsvButton />
          </>
        }
      >
        {report.error ? <ErrorNotice error={report.error} testId="earnings-error" /> : null}
        {r?.notice ? (
          <div className="notice notice-neutral" role="status" data-testid="earnings-notice">
            <p className="notice-message">{r.notice}</p>
          </div>
        ) : null}
        {r === null ? <p className="muted">Loading…</p> : <EarningsSummary report={r} />}
        {r ? <EarningsChart report={r} /> : null}
      </Section>
      <Section id="earnings-hours" title="Hours rented vs available" intro="GPU-hours this PC offered to the market and the hours it was rented, with what a rented hour earned net.">
        {r ? <HoursChart report={r} /> : null}
      </Section>
      <TelemetryChart range={range} />
      <LedgerTable />
      {r ? <GasPriceForm report={r} /> : null}
    </>
  );
}
