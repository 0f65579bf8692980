/**
 * The v2 provider loop on the fake chain (no node): it reads logs through the port, acts once
 * per action even when ticks overlap a slow send, and sends through the wallet adapter with
 * the encoded call and a label.
 */
import { describe, expect, it } from 'vitest';
import { marketV2Interface } from '../../../electron/agent/chain/market-v2-abi';
import { createV2ProviderLoop, type V2Call } from '../../../electron/agent/market-v2/v2-provider-loop';
import { V2_BID_MIN_GAS, V2_REVEAL_MIN_GAS, v2WalletSend } from '../../../electron/agent/market-v2/v2-wallet-send';
import type { TxIntent } from '../../../electron/agent/wallet/wallet-access';
import { createFakeChain } from '../../fakes/fake-chain';
import { v2PostedLog } from '../../fakes/market-v2-logs';

const MARKET = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const REQUESTER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const ME = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';

function loopOn(chain: ReturnType<typeof createFakeChain>, send: (call: V2Call) => Promise<void>) {
  return createV2ProviderLoop({
    port: chain, market: MARKET, fromBlock: 0, me: ME, floorPerHour: () => 90_000n, challengeWindow: 120, minStake: 5_000_000n,
    freeStake: async () => 10_000_000n, send, run: async () => ({ outputsDigest: `0x${'11'.repeat(32)}`, seconds: 10 }), deliver: async () => undefined,
  });
}

describe('the v2 provider loop', () => {
  it('bids once while its send is pending, even when ticks overlap', async () => {
    const chain = createFakeChain({ startTime: 1_700_000_000 });
    chain.mine([v2PostedLog(MARKET, 1, REQUESTER, '{}')]);
    const calls: V2Call[] = [];
    let release: () => void = () => undefined;
    const loop = loopOn(chain, (call) => {
      calls.push(call);
      return new Promise<void>((resolve) => (release = resolve));
    });
    const first = loop.tick();
    await new Promise((r) => setTimeout(r, 10));
    const second = await loop.tick();
    expect(second.map((a) => a.kind)).toEqual(['bid']);
    expect(calls).toEqual([{ method: 'bid', args: [1n, 90_000n] }]);
    release();
    await first;
  });

  it('passes a job priced below its floor, with the reason kept for the Market page', async () => {
    const chain = createFakeChain({ startTime: 1_700_000_000 });
    chain.mine([v2PostedLog(MARKET, 2, REQUESTER, '{}', { maxPricePerHour: 50_000n })]);
    const loop = loopOn(chain, async () => undefined);
    await loop.tick();
    expect(loop.passes.get('2')).toBe('its max price is below our floor');
  });

  it('the wallet adapter sends the encoded call with its label and throws on a revert', async () => {
    const intents: TxIntent[] = [];
    let status: 'confirmed' | 'failed' = 'confirmed';
    const wallet = {
      send: async (intent: TxIntent) => {
        intents.push(intent);
        return { id: 'x', hash: '0xab', nonce: 0, wait: async () => ({ status, hash: '0xab', blockNumber: 1, gasUsed: 1n, effectiveGasPrice: 1n }) };
      },
    };
    const send = v2WalletSend(wallet, MARKET);
    await send({ method: 'bid', args: [3n, 120_000n] });
    expect(intents[0]).toMatchObject({ to: MARKET, kind: 'other', label: 'Bid $0.12/h on job 3', jobId: '3' });
    expect(marketV2Interface.decodeFunctionData('bid', intents[0]!.data!)).toEqual([3n, 120_000n]);
    status = 'failed';
    await expect(send({ method: 'award', args: [3n] })).rejects.toThrow("Award job 3's auction (0xab) reverted");
  });

  it('bids and reveals go out with gas for what the concurrent calls of other providers add, whatever they were estimated at', async () => {
    const intents: TxIntent[] = [];
    const wallet = {
      send: async (intent: TxIntent) => {
        intents.push(intent);
        return { id: 'x', hash: '0xab', nonce: 0, wait: async () => ({ status: 'confirmed' as const, hash: '0xab', blockNumber: 1, gasUsed: 1n, effectiveGasPrice: 1n }) };
      },
    };
    const send = v2WalletSend(wallet, MARKET);
    await send({ method: 'reveal', args: [3n, 1, `0x${'11'.repeat(32)}`, `0x${'22'.repeat(32)}`] });
    await send({ method: 'bid', args: [3n, 120_000n] });
    await send({ method: 'award', args: [3n] });
    // The last of two replicas to reveal settles the job: 160 163 gas (docs/benchmarks.md "Market v2 gas"), with the queue's 20 % margin.
    expect(intents[0]!.minGasLimit).toBe(V2_REVEAL_MIN_GAS);
    expect(V2_REVEAL_MIN_GAS).toBeGreaterThanOrEqual((160_163n * 120n) / 100n);
    // The 8th bid of a round: 83 369 gas measured on the devnet, where the first of a reopened round is estimated at 48 410.
    expect(intents[1]!.minGasLimit).toBe(V2_BID_MIN_GAS);
    expect(V2_BID_MIN_GAS).toBeGreaterThanOrEqual((83_369n * 120n) / 100n);
    // An award's cost is fixed once its window closed: the estimate stands.
    expect(intents[2]!.minGasLimit).toBeUndefined();
  });
});
