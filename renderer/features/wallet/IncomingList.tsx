import type { IncomingTransfer, WalletState } from '../../../shared/domain/wallet';
import { Section } from '../../components/Section';
import { formatDateTime } from '../../lib/format';
import { formatToken, shortHash } from './wallet-view';

const ZERO = '0x0000000000000000000000000000000000000000';

/** Token that came into the wallet (the token's Transfer events to it), newest first: what explains the balance. */
export function IncomingList({ incoming, wallet }: { incoming: IncomingTransfer[]; wallet: WalletState }) {
  const token = wallet.balances?.token ?? null;
  const amount = (micros: string) => (token ? formatToken(micros, token.decimals, token.symbol) : micros);
  return (
    <Section id="wallet-incoming" title="Received" intro="Token that came into this wallet: payments for jobs, transfers to it, devnet funds.">
      {incoming.length === 0 ? (
        <p className="muted" data-testid="wallet-incoming-empty">
          Nothing received yet.
        </p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="wallet-incoming">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">From</th>
                <th scope="col" className="num">
                  Amount
                </th>
                <th scope="col">Hash</th>
              </tr>
            </thead>
            <tbody>
              {incoming.map((row) => (
                <tr key={row.id} data-testid={`wallet-incoming-${row.id}`} data-amount={row.amount}>
                  <td className="nowrap">{formatDateTime(row.at)}</td>
                  <td>{row.from === ZERO ? 'Minted (new tokens)' : <code title={row.from}>{shortHash(row.from)}</code>}</td>
                  <td className="num">{amount(row.amount)}</td>
                  <td>
                    <code title={row.txHash}>{shortHash(row.txHash)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}
