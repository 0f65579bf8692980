/**
 * RigShiftMarketV2 verification on a real Hardhat chain: replicas commit then reveal (never
 * before every replica committed), the majority digest is paid, a different digest or a silent
 * replica is slashed to the requester, two that disagree get a tiebreaker paid from the escrow;
 * a requester's dispute of a single-replica deterministic result goes to one verifier run.
 */
import type { JsonRpcSigner } from 'ethers';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectRevert } from './market-fixture';
import {
  CHALLENGE_WINDOW,
  MIN_STAKE,
  Round,
  USD,
  V2State,
  type V2Fixture,
  type V2Posted,
  type V2Terms,
  deployV2,
  digestOf,
  grossOf,
  netOf,
  runCostOf,
} from './market-v2-fixture';

let f: V2Fixture;
let snapshot: string;

beforeAll(async () => {
  f = await deployV2();
  for (const who of [f.alice, f.bob, f.carol, f.dave, f.erin]) await f.stake(who, MIN_STAKE * 3n);
  snapshot = await f.chain.snapshot();
}, 120_000);
beforeEach(async () => {
  await f.chain.revert(snapshot);
  snapshot = await f.chain.snapshot();
});

const iface = () => f.market.interface;
const honest = digestOf('the real outputs');
const wrong = digestOf('something else');
const garbage = digestOf('garbage');
const MAX = USD(0.2);

/** Posts an auction, has `bidders` bid (ask per bidder) and awards; returns each winner's slot. */
async function auctioned(terms: V2Terms, bidders: [JsonRpcSigner, bigint][]): Promise<{ posted: V2Posted; slotOf: Map<JsonRpcSigner, number>; awardedAt: number }> {
  const posted = await f.post({ maxPricePerHour: MAX, bidWindowSeconds: 60, ...terms });
  for (const [who, ask] of bidders) await f.send(who, 'bid', [posted.id, ask]);
  const award = await f.send(f.deployer, 'award', [posted.id], posted.bidEnds + 1);
  const slotOf = new Map<JsonRpcSigner, number>();
  for (const event of award.events.filter((e) => e.name === 'SlotAssigned')) {
    const who = bidders.find(([signer]) => (signer as unknown as { address: string }).address.toLowerCase() === String(event.args.provider).toLowerCase());
    if (who) slotOf.set(who[0], Number(event.args.slot));
  }
  return { posted, slotOf, awardedAt: award.timestamp };
}

describe('replicated verification', () => {
  it('two replicas: no reveal before both committed; agreeing digests are both paid', async () => {
    const { posted, slotOf, awardedAt } = await auctioned({ replicas: 2 }, [[f.alice, USD(0.1)], [f.bob, USD(0.15)]]);
    await f.commit(f.alice, posted.id, slotOf.get(f.alice)!, honest, 1800, awardedAt + 1800);
    // Bob has not committed: Alice's digest stays hidden, so Bob cannot copy it.
    await expectRevert(f.reveal(f.alice, posted.id, slotOf.get(f.alice)!, honest), iface(), 'RevealTooEarly');
    await f.commit(f.bob, posted.id, slotOf.get(f.bob)!, honest, 1800);
    // A reveal must open the commitment it made.
    await expectRevert(f.send(f.alice, 'reveal', [posted.id, slotOf.get(f.alice)!, honest, digestOf('other salt')]), iface(), 'CommitmentMismatch');
    await f.reveal(f.alice, posted.id, slotOf.get(f.alice)!, honest);
    const last = await f.reveal(f.bob, posted.id, slotOf.get(f.bob)!, honest);
    expect(last.events.map((e) => e.name)).toContain('JobSettled');
    // No bid lost: both are paid the max price for 1800 s.
    const gross = grossOf(MAX, 1800);
    expect(await f.account('credit', f.alice)).toBe(netOf(gross));
    expect(await f.account('credit', f.bob)).toBe(netOf(gross));
    expect(await f.account('credit', f.requester)).toBe(posted.escrow - 2n * gross);
    expect((await f.provider(f.alice)).agreed).toBe(1n);
    expect(await f.account('lockedStake', f.alice)).toBe(0n);
  });

  it('three replicas: the odd digest is slashed to the requester and unpaid; the majority is paid', async () => {
    const { posted, slotOf, awardedAt } = await auctioned({ replicas: 3 }, [[f.alice, USD(0.1)], [f.bob, USD(0.1)], [f.carol, USD(0.1)], [f.dave, USD(0.18)]]);
    expect(slotOf.has(f.dave)).toBe(false);
    expect((await f.job(posted.id)).price).toBe(USD(0.18));
    await f.commit(f.alice, posted.id, slotOf.get(f.alice)!, honest, 1000, awardedAt + 1000);
    await f.commit(f.bob, posted.id, slotOf.get(f.bob)!, honest, 1000);
    await f.commit(f.carol, posted.id, slotOf.get(f.carol)!, wrong, 1000);
    await f.reveal(f.carol, posted.id, slotOf.get(f.carol)!, wrong);
    await f.reveal(f.alice, posted.id, slotOf.get(f.alice)!, honest);
    const last = await f.reveal(f.bob, posted.id, slotOf.get(f.bob)!, honest);
    expect(last.events.filter((e) => e.name === 'Slashed').map((e) => e.args.provider)).toEqual([await f.carol.getAddress()]);
    const gross = grossOf(USD(0.18), 1000);
    expect(await f.account('credit', f.alice)).toBe(netOf(gross));
    expect(await f.account('credit', f.carol)).toBe(0n);
    expect(await f.account('lockedStake', f.carol)).toBe(0n);
    expect(await f.account('freeStake', f.carol)).toBe(MIN_STAKE * 2n);
    expect(await f.account('credit', f.requester)).toBe(posted.escrow - 2n * gross + MIN_STAKE);
    expect((await f.provider(f.carol)).slashes).toBe(1n);
  });

  it('a replica that never reveals is slashed once the reveal window ends', async () => {
    const { posted, slotOf, awardedAt } = await auctioned({ replicas: 3 }, [[f.alice, USD(0.1)], [f.bob, USD(0.1)], [f.carol, USD(0.1)]]);
    await f.commit(f.alice, posted.id, slotOf.get(f.alice)!, honest, 600, awardedAt + 600);
    await f.commit(f.bob, posted.id, slotOf.get(f.bob)!, honest, 600);
    await f.commit(f.carol, posted.id, slotOf.get(f.carol)!, honest, 600);
    await f.reveal(f.alice, posted.id, slotOf.get(f.alice)!, honest);
    await f.reveal(f.bob, posted.id, slotOf.get(f.bob)!, honest);
    const job = await f.job(posted.id);
    const endsAt = Number(job.runBy) + CHALLENGE_WINDOW;
    await expectRevert(f.send(f.erin, 'conclude', [posted.id], endsAt), iface(), 'TooEarly');
    const ended = await f.send(f.erin, 'conclude', [posted.id], endsAt + 1);
    expect(ended.events.filter((e) => e.name === 'Slashed').map((e) => e.args.provider)).toEqual([await f.carol.getAddress()]);
    expect(await f.account('credit', f.carol)).toBe(0n);
    expect(await f.account('credit', f.alice)).toBe(netOf(grossOf(MAX, 600)));
  });

  it('two replicas that disagree reopen for a third, paid from the escrow; the loser is slashed', async () => {
    const { posted, slotOf, awardedAt } = await auctioned({ replicas: 2 }, [[f.alice, USD(0.1)], [f.bob, USD(0.1)], [f.erin, USD(0.16)]]);
    await f.commit(f.alice, posted.id, slotOf.get(f.alice)!, honest, 1200, awardedAt + 1200);
    await f.commit(f.bob, posted.id, slotOf.get(f.bob)!, wrong, 1200);
    await f.reveal(f.alice, posted.id, slotOf.get(f.alice)!, honest);
    const split = await f.reveal(f.bob, posted.id, slotOf.get(f.bob)!, wrong);
    expect(split.events.find((e) => e.name === 'RoundOpened')?.args.round).toBe(Round.Tiebreak);
    expect((await f.job(posted.id)).state).toBe(V2State.Open);
    // Neither replica may break its own tie; the requester may not either.
    await expectRevert(f.send(f.alice, 'bid', [posted.id, USD(0.05)]), iface(), 'Barred');
    await expectRevert(f.send(f.requester, 'bid', [posted.id, USD(0.05)]), iface(), 'RequesterCannotServe');
    const bidEnds = Number((await f.job(posted.id)).bidEnds);
    await f.send(f.carol, 'bid', [posted.id, USD(0.12)]);
    await f.send(f.dave, 'bid', [posted.id, USD(0.14)]);
    const award = await f.send(f.erin, 'award', [posted.id], bidEnds + 1);
    const slot = Number(award.events.find((e) => e.name === 'SlotAssigned')?.args.slot);
    expect(slot).toBe(2);
    await f.commit(f.carol, posted.id, slot, honest, 1200, award.timestamp + 1200);
    const settled = await f.reveal(f.carol, posted.id, slot, honest);
    expect(settled.events.map((e) => e.name)).toContain('JobSettled');
    const main = grossOf(USD(0.16), 1200);
    const tiebreak = grossOf(USD(0.14), 1200);
    expect(await f.account('credit', f.alice)).toBe(netOf(main));
    expect(await f.account('credit', f.carol)).toBe(netOf(tiebreak));
    expect(await f.account('credit', f.bob)).toBe(0n);
    expect(await f.account('credit', f.requester)).toBe(posted.escrow - main - tiebreak + MIN_STAKE);
    // Two runs paid: never more than max price × duration × replicas.
    expect(main + tiebreak).toBeLessThanOrEqual(2n * runCostOf(MAX, 3600));
  });
});

describe('disputes (single replica, deterministic)', () => {
  async function submitted(digest: string) {
    const { posted, awardedAt } = await auctioned({}, [[f.alice, USD(0.1)], [f.bob, USD(0.12)]]);
    const committed = await f.commit(f.alice, posted.id, 0, digest, 3600, awardedAt + 3600);
    // The commitment is the result: Submitted at once, the digest still hidden.
    expect((await f.job(posted.id)).state).toBe(V2State.Submitted);
    await expectRevert(f.reveal(f.alice, posted.id, 0, digest), iface(), 'SlotNotRunning');
    return { posted, revealedAt: committed.timestamp };
  }

  /** Disputes; carol verifies with `digest`; Alice reveals her committed `disputed` digest (unless null). */
  async function verify(posted: V2Posted, digest: string, disputed: string | null) {
    const bond = runCostOf(MAX, 3600);
    await f.fund(f.requester, bond);
    const opened = await f.send(f.requester, 'dispute', [posted.id]);
    expect(opened.events.find((e) => e.name === 'Disputed')?.args.bond).toBe(bond);
    await expectRevert(f.send(f.alice, 'bid', [posted.id, USD(0.01)]), iface(), 'Barred');
    const bidEnds = Number((await f.job(posted.id)).bidEnds);
    await f.send(f.carol, 'bid', [posted.id, USD(0.1)]);
    const award = await f.send(f.dave, 'award', [posted.id], bidEnds + 1);
    // The disputed digest stays hidden until the verifier has committed: nothing to copy.
    if (disputed) await expectRevert(f.reveal(f.alice, posted.id, 0, disputed), iface(), 'RevealTooEarly');
    await f.commit(f.carol, posted.id, 1, digest, 1800, award.timestamp + 1800);
    const verifierRevealed = await f.reveal(f.carol, posted.id, 1, digest);
    if (!disputed) {
      const runBy = Number((await f.job(posted.id)).runBy);
      const ended = await f.send(f.dave, 'conclude', [posted.id], runBy + CHALLENGE_WINDOW + 1);
      return { bond, resolved: ended.events.find((e) => e.name === 'DisputeResolved') };
    }
    expect(verifierRevealed.events.map((e) => e.name)).not.toContain('DisputeResolved');
    const resolved = await f.reveal(f.alice, posted.id, 0, disputed);
    return { bond, resolved: resolved.events.find((e) => e.name === 'DisputeResolved') };
  }

  it('an honest result disputed: the provider is paid and compensated from the bond, which also pays the verifier', async () => {
    const { posted } = await submitted(honest);
    const { bond, resolved } = await verify(posted, honest, honest);
    expect(resolved?.args.upheld).toBe(true);
    const providerGross = grossOf(USD(0.12), 3600);
    const verifierGross = grossOf(MAX, 1800); // the verify round had one bid: max price
    expect(await f.account('credit', f.carol)).toBe(netOf(verifierGross));
    expect(await f.account('credit', f.alice)).toBe(netOf(providerGross) + (bond - verifierGross));
    expect(await f.account('credit', f.requester)).toBe(posted.escrow - providerGross);
    expect(await f.account('lockedStake', f.alice)).toBe(0n);
    expect((await f.provider(f.alice)).disputesWon).toBe(1n);
    expect((await f.requesterOf(f.requester)).disputesLost).toBe(1n);
    expect((await f.job(posted.id)).state).toBe(V2State.Settled);
  });

  it('"garbage is paid in full" fails: the disputed garbage digest is slashed and unpaid', async () => {
    const { posted } = await submitted(garbage);
    const { bond, resolved } = await verify(posted, honest, garbage);
    expect(resolved?.args.upheld).toBe(false);
    const verifierGross = grossOf(MAX, 1800);
    expect(await f.account('credit', f.alice)).toBe(0n);
    expect(await f.account('lockedStake', f.alice)).toBe(0n);
    expect(await f.account('freeStake', f.alice)).toBe(MIN_STAKE * 2n);
    expect(await f.account('credit', f.carol)).toBe(netOf(verifierGross));
    // The requester gets its bond, the escrow less the verifier's run, and the cheat's stake.
    expect(await f.account('credit', f.requester)).toBe(posted.escrow - verifierGross + bond + MIN_STAKE);
    expect((await f.provider(f.alice)).disputesLost).toBe(1n);
    expect((await f.provider(f.alice)).slashes).toBe(1n);
    expect((await f.requesterOf(f.requester)).disputesWon).toBe(1n);
  });

  it('a disputed provider that does not reveal once the verifier committed loses the dispute', async () => {
    const { posted } = await submitted(garbage);
    const { resolved } = await verify(posted, honest, null);
    expect(resolved?.args.upheld).toBe(false);
    expect(await f.account('credit', f.alice)).toBe(0n);
    expect((await f.provider(f.alice)).slashes).toBe(1n);
  });

  it('a dispute nobody verifies lapses: the result stands and the bond comes back', async () => {
    const { posted } = await submitted(honest);
    const bond = runCostOf(MAX, 3600);
    await f.fund(f.requester, bond);
    await f.send(f.requester, 'dispute', [posted.id]);
    const job = await f.job(posted.id);
    await expectRevert(f.send(f.dave, 'finalize', [posted.id]), iface(), 'NotSubmitted');
    const lapsed = await f.send(f.dave, 'conclude', [posted.id], Number(job.claimBy) + 1);
    expect(lapsed.events.find((e) => e.name === 'DisputeResolved')?.args.lapsed).toBe(true);
    expect(await f.account('credit', f.alice)).toBe(netOf(grossOf(USD(0.12), 3600)));
    expect(await f.account('credit', f.requester)).toBe(posted.escrow - grossOf(USD(0.12), 3600) + bond);
  });

  it('only the requester, only within the window, only on a deterministic job', async () => {
    const { posted, revealedAt } = await submitted(honest);
    await expectRevert(f.send(f.bob, 'dispute', [posted.id]), iface(), 'NotRequester');
    await f.fund(f.requester, runCostOf(MAX, 3600) * 2n);
    await expectRevert(f.send(f.requester, 'dispute', [posted.id], revealedAt + CHALLENGE_WINDOW + 1), iface(), 'ChallengeWindowClosed');

    const loose = await f.post({ maxPricePerHour: MAX, deterministic: false });
    await f.send(f.bob, 'claim', [loose.id]);
    const claimedAt = Number((await f.slot(loose.id, 0)).startedAt);
    await f.commit(f.bob, loose.id, 0, honest, 60, claimedAt + 60);
    await expectRevert(f.send(f.requester, 'dispute', [loose.id]), iface(), 'NotDisputable');
  });
});
