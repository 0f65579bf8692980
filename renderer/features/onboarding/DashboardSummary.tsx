/**
 * The top of the dashboard: is renting on, what the machine does now, today's earnings,
 * the current job, and what needs the owner's attention.
 */
import { attentionItems } from '../../../shared/domain/attention';
import type { EarningsFigures } from '../../../shared/domain/earnings';
import { formatUsdMicros } from '../../../shared/domain/money-format';
import { isPauseActive } from '../../../shared/domain/schedule';
import { useApi, useSnapshot } from '../../app/app-context';
import { Section } from '../../components/Section';
import { useNow } from '../../lib/use-now';
import { jobDeviceLabel, shortImage, STATE_LABELS } from '../jobs/job-view';
import { AttentionList } from './AttentionList';
import { useLedgerQuery } from '../earnings/use-earnings';
import { useMarketStatus } from './use-market-status';
import { UntrustedText } from '../../components/UntrustedText';

const usd = formatUsdMicros;

/** Today's figures (the owner's calendar day, the ledger's time zone), from the shared ledger query. */
function useTodayEarnings(): EarningsFigures | null | 'unavailable' {
  const api = useApi();
  const { value, error } = useLedgerQuery(() => api.getEarnings({ range: 'day' }), 'earnings:day');
  if (error) return 'unavailable';
  return value?.totals ?? null;
}

export function DashboardSummary() {
  const snapshot = useSnapshot();
  const now = useNow();
  const market = useMarketStatus();
  const today = useTodayEarnings();
  const { settings, availability, jobs, detection } = snapshot;
  const paused = isPauseActive(settings.controls.pause, new Date(now));
  const renting = settings.market.bidding && !paused;
  const busy = availability.gpus.find((d) => d.state === 'renting' || d.state === 'yielding');
  const state = busy ? 'renting' : !renting ? 'off' : availability.gpus.some((d) => d.state === 'available') ? 'available' : 'paused';
  const walletLocked = market?.blocks.some((b) => b.code === 'wallet-locked') ?? false;
  const headline = {
    renting: walletLocked ? 'Renting now — waiting for the wallet to be unlocked' : 'Renting now',
    available: walletLocked ? 'Waiting for the wallet to be unlocked' : 'Ready: waiting for a job that fits',
    paused: availability.gpus[0]?.headline ?? 'Paused',
    off: paused ? 'Renting is paused by you' : 'Renting is off',
  }[state];
  const items = attentionItems({
    checks: snapshot.checks,
    hasBenchmark: snapshot.benchmark.history.length > 0,
    skipped: settings.onboarding.skipped,
    market,
  });
  const job = jobs.active[0];

  return (
    <Section id="dashboard" title="Dashboard" intro="What your machine is doing, what it earned today, and what needs you.">
      <div className="dashboard-grid">
        <div className="dashboard-tile" data-testid="renting-state" data-state={state} data-enabled={renting}>
          <span className="dashboard-label">Renting</span>
          <strong className={`dashboard-value dashboard-${state}`}>{headline}</strong>
          {market && market.blocks.length > 0 && !busy ? (
            <span className="muted small" data-testid="bidding-blocked">
              Not claiming jobs: {market.blocks[0]!.message}
            </span>
          ) : null}
        </div>
        <div className="dashboard-tile" data-testid="today-earnings">
          <span className="dashboard-label">Today</span>
          {today === null ? (
            <span className="muted">Loading…</span>
          ) : today === 'unavailable' ? (
            <span className="muted">No earnings record in this agent.</span>
          ) : (
            <>
              <strong className="dashboard-value">{usd(today.netMicros)}</strong>
              <span className="muted small">
                {today.jobs === 0 ? 'No job finished today yet.' : `${today.jobs} job${today.jobs === 1 ? '' : 's'}, ${usd(today.grossMicros)} before costs`}
              </span>
            </>
          )}
        </div>
        <div className="dashboard-tile" data-testid="current-job">
          <span className="dashboard-label">Current job</span>
          {job ? (
            <>
              <strong className="dashboard-value">
                <UntrustedText text={job.name || shortImage(job.image)} />
              </strong>
              <span className="muted small">
                {STATE_LABELS[job.state]} on {jobDeviceLabel(job.deviceId, detection)} · <a href="#/jobs">details</a>
              </span>
            </>
          ) : (
            <span className="muted">No job is running. Jobs appear here while they run.</span>
          )}
        </div>
      </div>
      <h3 className="dashboard-subtitle">Needs your attention</h3>
      <AttentionList items={items} />
    </Section>
  );
}
