/**
 * The v2 agent collects what it is owed when nobody else will (v2-provider-plan.ts
 * `collecting`, v2-provider.ts): before, it never called finalize or conclude, so a requester
 * that neither accepted nor disputed kept the provider unpaid and its stake locked for ever,
 * and a bid on an auction nobody could award kept its bond locked. On the fake chain.
 */
import { describe, expect, it } from 'vitest';
import { createFakeChain, type FakeChain } from '../../fakes/fake-chain';
import { v2Log, v2PostedLog } from '../../fakes/market-v2-logs';
import { agentOn, foldersForEachTest, MARKET, ME, OTHER, REQUESTER, T0 } from './v2-provider-fixture';

const folder = foldersForEachTest();
const CHALLENGE = 120; // the fixture's challenge window
const later = (chain: FakeChain, seconds: number) => chain.mine([], { timestamp: chain.blocks()[chain.blocks().length - 1]!.timestamp + seconds });
const RUN_BY = T0 + 4000;

/** A fixed-price job won by us; the agent runs it and sends its commit, which the chain then mines. */
async function committedSingle(chain: FakeChain, id: number) {
  chain.mine([v2PostedLog(MARKET, id, REQUESTER, '{}', { bidWindowSeconds: 0, claimBy: T0 + 300, runBy: RUN_BY }), v2Log(MARKET, 'SlotAssigned', [id, 0, ME, 200_000n, 0])]);
  later(chain, 30);
  const agent = agentOn(chain, folder());
  await agent.tick();
  await agent.tick();
  const commit = agent.calls.find((c) => c.method === 'commit')!;
  expect(commit).toBeDefined();
  const [, slot, commitment, billed] = commit.args as [bigint, number, string, number];
  chain.mine([v2Log(MARKET, 'Committed', [id, slot, ME, commitment, billed]), v2Log(MARKET, 'ResultSubmitted', [id, slot, ME, commitment, billed])]);
  agent.calls.length = 0;
  return agent;
}

describe('the v2 agent finalizes its own result once the challenge window is over', () => {
  it('not while the window is open; then finalize, once', async () => {
    const chain = createFakeChain({ startTime: T0 });
    const agent = await committedSingle(chain, 1);
    await agent.tick();
    later(chain, CHALLENGE - 10);
    await agent.tick();
    expect(agent.calls).toEqual([]);
    later(chain, 20);
    await agent.tick();
    await agent.tick();
    expect(agent.calls).toEqual([{ method: 'finalize', args: [1n] }]);
  });

  it('never on a disputed result (the verifier round decides)', async () => {
    const chain = createFakeChain({ startTime: T0 });
    const agent = await committedSingle(chain, 2);
    // As dispute() does: the bond, then a verify round (auctioned, round 2).
    const now = chain.blocks()[chain.blocks().length - 1]!.timestamp;
    chain.mine([v2Log(MARKET, 'Disputed', [2, REQUESTER, 400_000n]), v2Log(MARKET, 'RoundOpened', [2, 2, 2, now + 10, now + 300, RUN_BY + 600])]);
    later(chain, CHALLENGE + 60);
    await agent.tick();
    expect(agent.calls.map((c) => c.method)).not.toContain('finalize');
  });
});

describe('the v2 agent concludes what nobody else closes', () => {
  it('a replicated round it revealed in, once the reveal window is over; never a round where ours did not reveal', async () => {
    const chain = createFakeChain({ startTime: T0 });
    chain.mine([
      v2PostedLog(MARKET, 3, REQUESTER, '{}', { bidWindowSeconds: 0, claimBy: T0 + 300, runBy: RUN_BY, replicas: 2 }),
      v2Log(MARKET, 'SlotAssigned', [3, 0, ME, 200_000n, 0]),
      v2Log(MARKET, 'SlotAssigned', [3, 1, OTHER, 200_000n, 0]),
    ]);
    later(chain, 30);
    const agent = agentOn(chain, folder());
    await agent.tick();
    await agent.tick();
    const commit = agent.calls.find((c) => c.method === 'commit')!;
    const [, , commitment, billed] = commit.args as [bigint, number, string, number];
    chain.mine([v2Log(MARKET, 'Committed', [3, 0, ME, commitment, billed]), v2Log(MARKET, 'Committed', [3, 1, OTHER, `0x${'77'.repeat(32)}`, billed])]);
    await agent.tick();
    const reveal = agent.calls.find((c) => c.method === 'reveal')!;
    expect(reveal).toBeDefined();
    chain.mine([v2Log(MARKET, 'Revealed', [3, 0, ME, reveal.args[2]])]);
    agent.calls.length = 0;
    // The other replica never reveals; the requester never concludes.
    later(chain, RUN_BY - T0);
    await agent.tick();
    expect(agent.calls).toEqual([]);
    later(chain, CHALLENGE + 1);
    await agent.tick();
    expect(agent.calls).toEqual([{ method: 'conclude', args: [3n] }]);
  });

  it('an auction it bid in that nobody could award by claimBy (too few bids): its bond comes back', async () => {
    const chain = createFakeChain({ startTime: T0 });
    chain.mine([v2PostedLog(MARKET, 4, REQUESTER, '{}', { bidWindowSeconds: 10, claimBy: T0 + 300, runBy: RUN_BY, replicas: 2 }), v2Log(MARKET, 'BidPlaced', [4, ME, 90_000n, 1])]);
    const agent = agentOn(chain, folder());
    later(chain, 100);
    await agent.tick();
    expect(agent.calls).toEqual([]);
    later(chain, 300);
    await agent.tick();
    expect(agent.calls).toEqual([{ method: 'conclude', args: [4n] }]);
  });
});
