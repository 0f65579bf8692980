import { CopyButton } from '../../components/CopyButton';
import { explorerTxUrl, shortHash } from './market-format';
import styles from './Market.module.css';

interface Props {
  hash: string;
  chainId: number | null;
  isDevnet: boolean;
}

/** A transaction hash: short on screen, whole in the tooltip and the copy; explorer link on public networks only. */
export function TxHash({ hash, chainId, isDevnet }: Props) {
  const url = explorerTxUrl(chainId, hash, isDevnet);
  return (
    <span className={styles.txHash} data-testid={`tx-${hash}`}>
      <code title={hash}>{shortHash(hash)}</code>
      <CopyButton text={hash} label="Copy" />
      {url ? (
        <a href={url} target="_blank" rel="noopener noreferrer" className="small">
          View in explorer
        </a>
      ) : null}
    </span>
  );
}
