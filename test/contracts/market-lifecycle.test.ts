/**
 * RigShiftMarket on a real Hardhat chain: every function's effects (storage, events, exact
 * token accounting) and every revert path reachable through the public interface. Deadlines
 * are tested at the exact boundary second (timestamps are set explicitly).
 */
import { AbiCoder, ZeroAddress, keccak256 } from 'ethers';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CHALLENGE_WINDOW,
  FEE_BPS,
  MIN_STAKE,
  type MarketFixture,
  REOPEN_CLAIM_WINDOW,
  State,
  deploy,
  deployMarket,
  expectRevert,
  feeFor,
  grossFor,
  sampleSpec,
  specHash,
  startTestChain,
} from './market-fixture';
import { testArtifacts } from './test-artifacts';

let f: MarketFixture;
let snapshot: string;

beforeAll(async () => {
  const chain = await startTestChain();
  const artifacts = testArtifacts();
  f = await deployMarket(chain, { ...artifacts, market: artifacts.RigShiftMarket, token: artifacts.TestUSD });
  snapshot = await chain.snapshot();
});
beforeEach(async () => {
  await f.chain.revert(snapshot);
  snapshot = await f.chain.snapshot();
});

const digest = keccak256('0x1234');
const errors = () => f.market.interface;

describe('deployment', () => {
  it('exposes its immutable parameters and starts job ids at 1', async () => {
    const m = f.market;
    expect(await m.getFunction('token')()).toBe(await f.token.getAddress());
    expect(await m.getFunction('minStake')()).toBe(MIN_STAKE);
    expect(await m.getFunction('challengeWindow')()).toBe(BigInt(CHALLENGE_WINDOW));
    expect(await m.getFunction('feeBps')()).toBe(FEE_BPS);
    expect(await m.getFunction('feeRecipient')()).toBe(await f.feeRecipient.getAddress());
    expect(await m.getFunction('reopenClaimWindow')()).toBe(BigInt(REOPEN_CLAIM_WINDOW));
    expect(await m.getFunction('nextJobId')()).toBe(1n);
    expect((await f.job(1n)).state).toBe(State.None);
  });

  it('refuses a zero token or fee recipient, zero stake, a fee above 100 % and a non-6-decimal token', async () => {
    const a = testArtifacts();
    const token = await f.token.getAddress();
    const fee = await f.feeRecipient.getAddress();
    const iface = errors();
    const attempt = (...args: unknown[]) => deploy(f.chain, a.RigShiftMarket, f.deployer, ...args);
    await expectRevert(attempt(ZeroAddress, MIN_STAKE, 120, 100, fee, 300), iface, 'ZeroAddress');
    await expectRevert(attempt(token, MIN_STAKE, 120, 100, ZeroAddress, 300), iface, 'ZeroAddress');
    await expectRevert(attempt(token, 0n, 120, 100, fee, 300), iface, 'ZeroMinStake');
    await expectRevert(attempt(token, 2n ** 128n, 120, 100, fee, 300), iface, 'AmountTooLarge', [2n ** 128n]);
    await expectRevert(attempt(token, MIN_STAKE, 120, 10_001, fee, 300), iface, 'FeeTooHigh', [10_001n]);
    const e18 = await deploy(f.chain, a.EighteenDecimalsToken, f.deployer);
    await expectRevert(attempt(await e18.getAddress(), MIN_STAKE, 120, 100, fee, 300), iface, 'TokenDecimalsNot6', [18n]);
  });
});

describe('post', () => {
  it('escrows ceil(maxPrice × maxDuration / 3600), stores the spec hash and emits the full spec', async () => {
    const spec = sampleSpec(7);
    const before = await f.balanceOf(await f.market.getAddress());
    const posted = await f.post({ spec, maxPricePerHour: 1_000_001n, maxDurationSeconds: 7, preemptible: true });
    // 1_000_001 × 7 / 3600 = 1944.44… → 1945 (never short of the provider's maximum pay).
    expect(posted.escrow).toBe(1945n);
    expect(await f.balanceOf(await f.market.getAddress())).toBe(before + 1945n);
    const job = await f.job(posted.id);
    expect(job).toMatchObject({
      requester: await f.address(f.requester),
      provider: ZeroAddress,
      maxPricePerHour: 1_000_001n,
      ask: 0n,
      escrow: 1945n,
      claimBy: BigInt(posted.claimBy),
      runBy: BigInt(posted.runBy),
      maxDurationSeconds: 7n,
      attempt: 0n,
      preemptible: true,
      state: State.Open,
      specHash: specHash(spec),
    });
    const event = posted.sent.events.find((e) => e.name === 'JobPosted');
    expect(event?.args.toObject()).toMatchObject({
      id: 1n,
      requester: await f.address(f.requester),
      specHash: specHash(spec),
      maxPricePerHour: 1_000_001n,
      maxDurationSeconds: 7n,
      claimBy: BigInt(posted.claimBy),
      runBy: BigInt(posted.runBy),
      preemptible: true,
      escrow: 1945n,
      spec,
    });
    expect(await f.market.getFunction('nextJobId')()).toBe(2n);
    expect((await f.post()).id).toBe(2n);
  });

  it('refuses zero price, zero duration, past claim deadline, too-short run window and an escrow beyond uint128', async () => {
    await f.fund(f.requester, 10n ** 12n);
    // A reverted transaction is still mined, so each attempt gets its own second.
    const now = (await f.chain.latestTimestamp()) + 10;
    let at = now - 5;
    const post = (price: bigint, duration: number | bigint, claimBy: number, runBy: number | bigint, when = at++) =>
      f.send(f.requester, 'post', ['{}', price, duration, claimBy, runBy, false], when);
    const iface = errors();
    await expectRevert(post(0n, 60, now + 10, now + 100), iface, 'ZeroPrice');
    await expectRevert(post(1n, 0, now + 10, now + 100), iface, 'ZeroDuration');
    await expectRevert(post(1n, 60, now + 10, now + 69), iface, 'RunByTooEarly', [now + 69, now + 70]);
    const huge = 2n ** 128n - 1n;
    const escrow = (huge * 4_294_967_295n + 3599n) / 3600n;
    await expectRevert(post(huge, 4_294_967_295n, now + 10, 2n ** 63n), iface, 'EscrowTooLarge', [escrow]);
    await expectRevert(post(1n, 60, now, now + 100, now), iface, 'ClaimByNotInFuture', [now, now]);
    // The boundary itself is accepted: runBy == claimBy + maxDuration.
    await post(1n, 60, now + 10, now + 70, now + 1);
  });
});

describe('stake', () => {
  it('deposits free stake, withdraws only what is free, and refuses zero amounts', async () => {
    const alice = await f.address(f.alice);
    await f.fund(f.alice, 12_000_000n);
    const deposit = await f.send(f.alice, 'depositStake', [12_000_000n]);
    expect(deposit.events[0]?.name).toBe('StakeDeposited');
    expect(deposit.events[0]?.args.toObject()).toEqual({ provider: alice, amount: 12_000_000n });
    expect(await f.account('freeStake', alice)).toBe(12_000_000n);

    const posted = await f.post();
    await f.send(f.alice, 'claim', [posted.id, 1_000_000n]);
    expect(await f.account('freeStake', alice)).toBe(7_000_000n);
    expect(await f.account('lockedStake', alice)).toBe(MIN_STAKE);
    // Locked stake cannot be withdrawn.
    await expectRevert(f.send(f.alice, 'withdrawStake', [7_000_001n]), errors(), 'InsufficientFreeStake', [7_000_000n, 7_000_001n]);
    const out = await f.send(f.alice, 'withdrawStake', [7_000_000n]);
    expect(out.events[0]?.args.toObject()).toEqual({ provider: alice, amount: 7_000_000n });
    expect(await f.balanceOf(alice)).toBe(7_000_000n);
    expect(await f.account('freeStake', alice)).toBe(0n);

    await expectRevert(f.send(f.alice, 'depositStake', [0n]), errors(), 'ZeroAmount');
    await expectRevert(f.send(f.alice, 'depositStake', [2n ** 128n]), errors(), 'AmountTooLarge', [2n ** 128n]);
    await expectRevert(f.send(f.alice, 'withdrawStake', [0n]), errors(), 'ZeroAmount');
  });
});

describe('claim', () => {
  it('locks minStake, records the ask and attempt, and emits JobClaimed', async () => {
    const posted = await f.post({ maxPricePerHour: 3_000_000n });
    await f.stake(f.alice);
    const sent = await f.send(f.alice, 'claim', [posted.id, 2_500_000n]);
    const alice = await f.address(f.alice);
    expect(sent.events[0]?.name).toBe('JobClaimed');
    expect(sent.events[0]?.args.toObject()).toEqual({ id: posted.id, provider: alice, ask: 2_500_000n, attempt: 1n });
    const job = await f.job(posted.id);
    expect(job).toMatchObject({ provider: alice, ask: 2_500_000n, claimedAt: BigInt(sent.timestamp), attempt: 1n, state: State.Claimed });
    expect(await f.account('freeStake', alice)).toBe(0n);
    expect(await f.account('lockedStake', alice)).toBe(MIN_STAKE);
  });

  it('refuses unknown or taken jobs, late claims, asks of 0 or above the max, and too little free stake', async () => {
    const posted = await f.post({ maxPricePerHour: 3_000_000n });
    const late = await f.post({ claimIn: 1000 });
    const iface = errors();
    await expectRevert(f.send(f.alice, 'claim', [posted.id, 1n]), iface, 'InsufficientFreeStake', [0n, MIN_STAKE]);
    await f.stake(f.alice, MIN_STAKE * 2n);
    await expectRevert(f.send(f.alice, 'claim', [99n, 1n]), iface, 'NotOpen', [99n, State.None]);
    await expectRevert(f.send(f.alice, 'claim', [posted.id, 0n]), iface, 'AskOutOfRange', [0n, 3_000_000n]);
    await expectRevert(f.send(f.alice, 'claim', [posted.id, 3_000_001n]), iface, 'AskOutOfRange', [3_000_001n, 3_000_000n]);
    // claimBy itself is still in time, and the ask may equal the max.
    await f.send(f.alice, 'claim', [posted.id, 3_000_000n], posted.claimBy);
    await expectRevert(f.send(f.alice, 'claim', [late.id, 1n], late.claimBy + 1), iface, 'ClaimWindowClosed', [late.id, late.claimBy]);
    await f.stake(f.bob);
    await expectRevert(f.send(f.bob, 'claim', [posted.id, 1n]), iface, 'NotOpen', [posted.id, State.Claimed]);
  });
});

describe('submit', () => {
  it('binds the commitment to chain, market, job, provider and attempt', async () => {
    const posted = await f.post();
    await f.stake(f.alice);
    const claimed = await f.send(f.alice, 'claim', [posted.id, 1_800_000n]);
    const alice = await f.address(f.alice);
    const sent = await f.send(f.alice, 'submit', [posted.id, digest, 1000, 'http://127.0.0.1:9/r/1'], claimed.timestamp + 1000);
    const expected = keccak256(
      AbiCoder.defaultAbiCoder().encode(
        ['uint256', 'address', 'uint256', 'address', 'uint32', 'bytes32'],
        [31337n, await f.market.getAddress(), posted.id, alice, 1n, digest],
      ),
    );
    expect(sent.events[0]?.args.toObject()).toEqual({
      id: posted.id,
      provider: alice,
      commitment: expected,
      outputsDigest: digest,
      billedSeconds: 1000n,
      resultUri: 'http://127.0.0.1:9/r/1',
    });
    expect(await f.job(posted.id)).toMatchObject({ commitment: expected, billedSeconds: 1000n, submittedAt: BigInt(sent.timestamp), state: State.Submitted });
    expect(await f.market.getFunction('usedCommitment')(expected)).toBe(true);
  });

  it('refuses the wrong state, another sender, late submits and impossible billed seconds', async () => {
    const posted = await f.post({ maxDurationSeconds: 600 });
    const iface = errors();
    await expectRevert(f.send(f.alice, 'submit', [posted.id, digest, 1, '']), iface, 'NotClaimed', [posted.id, State.Open]);
    await f.stake(f.alice);
    const claimed = await f.send(f.alice, 'claim', [posted.id, 1_000_000n]);
    await expectRevert(f.send(f.bob, 'submit', [posted.id, digest, 1, '']), iface, 'NotProvider', [posted.id, await f.address(f.bob)]);
    await expectRevert(f.send(f.alice, 'submit', [posted.id, digest, 0, '']), iface, 'ZeroBilledSeconds');
    await expectRevert(f.send(f.alice, 'submit', [posted.id, digest, 500, ''], claimed.timestamp + 499), iface, 'SecondsExceedElapsed', [500n, 499n]);
    await expectRevert(f.send(f.alice, 'submit', [posted.id, digest, 601, ''], claimed.timestamp + 700), iface, 'SecondsExceedMaxDuration', [601n, 600n]);
    await expectRevert(f.send(f.alice, 'submit', [posted.id, digest, 1, ''], posted.runBy + 1), iface, 'RunDeadlinePassed', [posted.id, posted.runBy]);
  });

  it('refuses a replayed commitment even if the job were ever back in Claimed (harness forces it)', async () => {
    const a = testArtifacts();
    const harness = await deployMarket(f.chain, { market: a.RigShiftMarketHarness, token: a.TestUSD });
    const posted = await harness.post();
    await harness.stake(harness.alice);
    const claimed = await harness.send(harness.alice, 'claim', [posted.id, 1_000_000n]);
    const first = await harness.send(harness.alice, 'submit', [posted.id, digest, 10, ''], claimed.timestamp + 10);
    const commitment = first.events[0]?.args.commitment as string;
    await harness.send(harness.deployer, 'forceState', [posted.id, State.Claimed]);
    await expectRevert(harness.send(harness.alice, 'submit', [posted.id, digest, 10, '']), harness.market.interface, 'CommitmentAlreadyUsed', [commitment]);
    // A different digest for the same attempt is a different commitment and goes through.
    await harness.send(harness.alice, 'submit', [posted.id, keccak256('0x99'), 10, '']);
  });
});

describe('accept and finalize', () => {
  async function submitted(ask: bigint, billed: number, maxPricePerHour = 2_000_000n) {
    const posted = await f.post({ maxPricePerHour, maxDurationSeconds: 3600 });
    await f.stake(f.alice);
    const claimed = await f.send(f.alice, 'claim', [posted.id, ask]);
    const sent = await f.send(f.alice, 'submit', [posted.id, digest, billed, 'uri'], claimed.timestamp + billed);
    return { posted, submittedAt: sent.timestamp };
  }

  it('accept pays ask × billed time minus the fee, refunds the rest and unlocks the stake', async () => {
    const { posted } = await submitted(1_234_567n, 1001);
    const gross = grossFor(1_234_567n, 1001, posted.escrow); // 343_278.2… → 343_278 (toward the requester)
    expect(gross).toBe(343_278n);
    const fee = feeFor(gross);
    const iface = errors();
    await expectRevert(f.send(f.alice, 'accept', [posted.id]), iface, 'NotRequester', [posted.id, await f.address(f.alice)]);
    const sent = await f.send(f.requester, 'accept', [posted.id]);
    expect(sent.events[0]?.args.toObject()).toEqual({
      id: posted.id,
      provider: await f.address(f.alice),
      requester: await f.address(f.requester),
      gross,
      fee,
      refund: posted.escrow - gross,
      byRequester: true,
    });
    expect(await f.account('credit', f.alice)).toBe(gross - fee);
    expect(await f.account('credit', f.feeRecipient)).toBe(fee);
    expect(await f.account('credit', f.requester)).toBe(posted.escrow - gross);
    expect(await f.account('freeStake', f.alice)).toBe(MIN_STAKE);
    expect(await f.account('lockedStake', f.alice)).toBe(0n);
    expect(await f.job(posted.id)).toMatchObject({ state: State.Settled, escrow: 0n });
    await expectRevert(f.send(f.requester, 'accept', [posted.id]), iface, 'NotSubmitted', [posted.id, State.Settled]);
    await expectRevert(f.send(f.requester, 'finalize', [posted.id]), iface, 'NotSubmitted', [posted.id, State.Settled]);
  });

  it('finalize is open to anyone only after the challenge window', async () => {
    const { posted, submittedAt } = await submitted(2_000_000n, 3600);
    const iface = errors();
    const endsAt = submittedAt + CHALLENGE_WINDOW;
    await expectRevert(f.send(f.carol, 'finalize', [posted.id], endsAt), iface, 'ChallengeWindowOpen', [posted.id, endsAt]);
    const sent = await f.send(f.carol, 'finalize', [posted.id], endsAt + 1);
    // Full price for the full duration: exactly the escrow, nothing refunded.
    expect(sent.events[0]?.args.toObject()).toMatchObject({ gross: posted.escrow, fee: feeFor(posted.escrow), refund: 0n, byRequester: false });
    expect(await f.account('credit', f.requester)).toBe(0n);
  });

  it('refuses accept on a job that was never submitted', async () => {
    const posted = await f.post();
    await expectRevert(f.send(f.requester, 'accept', [posted.id]), errors(), 'NotSubmitted', [posted.id, State.Open]);
  });
});

describe('refund', () => {
  it('returns the escrow of an unclaimed job after claimBy, to anyone calling', async () => {
    const posted = await f.post();
    const iface = errors();
    await expectRevert(f.send(f.carol, 'refund', [posted.id], posted.claimBy), iface, 'RefundTooEarly', [posted.id, posted.claimBy]);
    const sent = await f.send(f.carol, 'refund', [posted.id], posted.claimBy + 1);
    expect(sent.events[0]?.args.toObject()).toEqual({
      id: posted.id,
      requester: await f.address(f.requester),
      provider: ZeroAddress,
      amount: posted.escrow,
      slashed: 0n,
    });
    expect(await f.account('credit', f.requester)).toBe(posted.escrow);
    await expectRevert(f.send(f.carol, 'refund', [posted.id]), iface, 'NotRefundable', [posted.id, State.Refunded]);
    await expectRevert(f.send(f.alice, 'claim', [posted.id, 1n]), iface, 'NotOpen', [posted.id, State.Refunded]);
  });

  it('slashes a no-show: after runBy the requester gets the escrow plus the claimer\'s stake (claim sniping costs minStake)', async () => {
    const posted = await f.post();
    await f.stake(f.alice);
    await f.send(f.alice, 'claim', [posted.id, 1_000_000n]);
    const iface = errors();
    await expectRevert(f.send(f.carol, 'refund', [posted.id], posted.runBy), iface, 'RefundTooEarly', [posted.id, posted.runBy]);
    // The sniper can no longer submit or release once the run deadline passed.
    await expectRevert(f.send(f.alice, 'submit', [posted.id, digest, 1, ''], posted.runBy + 1), iface, 'RunDeadlinePassed', [posted.id, posted.runBy]);
    const sent = await f.send(f.carol, 'refund', [posted.id]);
    expect(sent.events[0]?.args.toObject()).toMatchObject({ provider: await f.address(f.alice), amount: posted.escrow, slashed: MIN_STAKE });
    expect(await f.account('credit', f.requester)).toBe(posted.escrow + MIN_STAKE);
    expect(await f.account('lockedStake', f.alice)).toBe(0n);
    expect(await f.account('freeStake', f.alice)).toBe(0n);
  });

  it('refuses a submitted job (it settles instead) and an unknown one', async () => {
    const posted = await f.post();
    await f.stake(f.alice);
    const claimed = await f.send(f.alice, 'claim', [posted.id, 1_000_000n]);
    await f.send(f.alice, 'submit', [posted.id, digest, 5, ''], claimed.timestamp + 5);
    await expectRevert(f.send(f.carol, 'refund', [posted.id], posted.runBy + 10), errors(), 'NotRefundable', [posted.id, State.Submitted]);
    await expectRevert(f.send(f.carol, 'refund', [42n]), errors(), 'NotRefundable', [42n, State.None]);
  });
});

describe('release (preemptible jobs)', () => {
  it('pays time served, reopens the job for others with a fresh claim window, and the next provider is capped by what is left', async () => {
    const posted = await f.post({ preemptible: true, maxPricePerHour: 3_600_000n, maxDurationSeconds: 3600, claimIn: 60, runSlack: 4000 });
    await f.stake(f.alice);
    await f.stake(f.bob);
    const claimed = await f.send(f.alice, 'claim', [posted.id, 3_600_000n]);
    const release = await f.send(f.alice, 'release', [posted.id, 1800], claimed.timestamp + 1900);
    const gross = 1_800_000n;
    const fee = feeFor(gross);
    expect(release.events.map((e) => e.name)).toEqual(['JobReleased']);
    expect(release.events[0]?.args.toObject()).toEqual({
      id: posted.id,
      provider: await f.address(f.alice),
      servedSeconds: 1800n,
      gross,
      fee,
      reopened: true,
    });
    expect(await f.job(posted.id)).toMatchObject({
      state: State.Open,
      provider: ZeroAddress,
      ask: 0n,
      escrow: posted.escrow - gross,
      claimBy: BigInt(release.timestamp + REOPEN_CLAIM_WINDOW),
      attempt: 1n,
    });
    expect(await f.account('credit', f.alice)).toBe(gross - fee);
    expect(await f.account('freeStake', f.alice)).toBe(MIN_STAKE);

    // Bob finishes it; the same outputs digest gives a different commitment (other provider, attempt 2).
    const reclaimed = await f.send(f.bob, 'claim', [posted.id, 3_600_000n]);
    expect(reclaimed.events[0]?.args.attempt).toBe(2n);
    const sent = await f.send(f.bob, 'submit', [posted.id, digest, 3600, ''], reclaimed.timestamp + 3600);
    expect((await f.job(posted.id)).commitment).toBe(sent.events[0]?.args.commitment);
    const settled = await f.send(f.requester, 'accept', [posted.id]);
    // Bob billed a full hour at the max price, but only the unspent half of the escrow is left.
    expect(settled.events[0]?.args.toObject()).toMatchObject({ gross: posted.escrow - gross, refund: 0n });
    expect(await f.market.getFunction('usedCommitment')(sent.events[0]?.args.commitment)).toBe(true);
  });

  it('refunds the rest instead of reopening when too little time is left before runBy', async () => {
    const posted = await f.post({ preemptible: true, maxDurationSeconds: 600, claimIn: 60, runSlack: 100 });
    await f.stake(f.alice);
    const claimed = await f.send(f.alice, 'claim', [posted.id, 2_000_000n]);
    // runBy - now == reopenClaimWindow: not strictly less, so no reopening.
    const at = posted.runBy - REOPEN_CLAIM_WINDOW;
    const served = at - claimed.timestamp;
    const sent = await f.send(f.alice, 'release', [posted.id, served], at);
    const gross = grossFor(2_000_000n, served, posted.escrow);
    expect(sent.events.map((e) => e.name)).toEqual(['JobReleased', 'JobRefunded']);
    expect(sent.events[0]?.args.reopened).toBe(false);
    expect(sent.events[1]?.args.toObject()).toMatchObject({ amount: posted.escrow - gross, slashed: 0n, provider: await f.address(f.alice) });
    expect(await f.job(posted.id)).toMatchObject({ state: State.Refunded, escrow: 0n });
    expect(await f.account('credit', f.requester)).toBe(posted.escrow - gross);
    expect(await f.account('lockedStake', f.alice)).toBe(0n);
  });

  it('refuses non-preemptible jobs, other senders, wrong states, late releases and impossible seconds', async () => {
    const iface = errors();
    const fixed = await f.post();
    await f.stake(f.alice, MIN_STAKE * 2n);
    await f.send(f.alice, 'claim', [fixed.id, 1_000_000n]);
    await expectRevert(f.send(f.alice, 'release', [fixed.id, 0]), iface, 'NotPreemptible', [fixed.id]);

    const job = await f.post({ preemptible: true, maxDurationSeconds: 600 });
    await expectRevert(f.send(f.alice, 'release', [job.id, 0]), iface, 'NotClaimed', [job.id, State.Open]);
    const claimed = await f.send(f.alice, 'claim', [job.id, 1_000_000n]);
    await expectRevert(f.send(f.bob, 'release', [job.id, 0]), iface, 'NotProvider', [job.id, await f.address(f.bob)]);
    await expectRevert(f.send(f.alice, 'release', [job.id, 100], claimed.timestamp + 99), iface, 'SecondsExceedElapsed', [100n, 99n]);
    await expectRevert(f.send(f.alice, 'release', [job.id, 601], claimed.timestamp + 700), iface, 'SecondsExceedMaxDuration', [601n, 600n]);
    await expectRevert(f.send(f.alice, 'release', [job.id, 1], job.runBy + 1), iface, 'RunDeadlinePassed', [job.id, job.runBy]);
  });
});

describe('withdraw', () => {
  it('pays out the whole credit once, by pull', async () => {
    const posted = await f.post();
    await f.send(f.carol, 'refund', [posted.id], posted.claimBy + 1);
    const requester = await f.address(f.requester);
    const before = await f.balanceOf(requester);
    const sent = await f.send(f.requester, 'withdraw');
    expect(sent.events[0]?.args.toObject()).toEqual({ account: requester, amount: posted.escrow });
    expect(await f.balanceOf(requester)).toBe(before + posted.escrow);
    expect(await f.account('credit', requester)).toBe(0n);
    await expectRevert(f.send(f.requester, 'withdraw'), errors(), 'NothingToWithdraw');
  });
});
