import type { MarketJob } from '../../../shared/domain/market';
import type { MarketJobV2 } from '../../../shared/domain/market-v2-view';
import { useSnapshot } from '../../app/app-context';
import { cx } from '../../lib/cx';
import { formatDateTime } from '../../lib/format';
import { RelativeTime } from './RelativeTime';
import { TxHash } from './TxHash';
import { usdFromMicros, usdPerHour } from './market-format';
import { auctionLine, OUTCOMES, replicasText, requesterRecordText, requesterRuleText, requesterShortText, roundWords, verificationText } from './v2-words';
import styles from './MarketV2.module.css';

/**
 * A market v2 job's own parts in its detail: the auction (a countdown to the close, the bids,
 * our ask, the uniform price paid, won or lost), the replicas and the verification state, and
 * the requester's record against the owner's rule. Everything here is chain data: addresses
 * and amounts only, no requester text.
 */
export function V2JobFacts({ job, v2, isDevnet }: { job: MarketJob; v2: MarketJobV2; isDevnet: boolean }) {
  const { settings } = useSnapshot();
  return <V2JobFactsView job={job} v2={v2} maxDisputesLost={settings.market.maxRequesterDisputesLost} isDevnet={isDevnet} />;
}

/** The same, with the owner's rule given (renders without the agent's snapshot). */
export function V2JobFactsView({ job, v2, maxDisputesLost, isDevnet }: { job: MarketJob; v2: MarketJobV2; maxDisputesLost: number; isDevnet: boolean }) {
  const id = job.chainJobId;
  const rule = requesterRuleText(v2.requesterRecord, maxDisputesLost);
  return (
    <div className={styles.v2} data-testid={`market-v2-${id}`}>
      <div>
        <h4>{v2.fixedPrice ? 'Fixed price' : 'Auction'}</h4>
        {v2.auction ? <Auction auction={v2.auction} id={id} /> : <p className="small">No auction: whoever claims first is paid up to {usdPerHour(job.maxPricePerHourMicros)}.</p>}
        {v2.minProviderSettled > 0 ? <p className="muted small">Bidders need at least {v2.minProviderSettled} paid jobs on record.</p> : null}
      </div>
      <div>
        <h4>Verification</h4>
        <dl className="facts">
          <dt>Replicas</dt>
          <dd data-testid={`market-v2-replicas-${id}`}>{replicasText(v2)}</dd>
          <dt>Dispute</dt>
          <dd data-testid={`market-v2-dispute-${id}`} data-dispute={v2.verification.dispute}>
            {verificationText(v2)}
            {v2.verification.disputeBondMicros ? <span className="muted small"> · bond {usdFromMicros(v2.verification.disputeBondMicros)}</span> : null}
          </dd>
          {v2.verification.challengeEndsAt ? (
            <>
              <dt>Can be disputed</dt>
              <dd>
                until {formatDateTime(v2.verification.challengeEndsAt)} (<RelativeTime at={v2.verification.challengeEndsAt} />)
              </dd>
            </>
          ) : null}
          {v2.verification.redeliveries > 0 ? (
            <>
              <dt>Redelivery</dt>
              <dd>The requester asked for the results again {v2.verification.redeliveries === 1 ? 'once' : `${v2.verification.redeliveries} times`}</dd>
            </>
          ) : null}
        </dl>
        <h4>Requester’s record</h4>
        <p className="small" data-testid={`market-v2-requester-${id}`}>
          {requesterRecordText(v2.requesterRecord)}
        </p>
        <p className={cx('small', rule.excluded ? styles.excluded : 'muted')} data-testid={`market-v2-rule-${id}`} data-excluded={rule.excluded}>
          {rule.text}
        </p>
      </div>
      {v2.history.length > 0 ? (
        <div className={styles.history}>
          <h4>On chain, step by step</h4>
          <ol className={styles.steps} data-testid={`market-v2-history-${id}`}>
            {v2.history.map((step) => (
              <li key={`${step.txHash}-${step.what}`} data-ours={step.ours}>
                <span className="muted small">block {step.block}</span> <span className={step.ours ? 'strong' : undefined}>{step.what}</span>{' '}
                <TxHash hash={step.txHash} chainId={job.chainId} isDevnet={isDevnet} />
              </li>
            ))}
          </ol>
        </div>
      ) : null}
    </div>
  );
}

function Auction({ auction, id }: { auction: NonNullable<MarketJobV2['auction']>; id: string }) {
  const outcome = OUTCOMES[auction.outcome];
  const open = auction.pricePaidMicros === null;
  return (
    <>
      <p data-testid={`market-v2-auction-${id}`} data-outcome={auction.outcome}>
        <span className={`badge badge-${outcome.tone === 'active' ? 'neutral' : outcome.tone}`}>{outcome.label}</span> {auctionLine(auction)}
      </p>
      <dl className="facts">
        {auction.round !== 'main' ? (
          <>
            <dt>Round</dt>
            <dd>
              {auction.roundNo}: {roundWords(auction)}
            </dd>
          </>
        ) : null}
        <dt>{open ? 'Bidding closes' : 'Bidding closed'}</dt>
        <dd>
          <RelativeTime at={auction.bidEndsAt} testId={`market-v2-closes-${id}`} />
        </dd>
        <dt>Bids</dt>
        <dd>
          {auction.bids === 0 ? (
            'none yet'
          ) : (
            <ul className={styles.asks} aria-label={`${auction.bids} bids, lowest asks first`}>
              {auction.lowestAsksMicros.map((ask, i) => (
                <li key={`${i}-${ask}`} className={ask === auction.ourAskMicros ? styles.ours : undefined} title={ask === auction.ourAskMicros ? 'Your ask' : undefined}>
                  {usdPerHour(ask)}
                </li>
              ))}
              {auction.bids > auction.lowestAsksMicros.length ? <li>+{auction.bids - auction.lowestAsksMicros.length} more</li> : null}
            </ul>
          )}
        </dd>
        <dt>Your ask</dt>
        <dd>{auction.ourAskMicros ? usdPerHour(auction.ourAskMicros) : 'no bid'}</dd>
        <dt>Price paid</dt>
        <dd data-testid={`market-v2-price-${id}`}>{auction.pricePaidMicros ? usdPerHour(auction.pricePaidMicros) : 'set at the award (the lowest losing ask)'}</dd>
      </dl>
    </>
  );
}

/** One line under a row of the lists: the auction's state (or "fixed price") for this PC. */
export function V2RowNote({ job }: { job: MarketJob }) {
  const v2 = job.v2;
  if (!v2) return null;
  const a = v2.auction;
  return (
    <span className={cx('muted', 'small', styles.rowNote)} data-testid={`market-v2-note-${job.chainJobId}`}>
      {!a ? (
        'Fixed price'
      ) : a.pricePaidMicros === null ? (
        <>
          Auction · {a.bids} bid{a.bids === 1 ? '' : 's'} · closes <RelativeTime at={a.bidEndsAt} />
        </>
      ) : (
        `${OUTCOMES[a.outcome].label === 'Not bidding' ? 'Awarded' : OUTCOMES[a.outcome].label} · paid ${usdPerHour(a.pricePaidMicros)}`
      )}
    </span>
  );
}

/** Under the requester's address in the open list: its record in short, flagged when the owner's rule refuses it. */
export function V2RequesterNote({ job }: { job: MarketJob }) {
  const { settings } = useSnapshot();
  if (!job.v2) return null;
  const record = job.v2.requesterRecord;
  const rule = requesterRuleText(record, settings.market.maxRequesterDisputesLost);
  return (
    <span className={cx('small', styles.rowNote, rule.excluded ? styles.excluded : 'muted')} title={`${requesterRecordText(record)}. ${rule.text}.`} data-testid={`market-v2-requester-note-${job.chainJobId}`}>
      {requesterShortText(record)}
    </span>
  );
}
