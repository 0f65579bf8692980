import { useEffect, useState } from 'react';
import type { MarketJob, MarketJobDetail as Detail } from '../../../shared/domain/market';
import type { ApiError } from '../../../shared/api/result';
import { useApi, useSnapshot } from '../../app/app-context';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Spinner } from '../../components/Spinner';
import { formatDateTime } from '../../lib/format';
import { useCall } from '../../lib/use-call';
import { jobDeviceLabel, shortImage } from '../jobs/job-view';
import { isClaimedByYou } from '../../../shared/domain/market-evaluation';
import { TxHash } from './TxHash';
import { explorerAddressUrl, formatSeconds, shortAddress, usdFromMicros, usdPerHour } from './market-format';
import { addBlockedRequester } from './market-lists';
import { canGiveBack, PROVIDER_STATES, resourcesText, timeline, TX_KIND_LABELS } from './market-view';
import { useMarketSettings } from './use-market-settings';
import { UntrustedText, untrustedAttribute } from '../../components/UntrustedText';
import { cx } from '../../lib/cx';
import styles from './Market.module.css';
import { RestartNote } from './RestartNote';
import { V2JobFacts } from './V2JobFacts';

interface Props {
  job: MarketJob;
  isDevnet: boolean;
  /** This provider's address, to mark its own claims. */
  walletAddress: string | null;
}

const CHAIN_STATE_LABELS: Record<MarketJob['chainState'], string> = {
  open: 'Open: waiting for a provider',
  claimed: 'Claimed',
  submitted: 'Result submitted',
  settled: 'Settled',
  refunded: 'Refunded',
};

/**
 * Everything about one job: the posted document in short (and in full on request), the
 * evaluation's verdict, the contract's view, and every transaction this provider sent,
 * in the order things happened. Live parts come from the list (events); the document,
 * which never changes, is fetched once.
 */
export function MarketJobDetail({ job, isDevnet, walletAddress }: Props) {
  const api = useApi();
  const { detection } = useSnapshot();
  const [detail, setDetail] = useState<Detail | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);

  useEffect(() => {
    let cancelled = false;
    void api.getMarketJob({ chainJobId: job.chainJobId }).then((result) => {
      if (cancelled) return;
      if (result.ok) setDetail(result.value);
      else setLoadError(result.error);
    });
    return () => {
      cancelled = true;
    };
  }, [api, job.chainJobId]);

  const { summary, verdict, mine } = job;
  const steps = timeline(job);
  return (
    <div className={styles.detail} data-testid={`market-detail-${job.chainJobId}`}>
      {mine?.problem ? <p className="notice notice-error">{mine.problem}</p> : null}
      {job.documentError ? (
        <p className="notice notice-error" data-testid={`market-document-error-${job.chainJobId}`}>
          The posted document is not a valid RigShift job: <UntrustedText text={job.documentError} />
        </p>
      ) : null}
      <div className={styles.detailGrid}>
        <div>
          <h4>What it runs</h4>
          {summary ? (
            <dl className="facts">
              <dt>Image</dt>
              <dd>
                <code className="wrap" title={untrustedAttribute(summary.image)}>
                  <UntrustedText text={shortImage(summary.image)} />
                </code>
              </dd>
              <dt>Resources</dt>
              <dd>{resourcesText(summary.resources)}</dd>
              <dt>Network</dt>
              <dd>{summary.network === 'none' ? 'No network' : 'Internet (asks for egress)'}</dd>
              <dt>Results go to</dt>
              <dd>
                <code className="wrap" title={detail?.uploadUrl ?? undefined}>
                  <UntrustedText text={summary.uploadHost} />
                </code>
              </dd>
              {summary.description ? (
                <>
                  <dt>Description</dt>
                  <dd>
                    <UntrustedText text={summary.description} />
                  </dd>
                </>
              ) : null}
            </dl>
          ) : (
            <p className="muted">No readable job document.</p>
          )}
          <h4>Verdict</h4>
          <p data-testid={`market-verdict-${job.chainJobId}`} data-fits={verdict.fits}>
            {verdict.fits ? (
              <>
                <span className="badge badge-ok">Fits</span> would {job.v2 && !job.v2.fixedPrice ? 'bid' : 'claim at'} {usdPerHour(verdict.askMicrosPerHour)}
                {verdict.deviceId ? ` on ${jobDeviceLabel(verdict.deviceId, detection)}` : ''}
              </>
            ) : isClaimedByYou(verdict) ? (
              <span className="badge badge-ok">Claimed by you</span>
            ) : (
              <span className="badge badge-bad">Does not fit</span>
            )}
          </p>
          {verdict.reasons.length > 0 && !isClaimedByYou(verdict) ? (
            <ul className={styles.reasons}>
              {verdict.reasons.map((reason) => (
                <li key={reason}>{reason}</li>
              ))}
            </ul>
          ) : null}
        </div>
        <div>
          <h4>On chain</h4>
          <dl className="facts">
            <dt>Job id</dt>
            <dd>
              #{job.chainJobId}
              {job.attempt > 1 ? <span className="muted small"> · claim attempt {job.attempt}</span> : null}
            </dd>
            <dt>State</dt>
            <dd data-testid={`market-chain-state-${job.chainJobId}`}>{CHAIN_STATE_LABELS[job.chainState]}</dd>
            <dt>Requester</dt>
            <dd>
              <Address address={job.requester} chainId={job.chainId} isDevnet={isDevnet} />
            </dd>
            {job.provider ? (
              <>
                <dt>Provider</dt>
                <dd>
                  <Address address={job.provider} chainId={job.chainId} isDevnet={isDevnet} />
                  {walletAddress && job.provider.toLowerCase() === walletAddress.toLowerCase() ? (
                    <span className="muted small"> (this PC)</span>
                  ) : null}
                </dd>
              </>
            ) : null}
            <dt>Price</dt>
            <dd>
              up to {usdPerHour(job.maxPricePerHourMicros)}
              {job.askMicrosPerHour ? ` · ${job.v2 ? 'paid' : 'claimed at'} ${usdPerHour(job.askMicrosPerHour)}` : ''}
            </dd>
            <dt>Escrow left</dt>
            <dd>{usdFromMicros(job.escrowMicros)}</dd>
            <dt>Length</dt>
            <dd>
              up to {formatSeconds(job.maxDurationSeconds)} · {job.preemptible ? 'preemptible' : 'not preemptible'}
            </dd>
            <dt>Deadlines</dt>
            <dd>
              claim by {formatDateTime(job.claimBy)} · run by {formatDateTime(job.runBy)}
            </dd>
            <dt>Posted</dt>
            <dd>
              block {job.postedBlock} · <TxHash hash={job.postedTx} chainId={job.chainId} isDevnet={isDevnet} />
            </dd>
            {detail ? (
              <>
                <dt>Spec hash</dt>
                <dd>
                  <code className="wrap">{detail.specHash}</code>
                </dd>
              </>
            ) : null}
          </dl>
        </div>
      </div>
      {job.v2 ? <V2JobFacts job={job} v2={job.v2} isDevnet={isDevnet} /> : null}
      {mine ? (
        <>
          <h4>
            Timeline <span className="muted small">· {PROVIDER_STATES[mine.state].label}</span>
          </h4>
          <p className="muted small">{mine.message}</p>
          {mine.restarts ? (
            <RestartNote restarts={mine.restarts} testId={`market-detail-restarts-${job.chainJobId}`} block />
          ) : null}
          {job.v2 ? null : (
            <ol className={styles.timeline} data-testid={`market-timeline-${job.chainJobId}`}>
              {steps.map((step) => (
                <li key={step.key} data-step={step.key}>
                  <span className={styles.timelineWhen}>{step.atMs === null ? '—' : formatDateTime(new Date(step.atMs).toISOString())}</span>
                  <span className={styles.timelineWhat}>
                    {step.label}
                    {step.tx ? (
                      <>
                        {' '}
                        <TxStatus status={step.tx.status} />
                        <TxHash hash={step.tx.hash} chainId={job.chainId} isDevnet={isDevnet} />
                      </>
                    ) : null}
                  </span>
                </li>
              ))}
            </ol>
          )}
          <h4>Transactions</h4>
          {mine.txs.length === 0 ? (
            <p className="muted small">{job.v2 ? 'Each step on chain above comes with its transaction.' : 'No transaction sent for this job yet.'}</p>
          ) : (
            <ul className={styles.txs} data-testid={`market-txs-${job.chainJobId}`}>
              {mine.txs.map((tx) => (
                <li key={tx.hash} data-kind={tx.kind}>
                  <span className="strong">{TX_KIND_LABELS[tx.kind]}</span> <TxStatus status={tx.status} />
                  <TxHash hash={tx.hash} chainId={job.chainId} isDevnet={isDevnet} />
                  <span className="muted small">
                    {tx.blockNumber !== null ? `block ${tx.blockNumber} · ` : ''}
                    sent {formatDateTime(tx.at)}
                  </span>
                </li>
              ))}
            </ul>
          )}
          {mine.delivery || mine.resultsRemoveAt ? (
            <dl className="facts" data-testid={`market-results-${job.chainJobId}`}>
              {mine.delivery ? (
                <>
                  <dt>Results</dt>
                  <dd>{mine.delivery === 'uploaded' ? 'Delivered to the requester' : 'Not delivered (the upload failed); kept on this computer'}</dd>
                </>
              ) : null}
              {mine.resultsRemovedAt ? (
                <>
                  <dt>Removed from this computer</dt>
                  <dd>{formatDateTime(mine.resultsRemovedAt)}</dd>
                </>
              ) : mine.resultsRemoveAt ? (
                <>
                  <dt>Kept on this computer until</dt>
                  <dd>{formatDateTime(mine.resultsRemoveAt)}</dd>
                </>
              ) : null}
            </dl>
          ) : null}
          {mine.resultUri || mine.outputsDigest ? (
            <dl className={cx('facts', styles.result)}>
              {mine.resultUri ? (
                <>
                  <dt>Result at</dt>
                  <dd>
                    <code className="wrap">{mine.resultUri}</code>
                  </dd>
                </>
              ) : null}
              {mine.outputsDigest ? (
                <>
                  <dt>Outputs digest</dt>
                  <dd>
                    <code className="wrap">{mine.outputsDigest}</code>
                  </dd>
                </>
              ) : null}
            </dl>
          ) : null}
        </>
      ) : null}
      <DetailActions job={job} />
      {loadError ? <ErrorNotice error={loadError} /> : null}
      {detail ? (
        <details className={styles.document}>
          <summary>Posted document</summary>
          <pre className={styles.documentText}>{detail.document}</pre>
        </details>
      ) : loadError ? null : (
        <p className="muted small">
          <Spinner /> Loading the posted document…
        </p>
      )}
    </div>
  );
}

function Address({ address, chainId, isDevnet }: { address: string; chainId: number; isDevnet: boolean }) {
  const url = explorerAddressUrl(chainId, address, isDevnet);
  return (
    <>
      <code title={address}>{shortAddress(address)}</code>
      {url ? (
        <>
          {' '}
          <a href={url} target="_blank" rel="noopener noreferrer" className="small">
            explorer
          </a>
        </>
      ) : null}
    </>
  );
}

function TxStatus({ status }: { status: 'pending' | 'confirmed' | 'failed' }) {
  const tone = status === 'confirmed' ? 'badge-ok' : status === 'failed' ? 'badge-bad' : 'badge-neutral';
  return <span className={`badge ${tone}`}>{status}</span>;
}

/** Block the requester (this job and every later one), or give a preemptible job back. */
function DetailActions({ job }: { job: MarketJob }) {
  const api = useApi();
  const { settings } = useSnapshot();
  const saver = useMarketSettings();
  const release = useCall(() => api.releaseMarketJob({ chainJobId: job.chainJobId }));
  const blocked = settings.market.blockedRequesters.some((a) => a.toLowerCase() === job.requester.toLowerCase());
  const releasable = canGiveBack(job);
  const block = () => {
    const result = addBlockedRequester(settings.market.blockedRequesters, job.requester);
    if (result.ok) void saver.save({ blockedRequesters: result.list }, `Blocked ${shortAddress(job.requester)}`);
  };
  return (
    <div className={styles.detailActions}>
      {blocked ? (
        <span className="muted small">This requester is on your block list.</span>
      ) : (
        <button type="button" className="button-small" onClick={block} disabled={saver.pending} data-testid={`market-block-${job.chainJobId}`}>
          Block this requester
        </button>
      )}
      {releasable ? (
        <button
          type="button"
          className="button-small"
          onClick={() => void release.run()}
          disabled={release.pending}
          title="Stops the run; you are paid for the time served (on a v2 market against what it wrote so far, after the challenge window) and the job reopens for others."
          data-testid={`market-release-${job.chainJobId}`}
        >
          {release.pending ? <Spinner /> : null}
          Give it back (paid for time served)
        </button>
      ) : null}
      {saver.undo ? (
        <span className="muted small" role="status">
          {saver.undo} ·{' '}
          <button type="button" className="button-link" onClick={() => void saver.revert()}>
            Undo
          </button>
        </span>
      ) : null}
      {saver.error ? <ErrorNotice error={saver.error} onDismiss={saver.clearError} /> : null}
      {release.error ? <ErrorNotice error={release.error} onDismiss={release.clearError} /> : null}
    </div>
  );
}
