/**
 * The v2 provider loop's `send` through the agent's wallet (its tx queue estimates gas with a
 * 20 % margin, at least the floor below for bids and reveals, signs, and follows replacements). Resolves once the call is mined, so the next tick's logs show its effect;
 * a reverted call throws.
 */
import { formatUsdMicros } from '../../../shared/domain/money-format';
import type { WalletAccess } from '../wallet/wallet-access';
import { encodeV2Call, type V2Call } from './v2-provider-loop';

const labelOf = (call: V2Call): string => {
  const id = String(call.args[0]);
  switch (call.method) {
    case 'bid':
      return `Bid ${formatUsdMicros(call.args[1] as bigint)}/h on job ${id}`;
    case 'claim':
      return `Claim job ${id}`;
    case 'award':
      return `Award job ${id}'s auction`;
    case 'commit':
      return `Commit job ${id}'s result`;
    case 'reveal':
      return `Reveal job ${id}'s outputs digest`;
    case 'finalize':
      return `Collect job ${id}'s pay (challenge window over)`;
    case 'conclude':
      return `Close job ${id}'s round (its deadline passed)`;
    case 'release':
      return Number(call.args[2]) > 0 ? `Give job ${id} back after ${String(call.args[2])} s, with a checkpoint` : `Give job ${id} back with nothing to show`;
  }
};

/**
 * The least gas a bid and a reveal are sent with. Providers bid and reveal at about the same
 * time, and each estimates against a chain where the others' calls are not mined yet; the
 * queue's 20 % margin does not cover what they add:
 * - a bid scans the bids before it (+2.55k each): in a reopened round (release, tiebreak,
 *   verifier) the first bid is estimated at 48.4k and the 8th uses 83.4k (measured on the
 *   devnet, 2026-12-07); the third concurrent bid of a reopened round already ran out of gas;
 * - the last reveal of a round settles it (160k for two replicas, docs/benchmarks.md "Market v2
 *   gas"; more with three, or to open a tiebreak) where each was estimated as not the last (47k).
 * Out of gas, the call reverted, its gas was lost and it was retried a tick later (seen end to
 * end, market-v2-three-agents.docker.test.ts): a bid may then come after the window, and a
 * reveal near the end of its window too late, and the silent replica is slashed.
 */
export const V2_BID_MIN_GAS = 120_000n;
export const V2_REVEAL_MIN_GAS = 400_000n;
const MIN_GAS: Partial<Record<V2Call['method'], bigint>> = { bid: V2_BID_MIN_GAS, reveal: V2_REVEAL_MIN_GAS };

export function v2WalletSend(wallet: Pick<WalletAccess, 'send'>, market: string): (call: V2Call) => Promise<void> {
  return async (call) => {
    const sent = await wallet.send({
      to: market,
      data: encodeV2Call(call),
      kind: call.method === 'claim' ? 'claim' : 'other',
      label: labelOf(call),
      jobId: String(call.args[0]),
      ...(MIN_GAS[call.method] ? { minGasLimit: MIN_GAS[call.method] } : {}),
    });
    const mined = await sent.wait();
    if (mined.status !== 'confirmed') throw new Error(`${labelOf(call)} (${mined.hash}) reverted`);
  };
}
