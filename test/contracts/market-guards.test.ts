/**
 * The attacks the marketplace must withstand, each proven against the real contract:
 * fee-on-transfer tokens, reentrancy through a hostile token, replayed result commitments and
 * claim sniping.
 */
import { AbiCoder, keccak256 } from 'ethers';
import { beforeAll, describe, expect, it } from 'vitest';
import { MIN_STAKE, type MarketFixture, State, deployMarket, expectRevert, send, startTestChain } from './market-fixture';
import type { TestChain } from './hardhat-chain';
import { testArtifacts } from './test-artifacts';

let chain: TestChain;
beforeAll(async () => {
  chain = await startTestChain();
});

async function marketWith(tokenName: 'FeeOnTransferToken' | 'ReentrantToken' | 'TestUSD'): Promise<MarketFixture> {
  const a = testArtifacts();
  return deployMarket(chain, { market: a.RigShiftMarket, token: a[tokenName] });
}

describe('fee-on-transfer tokens', () => {
  it('are refused on post and on depositStake: the market never escrows more than it received', async () => {
    const f = await marketWith('FeeOnTransferToken');
    const iface = f.market.interface;
    // 1 % burnt in transfer: 2_000_000 sent, 1_980_000 arrive.
    await expectRevert(f.post({ maxPricePerHour: 2_000_000n, maxDurationSeconds: 3600 }), iface, 'FeeOnTransferToken', [2_000_000n, 1_980_000n]);
    await f.fund(f.alice, MIN_STAKE);
    await expectRevert(f.send(f.alice, 'depositStake', [MIN_STAKE]), iface, 'FeeOnTransferToken', [MIN_STAKE, 4_950_000n]);
    expect(await f.balanceOf(await f.market.getAddress())).toBe(0n);
    expect(await f.market.getFunction('nextJobId')()).toBe(1n);
    expect(await f.account('freeStake', f.alice)).toBe(0n);
  });
});

describe('reentrancy', () => {
  // arm/disarm are functions of the hostile token, not of the market.
  const arm = async (f: MarketFixture, call: string, args: unknown[] = []) => {
    const data = f.market.interface.encodeFunctionData(call, args);
    await send(chain, f.deployer, f.token, 'arm', [await f.market.getAddress(), data]);
  };
  const disarm = (f: MarketFixture) => send(chain, f.deployer, f.token, 'disarm', []);

  it('a token calling back into withdraw during a withdrawal is stopped by the guard, and the credit stays intact', async () => {
    const f = await marketWith('ReentrantToken');
    const posted = await f.post();
    await f.send(f.carol, 'refund', [posted.id], posted.claimBy + 1);
    await arm(f, 'withdraw');
    await expectRevert(f.send(f.requester, 'withdraw'), f.market.interface, 'ReentrancyGuardReentrantCall');
    expect(await f.account('credit', f.requester)).toBe(posted.escrow);
    await disarm(f);
    await f.send(f.requester, 'withdraw');
    expect(await f.balanceOf(await f.address(f.requester))).toBe(posted.escrow);
  });

  it('re-entry during post (transferFrom) and withdrawStake (transfer) is stopped too', async () => {
    const f = await marketWith('ReentrantToken');
    await f.stake(f.alice, MIN_STAKE);
    await arm(f, 'withdrawStake', [1n]);
    await expectRevert(f.send(f.alice, 'withdrawStake', [MIN_STAKE]), f.market.interface, 'ReentrancyGuardReentrantCall');
    await arm(f, 'depositStake', [1n]);
    await expectRevert(f.post(), f.market.interface, 'ReentrancyGuardReentrantCall');
    await disarm(f);
    expect(await f.account('freeStake', f.alice)).toBe(MIN_STAKE);
    expect(await f.market.getFunction('nextJobId')()).toBe(1n);
  });
});

describe('replayed commitments', () => {
  it('the same outputs digest yields a different commitment for another job, provider or attempt; a settled job cannot be submitted again', async () => {
    const f = await marketWith('TestUSD');
    const digest = keccak256('0xabcdef');
    await f.stake(f.alice, MIN_STAKE * 3n);
    await f.stake(f.bob);
    const one = await f.post({ preemptible: true, claimIn: 60, runSlack: 4000 });
    const two = await f.post();

    const c1 = await f.send(f.alice, 'claim', [one.id, 1_000_000n]);
    await f.send(f.alice, 'release', [one.id, 10], c1.timestamp + 10);
    const c2 = await f.send(f.bob, 'claim', [one.id, 1_000_000n]);
    const byBob = await f.send(f.bob, 'submit', [one.id, digest, 5, 'r'], c2.timestamp + 5);
    const c3 = await f.send(f.alice, 'claim', [two.id, 1_000_000n]);
    const byAlice = await f.send(f.alice, 'submit', [two.id, digest, 5, 'r'], c3.timestamp + 5);

    const commitment = (sent: typeof byBob) => sent.events[0]?.args.commitment as string;
    expect(commitment(byBob)).not.toBe(commitment(byAlice));
    const market = await f.market.getAddress();
    const encode = (id: bigint, who: string, attempt: bigint) =>
      keccak256(AbiCoder.defaultAbiCoder().encode(['uint256', 'address', 'uint256', 'address', 'uint32', 'bytes32'], [31337n, market, id, who, attempt, digest]));
    expect(commitment(byBob)).toBe(encode(one.id, await f.address(f.bob), 2n));
    // Alice's own attempt 1 on job one with the same digest would have been yet another commitment.
    expect(encode(one.id, await f.address(f.alice), 1n)).not.toBe(commitment(byBob));

    // Replaying Bob's submission (same job, provider, attempt, digest) is refused.
    await expectRevert(f.send(f.bob, 'submit', [one.id, digest, 5, 'r']), f.market.interface, 'NotClaimed', [one.id, State.Submitted]);
    await f.send(f.requester, 'accept', [one.id]);
    await expectRevert(f.send(f.bob, 'submit', [one.id, digest, 5, 'r']), f.market.interface, 'NotClaimed', [one.id, State.Settled]);
  });
});

describe('claim sniping', () => {
  it('costs the sniper its stake: one claim locks minStake, a second needs more stake, and a no-show is slashed to the requester', async () => {
    const f = await marketWith('TestUSD');
    await f.stake(f.carol);
    const a = await f.post();
    const b = await f.post();
    await f.send(f.carol, 'claim', [a.id, 1n]);
    await expectRevert(f.send(f.carol, 'claim', [b.id, 1n]), f.market.interface, 'InsufficientFreeStake', [0n, MIN_STAKE]);
    await expectRevert(f.send(f.carol, 'withdrawStake', [1n]), f.market.interface, 'InsufficientFreeStake', [0n, 1n]);
    await f.send(f.alice, 'refund', [a.id], a.runBy + 1);
    expect(await f.account('credit', f.requester)).toBe(a.escrow + MIN_STAKE);
    expect((await f.account('freeStake', f.carol)) + (await f.account('lockedStake', f.carol))).toBe(0n);
    // The job the sniper blocked is refunded to the requester too (b stayed open and expired).
    await f.send(f.alice, 'refund', [b.id]);
    expect(await f.account('credit', f.requester)).toBe(a.escrow + MIN_STAKE + b.escrow);
  });
});
