import { useState } from 'react';
import type { LedgerChain, LedgerJob, LedgerTx } from '../../../shared/domain/earnings';
import { useApi } from '../../app/app-context';
import { CopyButton } from '../../components/CopyButton';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Section } from '../../components/Section';
import { formatDateTime } from '../../lib/format';
import { NO_EARNINGS_TEXT } from './EarningsChart';
import { formatGas, formatSeconds, formatUsdMicros, shortAddress } from './earnings-view';
import { useLedgerQuery } from './use-earnings';
import { cx } from '../../lib/cx';
import styles from './Earnings.module.css';

const PAGE = 25;
const STATE_TEXT: Record<LedgerJob['state'], string> = {
  claimed: 'Claimed',
  submitted: 'Waiting for payment',
  settled: 'Paid',
  released: 'Released (paid for time served)',
  refunded: 'Refunded (stake lost)',
  slashed: 'Slashed (stake lost)',
  unpaid: 'Ended unpaid',
  outbid: 'Outbid (gas only)',
};

/** v1: the claim counter (shown from the second claim); v2: our slot, or the round a lost bid was in. */
function attemptNote(job: LedgerJob, v2: boolean) {
  const text = v2 ? (job.attempt >= 0 ? `slot ${job.attempt}` : `round ${-job.attempt} bid`) : job.attempt > 1 ? `claim ${job.attempt}` : null;
  return text === null ? null : <span className="muted small"> ({text})</span>;
}

/** Every job this wallet claimed on the current chain, newest first, with its transactions. */
export function LedgerTable() {
  const api = useApi();
  const [shown, setShown] = useState(PAGE);
  const jobs = useLedgerQuery(() => api.listLedgerJobs({ limit: shown }), `jobs:${shown}`);
  const earnings = useLedgerQuery(() => api.getEarnings({ range: 'day' }), 'earnings:day');
  const chain = earnings.value?.chain ?? null;
  const symbol = earnings.value?.gasCoin.symbol ?? 'ETH';
  const list = jobs.value;

  return (
    <Section id="earnings-jobs" title="Jobs" intro="Amounts are read from the chain; energy and electricity are measured on this PC.">
      {jobs.error ? <ErrorNotice error={jobs.error} /> : null}
      {!list || list.total === 0 ? (
        <p className="muted" data-testid="ledger-jobs" data-count={0}>
          {NO_EARNINGS_TEXT}
        </p>
      ) : (
        <>
          <div className="table-wrap">
            <table className={cx('table', styles.ledgerJobs)} data-testid="ledger-jobs" data-count={list.total}>
              <caption className="visually-hidden">Jobs and their payments</caption>
              <thead>
                <tr>
                  <th scope="col">Job</th>
                  <th scope="col">State</th>
                  <th scope="col">Requester</th>
                  <th scope="col" className="num">Ask</th>
                  <th scope="col" className="num">Billed</th>
                  <th scope="col" className="num">Gross</th>
                  <th scope="col" className="num">Fee</th>
                  <th scope="col" className="num">Energy</th>
                  <th scope="col" className="num">Electricity</th>
                  <th scope="col" className="num">Gas</th>
                  <th scope="col" className="num">Net</th>
                  <th scope="col">Paid</th>
                  <th scope="col">Transactions</th>
                </tr>
              </thead>
              <tbody>
                {list.jobs.map((job) => (
                  <tr key={`${job.chainJobId}:${job.attempt}`} data-testid={`ledger-job-${job.chainJobId}`} data-state={job.state} data-gross={job.grossMicros}>
                    <th scope="row">
                      #{job.chainJobId}
                      {attemptNote(job, chain?.marketVersion === 2)}
                    </th>
                    <td>{STATE_TEXT[job.state]}</td>
                    <td className="mono" title={job.requester}>
                      {shortAddress(job.requester)}
                    </td>
                    <td className="num">{formatUsdMicros(job.askMicrosPerHour)}/h</td>
                    <td className="num">{formatSeconds(job.billedSeconds)}</td>
                    <td className="num">{formatUsdMicros(job.grossMicros)}</td>
                    <td className="num">{formatUsdMicros(job.feeMicros)}</td>
                    <td className="num">{job.energyWh === null ? '—' : `${(job.energyWh / 1000).toFixed(3)} kWh`}</td>
                    <td className="num">{formatUsdMicros(job.electricityMicros)}</td>
                    <td className="num">{formatGas(job.gasWei, symbol)}</td>
                    <td className="num strong">{formatUsdMicros(job.netMicros)}</td>
                    <td className="nowrap">{job.closedAt ? formatDateTime(job.closedAt) : '—'}</td>
                    <td>
                      <TxList txs={job.txs} chain={chain} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {list.total > list.jobs.length ? (
            <button type="button" className="button-small" onClick={() => setShown((n) => n + PAGE)}>
              Show {Math.min(PAGE, list.total - list.jobs.length)} more
            </button>
          ) : null}
        </>
      )}
    </Section>
  );
}

const TX_TEXT: Record<LedgerTx['kind'], string> = {
  claim: 'claim', submit: 'submit', release: 'release', accept: 'accepted', finalize: 'finalize', refund: 'refund',
  bid: 'bid', award: 'award', commit: 'commit', reveal: 'reveal', conclude: 'conclude',
};

/** Links to the explorer on public networks; on the devnet (no explorer) the hash with a copy button. */
function TxList({ txs, chain }: { txs: LedgerTx[]; chain: LedgerChain | null }) {
  return (
    <ul className={styles.ledgerTxs}>
      {txs.map((tx) => (
        <li key={`${tx.kind}:${tx.hash}`} data-testid={`ledger-tx-${tx.kind}`}>
          <span className="muted small">{TX_TEXT[tx.kind]}</span>{' '}
          {chain?.explorerTxUrl ? (
            <a href={`${chain.explorerTxUrl}${tx.hash}`} target="_blank" rel="noreferrer noopener" className="mono">
              {shortAddress(tx.hash)}
            </a>
          ) : (
            <>
              <code className="mono" title={tx.hash}>
                {shortAddress(tx.hash)}
              </code>{' '}
              <CopyButton text={tx.hash} label="Copy" />
            </>
          )}
        </li>
      ))}
    </ul>
  );
}
