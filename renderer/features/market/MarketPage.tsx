/** Placeholder while the market feature is being built (replaced by its owner). */
export function MarketPage() {
  return <h1>Market</h1>;
}
