import type { ChainStatus } from '../../../shared/domain/chain';
import type { MarketStatus } from '../../../shared/domain/market';
import { BiddingSwitch } from './BiddingSwitch';
import { shortAddress, usdFromMicros } from './market-format';
import { biddingView, chainFromHub, chainView } from './market-view';
import { chainMessage } from './use-chain-status';
import { cx } from '../../lib/cx';
import styles from './Market.module.css';

interface Props {
  status: MarketStatus;
  /** The chain hub's own status, when known (newer than the copy in `status`). */
  hub: ChainStatus | null;
}

const TONE_CLASS = { ok: 'status-ok', warn: 'status-warn', bad: 'status-fail', neutral: 'status-info' } as const;

/** Which chain, whether it answers, whether this PC is bidding and why not, and the stake. */
const BIDDING_CLASSES: Record<'on' | 'off' | 'blocked', string | undefined> = {
  on: styles.biddingOn,
  off: styles.biddingOff,
  blocked: styles.biddingBlocked,
};

export function ChainStrip({ status, hub }: Props) {
  const network = chainFromHub(hub, status.chain);
  const chain = chainView(network, chainMessage(hub));
  const bidding = biddingView(status);
  const { stake } = status;
  return (
    <section className={cx('card', styles.strip)} aria-labelledby="market-strip-heading" data-testid="market-strip">
      <h2 id="market-strip-heading" className="visually-hidden">
        Network and bidding
      </h2>
      <div className={styles.stripRow}>
        <div className={styles.network} data-testid="market-network" data-devnet={network.isDevnet}>
          <span className={styles.networkLabel}>{network.label ?? 'No network'}</span>
          {network.isDevnet ? (
            <span className={styles.devnetBadge} title="A private test chain on this PC: its tUSD is play money." data-testid="market-devnet-badge">
              Local devnet
            </span>
          ) : null}
          {network.chainId !== null ? <span className="muted small">chain id {network.chainId}</span> : null}
        </div>
        <span className={`status ${TONE_CLASS[chain.tone]}`} data-testid="market-chain-state" data-state={network.state}>
          <span className="status-dot" aria-hidden="true" />
          <span className="status-label">{chain.label}</span>
        </span>
        <IndexerLine indexer={status.indexer} online={network.state === 'online'} />
      </div>
      {chain.help ? (
        <p className={styles.chainHelp} role="status" data-testid="market-chain-help">
          {chain.help}
        </p>
      ) : null}
      <div className={styles.stripGrid}>
        <div data-testid="market-bidding" data-state={bidding.state}>
          <p className={cx(styles.biddingHeadline, BIDDING_CLASSES[bidding.state])} data-testid="market-bidding-headline">
            {bidding.headline}
          </p>
          {bidding.blocks.length > 0 ? (
            <ul className={styles.blocks} data-testid="market-blocks">
              {bidding.blocks.map((block) => (
                <li key={block.code} data-code={block.code}>
                  {block.message}
                  {block.link ? (
                    <>
                      {' '}
                      <a href={block.link.href} data-testid={`market-block-link-${block.code}`}>
                        {block.link.label}
                      </a>
                    </>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : null}
          <BiddingSwitch />
        </div>
        <dl className="facts" data-testid="market-money">
          <dt>Wallet</dt>
          <dd>
            {status.wallet.address ? (
              <>
                <code title={status.wallet.address}>{shortAddress(status.wallet.address)}</code>{' '}
                <span className="muted small">{status.wallet.unlocked ? 'unlocked' : 'locked'}</span>
              </>
            ) : (
              <a href="#/wallet">No wallet yet</a>
            )}
          </dd>
          <dt>Stake</dt>
          <dd data-testid="market-stake">
            {stake ? (
              <>
                {usdFromMicros(stake.freeMicros)} free · {usdFromMicros(stake.lockedMicros)} locked
                <span className="field-help">Each claim locks {usdFromMicros(stake.minStakeMicros)} until the job is paid or released.</span>
              </>
            ) : (
              <span className="muted">not read yet</span>
            )}
          </dd>
          <dt>Earned, not withdrawn</dt>
          <dd data-testid="market-credit">{status.creditMicros === null ? <span className="muted">—</span> : usdFromMicros(status.creditMicros)}</dd>
        </dl>
      </div>
      {status.notices.length > 0 ? (
        <ul className={styles.notices} data-testid="market-notices">
          {status.notices.map((notice) => (
            <li key={notice}>{notice}</li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

function IndexerLine({ indexer, online }: { indexer: MarketStatus['indexer']; online: boolean }) {
  if (!online && indexer.block === null) return null;
  const text =
    indexer.block === null
      ? 'Reading the market…'
      : indexer.syncing && indexer.headBlock !== null
        ? `Catching up: block ${indexer.block} of ${indexer.headBlock}`
        : `Up to date at block ${indexer.block}`;
  return (
    <span className={cx('muted', 'small', styles.indexer)} data-testid="market-indexer" title={indexer.lastError ?? undefined}>
      {text}
      {indexer.lastError ? ' · last read failed, retrying' : ''}
    </span>
  );
}
