/**
 * RigShiftMarketV2 reverse auction on a real Hardhat chain: the lowest asks win, every winner is
 * paid the lowest losing ask (uniform second price), ties go to the better record and then the
 * earlier bid, losing bonds come back at award, a fixed-price listing pays the max price, and a
 * job's minimum provider record is enforced at bid time.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectRevert } from './market-fixture';
import {
  MIN_STAKE,
  Round,
  SlotStatus,
  USD,
  V2State,
  type V2Fixture,
  deployV2,
  digestOf,
  grossOf,
  netOf,
} from './market-v2-fixture';

let f: V2Fixture;
let snapshot: string;

beforeAll(async () => {
  f = await deployV2();
  for (const who of [f.alice, f.bob, f.carol, f.dave]) await f.stake(who, MIN_STAKE * 3n);
  snapshot = await f.chain.snapshot();
}, 120_000);
beforeEach(async () => {
  await f.chain.revert(snapshot);
  snapshot = await f.chain.snapshot();
});

const iface = () => f.market.interface;
const result = digestOf('outputs');

/** Runs a single-replica slot to a finalized result billed `seconds` after its start. */
async function runAndFinalize(id: bigint, slot: number, who = f.alice, seconds = 3600) {
  const started = Number((await f.slot(id, slot)).startedAt);
  // A single replica's commitment is its result: no reveal unless the requester disputes.
  const committed = await f.commit(who, id, slot, result, seconds, started + seconds);
  await f.send(f.dave, 'finalize', [id], committed.timestamp + 121);
}

describe('reverse auction', () => {
  it('asks 0.10 / 0.12 / 0.15: the 0.10 bidder wins and is paid 0.12 per hour', async () => {
    const posted = await f.post({ maxPricePerHour: USD(0.2), bidWindowSeconds: 60 });
    await f.send(f.alice, 'bid', [posted.id, USD(0.1)]);
    await f.send(f.bob, 'bid', [posted.id, USD(0.12)]);
    await f.send(f.carol, 'bid', [posted.id, USD(0.15)]);
    // Each bid locks the minimum stake as a bond.
    expect(await f.account('lockedStake', f.bob)).toBe(MIN_STAKE);

    const award = await f.send(f.dave, 'award', [posted.id], posted.bidEnds + 1);
    const closed = award.events.find((e) => e.name === 'AuctionClosed');
    expect(closed?.args.pricePerHour).toBe(USD(0.12));
    const assigned = award.events.filter((e) => e.name === 'SlotAssigned');
    expect(assigned.map((e) => e.args.provider)).toEqual([await f.alice.getAddress()]);
    // Losing bonds are released at award; the winner's stays locked for the run.
    expect(await f.account('lockedStake', f.bob)).toBe(0n);
    expect(await f.account('lockedStake', f.carol)).toBe(0n);
    expect(await f.account('lockedStake', f.alice)).toBe(MIN_STAKE);
    const job = await f.job(posted.id);
    expect(job.state).toBe(V2State.Running);
    expect(job.price).toBe(USD(0.12));

    await runAndFinalize(posted.id, 0);
    const gross = grossOf(USD(0.12), 3600);
    expect(gross).toBe(USD(0.12));
    expect(await f.account('credit', f.alice)).toBe(netOf(gross));
    // The requester gets back everything but the 0.12 paid: its max 0.20 and the reserve run.
    expect(await f.account('credit', f.requester)).toBe(posted.escrow - gross);
    expect((await f.job(posted.id)).state).toBe(V2State.Settled);
    expect(await f.account('lockedStake', f.alice)).toBe(0n);
  });

  it('pays the max price when no bid lost, and awards two replicas the third-lowest ask', async () => {
    const single = await f.post({ maxPricePerHour: USD(0.2), bidWindowSeconds: 60 });
    await f.send(f.alice, 'bid', [single.id, USD(0.05)]);
    const award = await f.send(f.dave, 'award', [single.id], single.bidEnds + 1);
    expect(award.events.find((e) => e.name === 'AuctionClosed')?.args.pricePerHour).toBe(USD(0.2));

    const pair = await f.post({ maxPricePerHour: USD(0.2), bidWindowSeconds: 60, replicas: 2 });
    await f.send(f.bob, 'bid', [pair.id, USD(0.11)]);
    await f.send(f.carol, 'bid', [pair.id, USD(0.15)]);
    await f.send(f.dave, 'bid', [pair.id, USD(0.1)]);
    const pairAward = await f.send(f.deployer, 'award', [pair.id], pair.bidEnds + 1);
    expect(pairAward.events.find((e) => e.name === 'AuctionClosed')?.args.pricePerHour).toBe(USD(0.15));
    const winners = pairAward.events.filter((e) => e.name === 'SlotAssigned').map((e) => e.args.provider);
    expect(winners.sort()).toEqual([await f.bob.getAddress(), await f.dave.getAddress()].sort());
  });

  it('breaks equal asks by the better record, then by the earlier bid', async () => {
    // Bob earns a record: one settled fixed-price job.
    const earlier = await f.post({ maxPricePerHour: USD(0.2) });
    await f.send(f.bob, 'claim', [earlier.id]);
    await runAndFinalize(earlier.id, 0, f.bob);
    expect((await f.provider(f.bob)).settled).toBe(1n);
    expect(await f.market.getFunction('reputationScore')(await f.bob.getAddress())).toBe(1n);

    const posted = await f.post({ maxPricePerHour: USD(0.2), bidWindowSeconds: 60 });
    await f.send(f.alice, 'bid', [posted.id, USD(0.1)]);
    await f.send(f.carol, 'bid', [posted.id, USD(0.1)]);
    await f.send(f.bob, 'bid', [posted.id, USD(0.1)]);
    const award = await f.send(f.dave, 'award', [posted.id], posted.bidEnds + 1);
    expect(award.events.find((e) => e.name === 'SlotAssigned')?.args.provider).toBe(await f.bob.getAddress());

    const again = await f.post({ maxPricePerHour: USD(0.2), bidWindowSeconds: 60 });
    await f.send(f.carol, 'bid', [again.id, USD(0.1)]);
    await f.send(f.alice, 'bid', [again.id, USD(0.1)]);
    const second = await f.send(f.dave, 'award', [again.id], again.bidEnds + 1);
    expect(second.events.find((e) => e.name === 'SlotAssigned')?.args.provider).toBe(await f.carol.getAddress());
    // Every bidder asked 0.10: the lowest losing ask is 0.10 too.
    expect(second.events.find((e) => e.name === 'AuctionClosed')?.args.pricePerHour).toBe(USD(0.1));
  });

  it('a fixed-price listing (no bid window) pays whoever claims the posted max price', async () => {
    const posted = await f.post({ maxPricePerHour: USD(0.3) });
    await expectRevert(f.send(f.alice, 'bid', [posted.id, USD(0.1)]), iface(), 'NotAnAuction');
    const claim = await f.send(f.alice, 'claim', [posted.id]);
    expect(claim.events.find((e) => e.name === 'SlotAssigned')?.args.pricePerHour).toBe(USD(0.3));
    expect((await f.slot(posted.id, 0)).status).toBe(SlotStatus.Running);
    await runAndFinalize(posted.id, 0, f.alice, 1800);
    expect(await f.account('credit', f.alice)).toBe(netOf(grossOf(USD(0.3), 1800)));
  });

  it('enforces the bid rules: window, ask range, one bid each, stake, requester, minimum record', async () => {
    const posted = await f.post({ maxPricePerHour: USD(0.2), bidWindowSeconds: 60, minProviderSettled: 0 });
    await expectRevert(f.send(f.alice, 'bid', [posted.id, 0n]), iface(), 'AskOutOfRange');
    await expectRevert(f.send(f.alice, 'bid', [posted.id, USD(0.2) + 1n]), iface(), 'AskOutOfRange');
    await expectRevert(f.send(f.alice, 'claim', [posted.id]), iface(), 'IsAnAuction');
    await f.stake(f.requester);
    await expectRevert(f.send(f.requester, 'bid', [posted.id, USD(0.1)]), iface(), 'RequesterCannotServe');
    await f.send(f.alice, 'bid', [posted.id, USD(0.1)]);
    await expectRevert(f.send(f.alice, 'bid', [posted.id, USD(0.09)]), iface(), 'AlreadyBid');
    await expectRevert(f.send(f.erin, 'bid', [posted.id, USD(0.1)]), iface(), 'InsufficientFreeStake');
    await expectRevert(f.send(f.dave, 'award', [posted.id], posted.bidEnds), iface(), 'BiddingOpen');
    await expectRevert(f.send(f.bob, 'bid', [posted.id, USD(0.1)], posted.bidEnds + 1), iface(), 'BiddingClosed');

    const picky = await f.post({ maxPricePerHour: USD(0.2), bidWindowSeconds: 60, minProviderSettled: 1 });
    await expectRevert(f.send(f.alice, 'bid', [picky.id, USD(0.1)]), iface(), 'RecordTooShort', [0n, 1n]);

    const pair = await f.post({ maxPricePerHour: USD(0.2), bidWindowSeconds: 60, replicas: 2 });
    await f.send(f.alice, 'bid', [pair.id, USD(0.1)]);
    await expectRevert(f.send(f.dave, 'award', [pair.id], pair.bidEnds + 1), iface(), 'NotEnoughBids', [pair.id, 1n, 2n]);
    // Nobody else came by claimBy: anyone ends it, the bond comes back and the escrow is refunded.
    const ended = await f.send(f.dave, 'conclude', [pair.id], pair.claimBy + 1);
    expect(ended.events.map((e) => e.name)).toContain('JobRefunded');
    expect((await f.requesterOf(f.requester)).refunds).toBe(1n);
  });

  it('a full book takes a lower ask in place of its highest, never a higher one', async () => {
    const hardhat = f.chain.signers;
    const posted = await f.post({ maxPricePerHour: USD(0.5), bidWindowSeconds: 600 });
    const bidders = [f.alice, f.bob, f.carol, f.dave, hardhat[6]!, hardhat[7]!, hardhat[8]!, f.deployer];
    for (const [i, who] of bidders.entries()) {
      if (i >= 4) await f.stake(who);
      await f.send(who, 'bid', [posted.id, USD(0.2) + BigInt(i)]);
    }
    const late = hardhat[9]!; // the fee recipient, as any other account
    await f.stake(late);
    await expectRevert(f.send(late, 'bid', [posted.id, USD(0.3)]), iface(), 'BookFull');
    const displaced = await f.send(late, 'bid', [posted.id, USD(0.1)]);
    expect(displaced.events.find((e) => e.name === 'BidDisplaced')?.args.provider).toBe(await f.deployer.getAddress());
    expect(await f.account('lockedStake', f.deployer)).toBe(0n);
    const award = await f.send(f.alice, 'award', [posted.id], posted.bidEnds + 1);
    expect(award.events.find((e) => e.name === 'SlotAssigned')?.args.provider).toBe(await late.getAddress());
    expect(award.events.find((e) => e.name === 'AuctionClosed')?.args.pricePerHour).toBe(USD(0.2));
    expect((await f.job(posted.id)).round).toBe(Round.Main);
  });
});
