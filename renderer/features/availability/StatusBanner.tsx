import { useState } from 'react';
import { describePause, isPauseActive } from '../../../shared/domain/schedule';
import { jobsLostByStopping } from '../../../shared/domain/stopping-jobs';
import { useSnapshot } from '../../app/app-context';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Spinner } from '../../components/Spinner';
import { useNow } from '../../lib/use-now';
import { useMarketStatus } from '../onboarding/use-market-status';
import { AvailabilityLight } from './AvailabilityLight';
import { CPU_DEVICE_ID, deviceLabel, STATE_LABELS } from './availability-view';

const sameWords = (a: string, b: string) => a.trim().replace(/\.$/, '').toLowerCase() === b.trim().toLowerCase();
import { type PauseDuration, usePause } from './use-pause';
import { cx } from '../../lib/cx';
import styles from './Availability.module.css';

const PAUSE_BUTTONS: { duration: PauseDuration; label: string }[] = [
  { duration: 'hour', label: 'Pause 1 h' },
  { duration: 'tomorrow', label: 'Pause until tomorrow' },
  { duration: 'indefinite', label: 'Pause until I resume' },
];

/** Under the header on every page: what each device is doing now, and the pause controls. */
export function StatusBanner() {
  const { availability, settings, detection, jobs } = useSnapshot();
  // A non-preemptible job pays only when it completes: pausing asks before throwing that away.
  const unfinished = jobsLostByStopping(jobs.active);
  const [asking, setAsking] = useState<PauseDuration | null>(null);
  const choose = (duration: PauseDuration) => {
    if (unfinished.length > 0) setAsking(duration);
    else void pause.run(duration);
  };
  const decide = (finishRunningJob: boolean) => {
    if (asking) void pause.run(asking, finishRunningJob);
    setAsking(null);
  };
  const now = useNow();
  const pause = usePause();
  const { pause: manual, schedule } = settings.controls;
  const paused = isPauseActive(manual, new Date(now));
  const devices = availability.gpus;
  const market = useMarketStatus();
  const walletLocked = Boolean(market?.biddingWanted && market.blocks.some((b) => b.code === 'wallet-locked'));

  return (
    <section className={styles.statusBanner} aria-label="Renting status" data-testid="status-banner" data-paused={paused}>
      <div className={styles.statusBannerInner}>
        <ul className={styles.availabilityList} aria-live="polite">
          {devices.length === 0 ? (
            <li className={styles.availabilityRow} data-testid={`availability-${CPU_DEVICE_ID}`} data-state="unknown">
              <span className={styles.availabilityDevice}>CPU only</span>
              <span className="muted">Working out availability…</span>
            </li>
          ) : (
            devices.map((entry) => (
              <li
                key={entry.gpuUuid}
                className={styles.availabilityRow}
                data-testid={`availability-${entry.gpuUuid}`}
                data-state={entry.state}
                data-reasons={entry.reasons.map((r) => r.code).join(' ')}
              >
                <span className={styles.availabilityDevice}>{deviceLabel(entry, detection)}</span>
                <AvailabilityLight state={entry.state} />
                <span className={styles.availabilityHeadline} data-testid="availability-headline">
                  {entry.state === 'yielding' ? <Spinner /> : null}{' '}
                  {/* The light already says "Available": never the same word twice. */}
                  {sameWords(entry.headline, STATE_LABELS[entry.state]) ? null : entry.headline}
                  <OtherReasons headline={entry.headline} reasons={entry.reasons} />
                </span>
              </li>
            ))
          )}
        </ul>
        {walletLocked ? (
          <p className={styles.bannerWalletLocked} role="status" data-testid="banner-wallet-locked">
            Waiting for the wallet to be unlocked: nothing is claimed, submitted or withdrawn until then.{' '}
            <a href="#/wallet">Unlock it</a>
          </p>
        ) : null}
        <div className={styles.pauseControls}>
          {paused ? (
            <span className={styles.pauseText} data-testid="pause-text">
              {describePause(manual, new Date(now), schedule.timeZone)}
            </span>
          ) : null}
          <div className={styles.pauseButtons} role="group" aria-label="Pause renting">
            {PAUSE_BUTTONS.map((b) => (
              <button
                key={b.duration}
                type="button"
                className="button-small"
                onClick={() => choose(b.duration)}
                disabled={pause.pending}
                data-testid={`pause-${b.duration}`}
              >
                {b.label}
              </button>
            ))}
            {paused ? (
              <button
                type="button"
                className="button-small button-primary"
                onClick={() => void pause.run('resume')}
                disabled={pause.pending}
                data-testid="resume"
              >
                Resume
              </button>
            ) : null}
          </div>
        </div>
      </div>
      {asking && unfinished.length > 0 ? (
        <div className={styles.pauseAsk} role="alertdialog" aria-labelledby="pause-ask-title" data-testid="pause-ask">
          <p id="pause-ask-title">
            {unfinished.length === 1 ? `The job "${unfinished[0]!.name}" is` : `${unfinished.length} jobs are`} not preemptible: it is
            paid only when it completes.
          </p>
          <div className={styles.pauseAskButtons}>
            <button type="button" className="button-small button-primary" onClick={() => decide(true)} data-testid="pause-finish-first">
              Finish this job, then pause
            </button>
            <button type="button" className="button-small" onClick={() => decide(false)} data-testid="pause-stop-now">
              Stop now and lose its unpaid work
            </button>
            <button type="button" className="button-small" onClick={() => setAsking(null)} data-testid="pause-ask-cancel">
              Don&apos;t pause
            </button>
          </div>
        </div>
      ) : null}
      {pause.error ? <ErrorNotice error={pause.error} onDismiss={pause.clearError} testId="pause-error" /> : null}
    </section>
  );
}

/** Reasons besides the one the headline already gives ("also outside your hours"). */
function OtherReasons({ headline, reasons }: { headline: string; reasons: { message: string }[] }) {
  const others = reasons.filter((r, i) => i > 0 && !headline.includes(r.message));
  if (others.length === 0) return null;
  return <span className={cx('muted', 'small', styles.availabilityAlso)}> · also {others.map((r) => r.message).join(' · ')}</span>;
}
