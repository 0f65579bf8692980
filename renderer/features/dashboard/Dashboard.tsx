/**
 * The top of the Overview page, what a gamer looks at first (the way Salad and NiceHash put
 * it): what the machine does now and why, today's and this month's net in big numbers, the
 * last 24 h as a live sparkline, the current job with its progress, and what needs the
 * owner. Every figure comes from the agent (snapshot, market status, the ledger's reports).
 */
import { attentionItems } from '../../../shared/domain/attention';
import type { EarningsReport } from '../../../shared/domain/earnings';
import { formatUsdMicros } from '../../../shared/domain/money-format';
import { isPauseActive } from '../../../shared/domain/schedule';
import { useApi, useSnapshot } from '../../app/app-context';
import { Section } from '../../components/Section';
import { cx } from '../../lib/cx';
import { useNow } from '../../lib/use-now';
import { useLedgerQuery } from '../earnings/use-earnings';
import { AttentionList } from '../onboarding/AttentionList';
import { useMarketStatus } from '../onboarding/use-market-status';
import { CurrentJob } from './CurrentJob';
import { dashboardState, type MoneyView, thisMonthFromYear, todayFromDay } from './dashboard-view';
import { EarningsSparkline } from './EarningsSparkline';
import { ReputationCard } from './ReputationCard';
import styles from './Dashboard.module.css';

const usd = formatUsdMicros;

/** The ledger's report for a range, shared with the Earnings page's queries (same keys). */
function useReport(range: 'day' | 'year'): EarningsReport | null | 'unavailable' {
  const api = useApi();
  const { value, error } = useLedgerQuery(
    () => (range === 'day' ? api.getEarnings({ range: 'day' }) : api.getEarnings({ range: 'year', bucket: 'month' })),
    range === 'day' ? 'earnings:day' : 'earnings:year:month',
  );
  if (error) return 'unavailable';
  return value;
}

export function Dashboard() {
  const snapshot = useSnapshot();
  const now = useNow();
  const market = useMarketStatus();
  const day = useReport('day');
  const year = useReport('year');
  const { settings, availability } = snapshot;
  const pausedByOwner = isPauseActive(settings.controls.pause, new Date(now));
  const view = dashboardState({
    bidding: settings.market.bidding,
    pausedByOwner,
    gpus: availability.gpus,
    walletLocked: market?.blocks.some((b) => b.code === 'wallet-locked') ?? false,
    blockedBecause: market?.blocks[0]?.message ?? null,
  });
  const items = attentionItems({
    checks: snapshot.checks,
    hasBenchmark: snapshot.benchmark.history.length > 0,
    skipped: settings.onboarding.skipped,
    market,
  });
  const monthName = new Date(now).toLocaleDateString('en-US', { month: 'long', year: 'numeric' });

  return (
    <Section id="dashboard" title="Dashboard" intro="What your machine is doing, what it earned, and what needs you.">
      <div className={cx(styles.state, styles[view.state])} data-testid="renting-state" data-state={view.state} data-enabled={settings.market.bidding && !pausedByOwner}>
        <span className={styles.stateDot} aria-hidden="true" />
        <div>
          <strong className={styles.headline}>{view.headline}</strong>
          {view.why ? (
            <span className={styles.why} data-testid="renting-why">
              {view.why}
            </span>
          ) : null}
        </div>
      </div>
      <div className={styles.grid}>
        <MoneyTile testId="today-earnings" label="Today" report={day} pick={(r) => todayFromDay(r, now)} empty="No job paid today yet." />
        <MoneyTile testId="month-earnings" label={`This month (${monthName})`} report={year} pick={thisMonthFromYear} empty="No job paid this month yet." />
        {day !== null && day !== 'unavailable' ? <EarningsSparkline report={day} /> : <div className={styles.tile} />}
      </div>
      <div className={styles.lower}>
        <CurrentJob />
        <div className={styles.tile} data-testid="dashboard-attention">
          <h3 className={styles.label}>Needs your attention</h3>
          <AttentionList items={items} />
        </div>
      </div>
      {market?.marketVersion === 2 && market.myRecord ? <ReputationCard record={market.myRecord} /> : null}
    </Section>
  );
}

function MoneyTile(props: {
  testId: string;
  label: string;
  report: EarningsReport | null | 'unavailable';
  pick: (report: EarningsReport) => MoneyView;
  empty: string;
}) {
  const { report } = props;
  const money = report !== null && report !== 'unavailable' ? props.pick(report) : null;
  return (
    <div className={styles.tile} data-testid={props.testId} data-net-micros={money?.netMicros.toString()}>
      <span className={styles.label}>{props.label}</span>
      {report === null ? (
        <span className={styles.note}>Loading…</span>
      ) : money === null ? (
        <span className={styles.note}>No earnings record in this agent.</span>
      ) : (
        <>
          <strong className={cx(styles.figure, money.netMicros < 0n && styles.negative)}>{usd(money.netMicros)}</strong>
          <span className={styles.note}>
            {money.jobs === 0 ? props.empty : `net of ${money.jobs} job${money.jobs === 1 ? '' : 's'}, ${usd(money.grossMicros)} before costs`}
          </span>
        </>
      )}
    </div>
  );
}
