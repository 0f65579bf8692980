/**
 * RigShiftMarketV2 preemptible release, redelivery and records on a real Hardhat chain. The v1
 * attacks from issue 12 are replayed against v2: release with nothing to show pays nothing and
 * bars the claimer from the job (claim/release(0) loop), and time served is paid only against a
 * checkpoint that survives the challenge window and a dispute (release drain).
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectRevert } from './market-fixture';
import {
  CHALLENGE_WINDOW,
  commitmentOf,
  saltFor,
  MIN_STAKE,
  Round,
  USD,
  V2State,
  type V2Fixture,
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
  for (const who of [f.alice, f.bob, f.carol, f.dave]) await f.stake(who, MIN_STAKE * 3n);
  snapshot = await f.chain.snapshot();
}, 120_000);
beforeEach(async () => {
  await f.chain.revert(snapshot);
  snapshot = await f.chain.snapshot();
});

const iface = () => f.market.interface;
const MAX = USD(1);
const preemptible = { maxPricePerHour: MAX, preemptible: true, runSlack: 7200 };

describe('release of a preemptible job', () => {
  it('claim / release(0) pays nothing, and the same provider can never claim that job again', async () => {
    const posted = await f.post(preemptible);
    await f.send(f.alice, 'claim', [posted.id]);
    const released = await f.send(f.alice, 'release', [posted.id, 0, 0, digestOf('x')]);
    expect(released.events.find((e) => e.name === 'Released')?.args.servedSeconds).toBe(0n);
    expect(released.events.find((e) => e.name === 'RoundOpened')?.args.round).toBe(Round.Main);
    expect(await f.account('credit', f.alice)).toBe(0n);
    expect(await f.account('lockedStake', f.alice)).toBe(0n);
    await expectRevert(f.send(f.alice, 'claim', [posted.id]), iface(), 'Barred');
    // A checkpoint of zero is nothing to show either, whatever time is claimed.
    await f.send(f.bob, 'claim', [posted.id]);
    await f.send(f.bob, 'release', [posted.id, 1, 600, '0x' + '00'.repeat(32)], (await f.chain.latestTimestamp()) + 700);
    expect(await f.account('credit', f.bob)).toBe(0n);
    expect((await f.provider(f.bob)).releases).toBe(1n);
    await expectRevert(f.send(f.bob, 'claim', [posted.id]), iface(), 'Barred');
    expect((await f.job(posted.id)).escrow).toBe(posted.escrow);
  });

  it('release drain fails: a garbage checkpoint is disputed, slashed and unpaid', async () => {
    const posted = await f.post(preemptible);
    const claim = await f.send(f.alice, 'claim', [posted.id]);
    // The attacker waits, runs nothing and releases 900 s "served" against a made-up checkpoint.
    const alice = await f.alice.getAddress();
    const fake = digestOf('garbage checkpoint');
    await f.send(f.alice, 'release', [posted.id, 0, 900, commitmentOf(fake, saltFor(fake, alice), alice)], claim.timestamp + 900);
    expect((await f.job(posted.id)).state).toBe(V2State.Submitted);
    await f.fund(f.requester, runCostOf(MAX, 3600));
    await f.send(f.requester, 'dispute', [posted.id]);
    await f.send(f.bob, 'claim', [posted.id]);
    const started = Number((await f.slot(posted.id, 1)).startedAt);
    await f.commit(f.bob, posted.id, 1, digestOf('real checkpoint at 900 s'), 900, started + 900);
    await f.reveal(f.bob, posted.id, 1, digestOf('real checkpoint at 900 s'));
    const resolved = await f.reveal(f.alice, posted.id, 0, fake);
    expect(resolved.events.find((e) => e.name === 'DisputeResolved')?.args.upheld).toBe(false);
    expect(await f.account('credit', f.alice)).toBe(0n);
    expect((await f.provider(f.alice)).slashes).toBe(1n);
    await expectRevert(f.send(f.alice, 'claim', [posted.id]), iface(), 'NotOpen');
  });

  it('an honest checkpoint is paid its time served after acceptance, and the rest reopens for others', async () => {
    const posted = await f.post(preemptible);
    const claim = await f.send(f.alice, 'claim', [posted.id]);
    await expectRevert(f.send(f.alice, 'release', [posted.id, 0, 901, digestOf('cp')], claim.timestamp + 900), iface(), 'SecondsExceedElapsed');
    await f.send(f.alice, 'release', [posted.id, 0, 900, digestOf('cp')], claim.timestamp + 901);
    // Nothing is paid before the requester accepts or the window passes.
    expect(await f.account('credit', f.alice)).toBe(0n);
    const accepted = await f.send(f.requester, 'accept', [posted.id]);
    expect(accepted.events.find((e) => e.name === 'RoundOpened')?.args.round).toBe(Round.Main);
    const gross = grossOf(MAX, 900);
    expect(await f.account('credit', f.alice)).toBe(netOf(gross));
    const job = await f.job(posted.id);
    expect(job.maxDurationSeconds).toBe(2700n);
    expect(job.state).toBe(V2State.Open);
    await expectRevert(f.send(f.alice, 'claim', [posted.id]), iface(), 'Barred');
    const resumed = await f.send(f.bob, 'claim', [posted.id]);
    await expectRevert(f.commit(f.bob, posted.id, 1, digestOf('done'), 2701, resumed.timestamp + 2701), iface(), 'SecondsExceedMaxDuration');
    const revealed = await f.commit(f.bob, posted.id, 1, digestOf('done'), 2700, resumed.timestamp + 2702);
    await expectRevert(f.send(f.carol, 'finalize', [posted.id], revealed.timestamp + CHALLENGE_WINDOW), iface(), 'ChallengeWindowOpen');
    await f.send(f.carol, 'finalize', [posted.id], revealed.timestamp + CHALLENGE_WINDOW + 1);
    // Served + resumed never exceeds one run at the max price.
    const total = gross + grossOf(MAX, 2700);
    expect(total).toBeLessThanOrEqual(runCostOf(MAX, 3600));
    expect(await f.account('credit', f.requester)).toBe(posted.escrow - total);
  });

  it('only a preemptible job, only its running slot holder', async () => {
    const fixed = await f.post({ maxPricePerHour: MAX });
    await f.send(f.alice, 'claim', [fixed.id]);
    await expectRevert(f.send(f.alice, 'release', [fixed.id, 0, 0, digestOf('x')]), iface(), 'NotPreemptible');
    const posted = await f.post(preemptible);
    await f.send(f.alice, 'claim', [posted.id]);
    await expectRevert(f.send(f.bob, 'release', [posted.id, 0, 0, digestOf('x')]), iface(), 'NotSlotHolder');
  });
});

describe('delivery and records', () => {
  it('commit needs no upload; the requester asks for redelivery to a new URL (an event)', async () => {
    const posted = await f.post({ maxPricePerHour: MAX });
    const claim = await f.send(f.alice, 'claim', [posted.id]);
    await f.commit(f.alice, posted.id, 0, digestOf('r'), 60, claim.timestamp + 60);
    const redelivery = await f.send(f.requester, 'requestRedelivery', [posted.id, 'https://example.invalid/new']);
    const event = redelivery.events.find((e) => e.name === 'RedeliveryRequested');
    expect(event?.args.uploadUrl).toBe('https://example.invalid/new');
    await expectRevert(f.send(f.bob, 'requestRedelivery', [posted.id, 'x']), iface(), 'NotRequester');
    await expectRevert(f.send(f.requester, 'requestRedelivery', [999n, 'x']), iface(), 'UnknownJob');
  });

  it('keeps readable records: posted, accepted, settled, billed seconds, refunds', async () => {
    const posted = await f.post({ maxPricePerHour: MAX });
    const claim = await f.send(f.alice, 'claim', [posted.id]);
    await f.commit(f.alice, posted.id, 0, digestOf('r'), 120, claim.timestamp + 120);
    await f.send(f.requester, 'accept', [posted.id]);
    const unclaimed = await f.post({ maxPricePerHour: MAX });
    await f.send(f.bob, 'conclude', [unclaimed.id], unclaimed.claimBy + 1);
    const alice = await f.provider(f.alice);
    expect({ settled: alice.settled, billed: alice.billedSeconds, slashes: alice.slashes }).toEqual({ settled: 1n, billed: 120n, slashes: 0n });
    const requester = await f.requesterOf(f.requester);
    expect({ posted: requester.posted, accepted: requester.accepted, refunds: requester.refunds }).toEqual({ posted: 2n, accepted: 1n, refunds: 1n });
  });

  it('a claimer that never commits by runBy is slashed to the requester when the job is concluded', async () => {
    const posted = await f.post({ maxPricePerHour: MAX });
    await f.send(f.alice, 'claim', [posted.id]);
    const runBy = Number((await f.job(posted.id)).runBy);
    await expectRevert(f.commit(f.alice, posted.id, 0, digestOf('late'), 60, runBy + 1), iface(), 'RunDeadlinePassed');
    await f.send(f.bob, 'conclude', [posted.id], runBy + CHALLENGE_WINDOW + 1);
    expect(await f.account('credit', f.requester)).toBe(posted.escrow + MIN_STAKE);
    expect((await f.job(posted.id)).state).toBe(V2State.Refunded);
  });
});
