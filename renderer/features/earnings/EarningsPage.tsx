/** Placeholder while the earnings feature is being built (replaced by its owner). */
export function EarningsPage() {
  return <h1>Earnings</h1>;
}
