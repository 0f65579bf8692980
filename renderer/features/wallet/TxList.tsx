import type { WalletState, WalletTx } from '../../../shared/domain/wallet';
import { Section } from '../../components/Section';
import { formatDateTime } from '../../lib/format';
import { KIND_LABEL, shortHash, STATUS_VIEW, txAmount } from './wallet-view';

/** Transactions this wallet sent, newest first, with their live status. */
export function TxList({ txs, wallet }: { txs: WalletTx[]; wallet: WalletState }) {
  const token = wallet.balances?.token ?? null;
  return (
    <Section id="wallet-txs" title="Transactions" intro="What this wallet sent: transfers, sweeps and marketplace transactions.">
      {txs.length === 0 ? (
        <p className="muted">No transaction yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="wallet-txs">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">What</th>
                <th scope="col">To</th>
                <th scope="col" className="num">
                  Amount
                </th>
                <th scope="col">Status</th>
                <th scope="col">Hash</th>
              </tr>
            </thead>
            <tbody>
              {txs.map((tx) => {
                const status = STATUS_VIEW[tx.status];
                return (
                  <tr key={tx.id} data-testid={`wallet-tx-${tx.id}`} data-status={tx.status}>
                    <td className="nowrap">{formatDateTime(tx.createdAt)}</td>
                    <td>{KIND_LABEL[tx.kind]}</td>
                    <td>
                      <code title={tx.token?.recipient ?? tx.to}>{shortHash(tx.token?.recipient ?? tx.to)}</code>
                    </td>
                    <td className="num">{txAmount(tx, token)}</td>
                    <td>
                      <span className={`badge ${status.badge}`} title={tx.error ?? undefined}>
                        {status.label}
                      </span>
                      {tx.hashes.length > 1 ? <span className="muted small"> (fee raised ×{tx.hashes.length - 1})</span> : null}
                    </td>
                    <td>
                      <code title={tx.hash}>{shortHash(tx.hash)}</code>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}
