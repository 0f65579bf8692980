/**
 * The worked example on the Controls page for market v2's reverse auction (docs/MARKET-V2.md):
 * every winner is paid the lowest losing ask, never its own, so asking one's true floor is the
 * best bid. Computed from the owner's own floor: two other providers ask 1.2× and 1.5× it.
 * Pure: the rule itself, run on three asks.
 */

export interface AuctionResult {
  /** Asks, lowest first, with who asked. */
  asks: Array<{ who: 'you' | 'other'; micros: bigint }>;
  youWin: boolean;
  /** What every winner is paid per hour: the lowest losing ask (or the max price when none lost). */
  paidMicros: bigint;
}

/** The contract's rule on one slot: the lowest ask wins (ties to the earlier bid: ours comes last), paid the next ask. */
export function uniformSecondPrice(yourAsk: bigint, others: readonly bigint[], maxPrice: bigint): AuctionResult {
  const asks = [...others.map((micros) => ({ who: 'other' as const, micros })), { who: 'you' as const, micros: yourAsk }].sort((a, b) =>
    a.micros < b.micros ? -1 : a.micros > b.micros ? 1 : 0,
  );
  return { asks, youWin: asks[0]?.who === 'you', paidMicros: asks[1]?.micros ?? maxPrice };
}

export interface SecondPriceExample {
  floorMicros: bigint;
  /** Whether the floor is the owner's own (false: 0.10 USD/h stands in for a floor not set yet). */
  ownFloor: boolean;
  /** You ask your floor against 1.2× and 1.5×: you win and are paid 1.2×. */
  truthful: AuctionResult;
  /** You ask 1.3×: the 1.2× provider wins, and you lose a job that would have paid you 1.2×. */
  above: AuctionResult & { askMicros: bigint };
  /**
   * You ask 0.8×: against the same 1.2× and 1.5× you are paid what your floor would have got
   * (`sameMicros`); against 0.9× and 1.5× you win and are paid 0.9×, below your floor.
   */
  below: AuctionResult & { askMicros: bigint; othersMicros: bigint; sameMicros: bigint };
}

const EXAMPLE_FLOOR = 100_000n;
const times = (micros: bigint, tenths: bigint) => (micros * tenths) / 10n;

export function secondPriceExample(floorMicros: bigint | null): SecondPriceExample {
  const ownFloor = floorMicros !== null && floorMicros >= 10n;
  const floor = ownFloor ? floorMicros : EXAMPLE_FLOOR;
  const others = [times(floor, 12n), times(floor, 15n)];
  const max = times(floor, 20n);
  const aboveAsk = times(floor, 13n);
  const belowAsk = times(floor, 8n);
  const cheapOther = times(floor, 9n);
  return {
    floorMicros: floor,
    ownFloor,
    truthful: uniformSecondPrice(floor, others, max),
    above: { ...uniformSecondPrice(aboveAsk, others, max), askMicros: aboveAsk },
    below: { ...uniformSecondPrice(belowAsk, [cheapOther, times(floor, 15n)], max), askMicros: belowAsk, othersMicros: cheapOther, sameMicros: uniformSecondPrice(belowAsk, others, max).paidMicros },
  };
}
