/**
 * The v2 provider loop's `send` through the agent's wallet (its tx queue estimates gas with a
 * 20 % margin, which covers the spread seen between concurrent bids, signs, and follows
 * replacements). Resolves once the call is mined, so the next tick's logs show its effect;
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
    case 'release':
      return Number(call.args[2]) > 0 ? `Give job ${id} back after ${String(call.args[2])} s, with a checkpoint` : `Give job ${id} back with nothing to show`;
  }
};

export function v2WalletSend(wallet: Pick<WalletAccess, 'send'>, market: string): (call: V2Call) => Promise<void> {
  return async (call) => {
    const sent = await wallet.send({ to: market, data: encodeV2Call(call), kind: call.method === 'claim' ? 'claim' : 'other', label: labelOf(call), jobId: String(call.args[0]) });
    const mined = await sent.wait();
    if (mined.status !== 'confirmed') throw new Error(`${labelOf(call)} (${mined.hash}) reverted`);
  };
}
