import { ErrorNotice } from '../../components/ErrorNotice';
import { Section } from '../../components/Section';
import { Spinner } from '../../components/Spinner';
import { PayoutSection } from './PayoutSection';
import { SecuritySection } from './SecuritySection';
import { SendForm } from './SendForm';
import { IncomingList } from './IncomingList';
import { TxList } from './TxList';
import { useWallet } from './use-wallet';
import { WalletOverview } from './WalletOverview';
import { WalletSetup } from './WalletSetup';

/** The wallet: set up or unlock it, then balances, sending, transactions, payout and backup. */
export function WalletPage() {
  const { wallet, loadError, txs, incoming, set } = useWallet();
  if (loadError) return <ErrorNotice error={loadError} />;
  if (!wallet) {
    return (
      <p className="muted">
        <Spinner /> Loading the wallet…
      </p>
    );
  }
  if (wallet.state !== 'unlocked') {
    return (
      <>
        <h1 className="visually-hidden">Wallet</h1>
        <Section id="wallet-setup" title={wallet.state === 'none' ? 'Set up your wallet' : 'Unlock your wallet'}>
          <WalletSetup />
        </Section>
        {txs.length > 0 ? <TxList txs={txs} wallet={wallet} /> : null}
      </>
    );
  }
  return (
    <>
      <h1 className="visually-hidden">Wallet</h1>
      <WalletOverview wallet={wallet} onChange={set} />
      <SendForm wallet={wallet} />
      <IncomingList incoming={incoming} wallet={wallet} />
      <TxList txs={txs} wallet={wallet} />
      <PayoutSection wallet={wallet} />
      <SecuritySection wallet={wallet} onChange={set} />
    </>
  );
}
