/** Placeholder while the wallet feature is being built (replaced by its owner). */
export function WalletPage() {
  return <h1>Wallet</h1>;
}
