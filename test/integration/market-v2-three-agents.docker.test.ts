/**
 * Market v2 end to end (issue 12, Deliver 5): three shipped `rigshift headless` agents (floors
 * 0.10, 0.12 and 0.15 USD/h, each its own data dir and devnet account) on ONE v2 devnet, real
 * Docker containers (a busybox image built locally), requesters using the requester code
 * (requester/market-v2-requester.ts), and a harness account (#5) using the contract directly:
 *  (a) an auction: the 0.10 bidder wins, is paid 0.12/h, the losers' bonds come back;
 *  (b) a 2-replica job where the harness reveals a wrong digest: a tiebreak round, the cheater
 *      slashed to the requester, both honest agents paid;
 *  (c) a dispute of an agent's honest result: an agent verifies, the requester loses its bond;
 *  (d) a dispute of the harness's garbage result: an agent verifies, the harness's stake goes
 *      to the requester, the verifier is paid, the escrow comes back;
 *  (e) release-drain and claim/release(0) on preemptible jobs: nothing paid, the same account
 *      cannot take the job again, and an agent takes and finishes it.
 * Every check reads chain state (events, credits and stakes at the block that moved them) or
 * what the agents answer through their API. Bid windows are long (90 s) so every agent bids on a
 * loaded machine; the test moves chain time past a window only once the bids it expects are on
 * chain (evm_increaseTime). No timed assertions.
 */
import { hexlify, keccak256, randomBytes, toUtf8Bytes, ZeroHash } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeMarketV2Revert } from '../../electron/agent/chain/market-v2-errors';
import type { V2BookJob, V2BookSlot } from '../../electron/agent/market-v2/v2-book';
import type { V2JobEvent } from '../../electron/agent/market-v2/v2-events';
import { commitmentOf } from '../../electron/agent/market-v2/v2-provider-loop';
import { acceptV2Job, disputeV2Job, reputationOf, v2RunCost } from '../../electron/agent/requester/market-v2-requester';
import type { MarketJobDetail } from '../../shared/domain/market';
import { cliBundle } from '../helpers/cli';
import { busyboxAvailable } from '../helpers/job-images';
import { dockerEngine, fileExists, need } from '../helpers/requirements';
import { startThreeAgentMarket, TEST_DURATION, type ThreeAgentMarket, type V2Harness, type V2TestAgent } from '../helpers/v2-harness';

const ready = need(fileExists(cliBundle, 'npm run build')) && need(dockerEngine()) && need(busyboxAvailable());

const FLOORS = [100_000n, 120_000n, 150_000n];
const MAX_PRICE = 200_000n;
/** The devnet's market parameters (devnet/deploy-devnet.ts): 5 tUSD stake, 1 % fee. */
const MIN_STAKE = 5_000_000n;
const FEE_BPS = 100n;
/**
 * The harness races the agents as they race each other: its estimate is taken before their
 * calls are mined, and its reveal may turn out to be the one that settles the round (the
 * agent's own floors, v2-wallet-send.ts). Seen in a run: the harness's reveal ran out of gas.
 */
const RACE_GAS = { gasLimit: 500_000n };
/** The contract's pricing: price × billed seconds / 3600, rounded down; the fee on that. */
const grossOf = (price: bigint, seconds: number | null) => (price * BigInt(seconds ?? 0)) / 3600n;
const feeOf = (gross: bigint) => (gross * FEE_BPS) / 10_000n;
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

describe.skipIf(!ready)('market v2: three headless agents, a harness and requesters on one devnet (Docker)', () => {
  let m: ThreeAgentMarket;
  let harness: V2Harness;
  let A: V2TestAgent;
  let B: V2TestAgent;
  let C: V2TestAgent;

  beforeAll(async () => {
    m = await startThreeAgentMarket(FLOORS);
    [A, B, C] = m.agents as [V2TestAgent, V2TestAgent, V2TestAgent];
    harness = await m.harness(5, 4n * MIN_STAKE);
  }, 400_000);

  afterAll(async () => {
    await m?.stop();
  });

  const job = async (id: bigint) => (await m.show(id)).book;
  const eventOf = <K extends V2JobEvent['kind']>(j: V2BookJob, kind: K) => j.events.find((e): e is Extract<V2JobEvent, { kind: K }> => e.kind === kind);
  const slotOf = (j: V2BookJob, who: { address: string }, roundNo?: number) => j.slots.find((s) => same(s.provider, who.address) && (roundNo === undefined || s.roundNo === roundNo));
  const detail = (agent: V2TestAgent, id: bigint) => agent.api<MarketJobDetail>('getMarketJob', { chainJobId: id.toString() });
  const lockedAt = async (who: string, block: number) => (await m.market.getFunction('lockedStake')(who, { blockTag: block })) as bigint;

  /** Waits for a bid from each of `bidders` in round `roundNo`, checks their asks, moves past the window, waits for the award. */
  async function auctionOf(id: bigint, roundNo: number, bidders: Array<{ address: string; ask: bigint }>) {
    const open = await m.waitFor(`bids of ${bidders.length} bidders on job ${id} round ${roundNo}`, async () => {
      const j = await job(id);
      const auction = j.auctions.find((a) => a.roundNo === roundNo);
      return auction && bidders.every((b) => auction.bids.some((x) => same(x.provider, b.address))) && auction;
    });
    for (const b of bidders) expect(open.bids.find((x) => same(x.provider, b.address))?.ask).toBe(b.ask);
    await m.advancePast(open.bidEnds);
    // The agents award it (any bidder may, once the window closed).
    return m.waitFor(`the award of job ${id} round ${roundNo}`, async () => {
      const j = await job(id);
      const auction = j.auctions.find((a) => a.roundNo === roundNo);
      return auction?.pricePerHour != null && { job: j, auction };
    });
  }

  const stateIs = (id: bigint, what: string, check: (j: V2BookJob) => boolean) => m.waitFor(what, async () => {
    const j = await job(id);
    return check(j) && j;
  });

  const slotState = (id: bigint, who: { address: string }, state: V2BookSlot['state'], roundNo?: number) =>
    m.waitFor(`${who.address} slot on job ${id} to be ${state}`, async () => {
      const s = slotOf(await job(id), who, roundNo);
      return s?.state === state && s;
    });

  async function expectBarred(id: bigint) {
    const error = await harness.market.getFunction('bid').staticCall(id, 1n).then(() => null, (e: unknown) => e);
    expect(describeMarketV2Revert(error)?.name).toBe('Barred');
  }

  it('(a) asks 0.10, 0.12 and 0.15: the 0.10 agent wins, is paid 0.12/h for its billed seconds, the losers\' bonds come back', async () => {
    const requester = m.requester(1);
    const id = await m.post(requester, { maxPrice: MAX_PRICE });
    const { job: awarded, auction } = await auctionOf(id, 1, [
      { address: A.address, ask: 100_000n },
      { address: B.address, ask: 120_000n },
      { address: C.address, ask: 150_000n },
    ]);
    expect(auction.pricePerHour).toBe(120_000n);
    expect(auction.winners.map((w) => w.toLowerCase())).toEqual([A.address.toLowerCase()]);
    const closed = eventOf(awarded, 'auctionClosed')!;
    for (const loser of [B, C]) {
      expect(await lockedAt(loser.address, closed.blockNumber - 1)).toBe(MIN_STAKE);
      expect(await lockedAt(loser.address, closed.blockNumber)).toBe(0n);
    }

    await stateIs(id, 'the result of job (a) submitted', (j) => j.state === 'submitted');
    await acceptV2Job(requester, m.devnet.marketAddress, id);
    const paid = await slotState(id, A, 'paid');
    expect(paid.billedSeconds).toBeGreaterThan(0);
    expect(paid.gross).toBe(grossOf(120_000n, paid.billedSeconds));
    expect(paid.fee).toBe(feeOf(paid.gross!));
    const paidAt = eventOf(await job(id), 'slotPaid')!.blockNumber;
    expect(await m.creditGained(A.address, paidAt)).toBe(paid.gross! - paid.fee!);

    // What each agent reports: won at 0.12 with its ask 0.10; the others lost with theirs.
    const views = await Promise.all([A, B, C].map((agent) => detail(agent, id)));
    expect(views.map((v) => v.v2?.auction?.outcome)).toEqual(['won', 'lost', 'lost']);
    expect(views.map((v) => v.v2?.auction?.ourAskMicros)).toEqual(['100000', '120000', '150000']);
    expect(views.map((v) => v.v2?.auction?.pricePaidMicros)).toEqual(['120000', '120000', '120000']);
    expect(views[0]!.mine?.state).toBe('settled');
    expect(views[0]!.mine?.grossMicros).toBe(paid.gross!.toString());
    expect(views[1]!.mine?.state).toBe('lost-to-other');
  }, 400_000);

  it('(b) a replica that reveals a wrong digest: a tiebreak, the cheater slashed to the requester, the honest agents paid', async () => {
    const requester = m.requester(2);
    const id = await m.post(requester, { maxPrice: MAX_PRICE, replicas: 2 });
    await harness.mined(harness.market.getFunction('bid')(id, 50_000n, RACE_GAS));
    const { auction } = await auctionOf(id, 1, [
      { address: harness.address, ask: 50_000n },
      { address: A.address, ask: 100_000n },
      { address: B.address, ask: 120_000n },
      { address: C.address, ask: 150_000n },
    ]);
    expect(auction.pricePerHour).toBe(120_000n);
    const cheatSlot = slotOf(await job(id), harness)!;
    expect(slotOf(await job(id), A)).toBeDefined();

    await slotState(id, A, 'committed');
    const wrong = keccak256(toUtf8Bytes('garbage'));
    const salt = hexlify(randomBytes(32));
    await harness.mined(harness.market.getFunction('commit')(id, cheatSlot.slot, commitmentOf(wrong, salt, harness.address), 1));
    await harness.mined(harness.market.getFunction('reveal')(id, cheatSlot.slot, wrong, salt, RACE_GAS));
    // The agent reveals its own digest once both committed; the disagreement opens a tiebreak.
    const tiebreak = await stateIs(id, 'the tiebreak round of job (b)', (j) => j.round === 'tiebreak');
    const honestDigest = slotOf(tiebreak, A)!.outputsDigest;
    expect(honestDigest).toMatch(/^0x[0-9a-f]{64}$/);
    expect(honestDigest).not.toBe(wrong);
    await expectBarred(id);

    const round2 = await auctionOf(id, 2, [
      { address: B.address, ask: 120_000n },
      { address: C.address, ask: 150_000n },
    ]);
    expect(round2.auction.pricePerHour).toBe(150_000n);
    const settled = await stateIs(id, 'job (b) settled', (j) => j.state === 'settled');
    const a = slotOf(settled, A)!;
    const b = slotOf(settled, B)!;
    const cheat = slotOf(settled, harness)!;
    expect(b.outputsDigest).toBe(honestDigest);
    expect((await m.delivered(id)).digest).toBe(honestDigest);
    expect([a.state, b.state, cheat.state]).toEqual(['paid', 'paid', 'slashed']);
    expect(a.gross).toBe(grossOf(120_000n, a.billedSeconds));
    expect(b.gross).toBe(grossOf(150_000n, b.billedSeconds));
    expect(cheat.slashed).toBe(MIN_STAKE);
    // The settling reveal credited the requester the cheater's stake and the escrow's rest; the cheater nothing.
    const end = eventOf(settled, 'settled')!;
    expect(end.refund).toBe(settled.escrowPosted - a.gross! - b.gross!);
    expect(await m.creditGained(await requester.getAddress(), end.blockNumber)).toBe(MIN_STAKE + end.refund);
    expect(await m.creditGained(harness.address, end.blockNumber)).toBe(0n);
    expect((await reputationOf(m.rpc, m.devnet.marketAddress, harness.address)).provider.slashes).toBe(1);

    const [viewA, viewB] = await Promise.all([detail(A, id), detail(B, id)]);
    expect([viewA.mine?.state, viewB.mine?.state]).toEqual(['settled', 'settled']);
    expect(viewA.v2?.replicas).toMatchObject({ agreed: 2, slashed: 1 });
  }, 400_000);

  it('(c) a dispute of an honest result: an agent verifies, the result stands, the requester loses its bond', async () => {
    const requester = m.requester(3);
    const requesterAddress = await requester.getAddress();
    const id = await m.post(requester, { maxPrice: MAX_PRICE });
    await auctionOf(id, 1, [
      { address: A.address, ask: 100_000n },
      { address: B.address, ask: 120_000n },
      { address: C.address, ask: 150_000n },
    ]);
    await stateIs(id, 'the result of job (c) submitted', (j) => j.state === 'submitted');
    const { bondMicros } = await disputeV2Job(requester, m.devnet.marketAddress, id);
    expect(bondMicros).toBe(v2RunCost(MAX_PRICE, TEST_DURATION));

    // The verifier round: the disputed agent may not take it; the two others bid.
    const verify = await auctionOf(id, 2, [
      { address: B.address, ask: 120_000n },
      { address: C.address, ask: 150_000n },
    ]);
    expect(verify.job.round).toBe('verify');
    expect(verify.auction.pricePerHour).toBe(150_000n);
    const resolved = await stateIs(id, 'the dispute of job (c) resolved', (j) => j.dispute?.outcome !== 'open' && j.state === 'settled');
    expect(resolved.dispute?.outcome).toBe('upheld');
    const a = slotOf(resolved, A)!;
    const v = slotOf(resolved, B, 2)!;
    expect(v.outputsDigest).toBe(a.outputsDigest);
    // Both ran the container: the digest they revealed is the digest of the files the requester received.
    const uploaded = await m.delivered(id);
    expect(uploaded.files.map((f) => f.name)).toEqual(['result.txt']);
    expect(a.outputsDigest).toBe(uploaded.digest);
    expect(a.gross).toBe(grossOf(120_000n, a.billedSeconds));
    expect(v.gross).toBe(grossOf(150_000n, v.billedSeconds));
    const at = eventOf(resolved, 'disputeResolved')!.blockNumber;
    // The provider: its pay plus what the bond leaves after the verifier; the verifier: from the bond; the requester: the escrow's rest only.
    expect(await m.creditGained(A.address, at)).toBe(a.gross! - a.fee! + (bondMicros - v.gross!));
    expect(await m.creditGained(B.address, at)).toBe(v.gross! - v.fee!);
    expect(await m.creditGained(requesterAddress, at)).toBe(resolved.escrowPosted - a.gross!);
    expect((await reputationOf(m.rpc, m.devnet.marketAddress, requesterAddress)).requester.disputesLost).toBe(1);

    const [viewA, viewB] = await Promise.all([detail(A, id), detail(B, id)]);
    expect(viewA.v2?.verification.dispute).toBe('upheld');
    expect([viewA.mine?.state, viewB.mine?.state]).toEqual(['settled', 'settled']);
  }, 400_000);

  it('(d) garbage from the harness, disputed: an agent verifies, the harness\'s stake goes to the requester, the verifier is paid, the escrow comes back', async () => {
    const requester = m.requester(9);
    const requesterAddress = await requester.getAddress();
    const id = await m.post(requester, { maxPrice: MAX_PRICE });
    await harness.mined(harness.market.getFunction('bid')(id, 1n, RACE_GAS));
    const { auction } = await auctionOf(id, 1, [
      { address: harness.address, ask: 1n },
      { address: A.address, ask: 100_000n },
      { address: B.address, ask: 120_000n },
      { address: C.address, ask: 150_000n },
    ]);
    expect(auction.pricePerHour).toBe(100_000n);
    const cheatSlot = slotOf(await job(id), harness)!;
    await m.advancePast(await m.chainTime());
    const garbage = keccak256(toUtf8Bytes('garbage'));
    const salt = hexlify(randomBytes(32));
    await harness.mined(harness.market.getFunction('commit')(id, cheatSlot.slot, commitmentOf(garbage, salt, harness.address), 1));
    const { bondMicros } = await disputeV2Job(requester, m.devnet.marketAddress, id);

    await auctionOf(id, 2, [
      { address: A.address, ask: 100_000n },
      { address: B.address, ask: 120_000n },
      { address: C.address, ask: 150_000n },
    ]);
    // Once the verifier committed, the disputed provider may reveal: the harness reveals its garbage.
    await m.waitFor('the verifier (agent A) to commit', async () => {
      const state = slotOf(await job(id), A, 2)?.state;
      return state === 'committed' || state === 'revealed';
    });
    await harness.mined(harness.market.getFunction('reveal')(id, cheatSlot.slot, garbage, salt, RACE_GAS));
    const resolved = await stateIs(id, 'the dispute of job (d) resolved', (j) => j.state === 'settled');
    expect(resolved.dispute?.outcome).toBe('rejected');
    const cheat = slotOf(resolved, harness)!;
    const v = slotOf(resolved, A, 2)!;
    expect(cheat.state).toBe('slashed');
    expect(cheat.slashed).toBe(MIN_STAKE);
    expect(v.state).toBe('paid');
    expect(v.gross).toBe(grossOf(120_000n, v.billedSeconds));
    const end = eventOf(resolved, 'settled')!;
    expect(end.refund).toBe(resolved.escrowPosted - v.gross!);
    expect(await m.creditGained(requesterAddress, end.blockNumber)).toBe(MIN_STAKE + bondMicros + end.refund);
    expect(await m.creditGained(harness.address, end.blockNumber)).toBe(0n);
    expect(await m.creditGained(A.address, end.blockNumber)).toBe(v.gross! - v.fee!);

    const viewA = await detail(A, id);
    expect(viewA.v2?.verification.dispute).toBe('rejected');
    expect(viewA.mine?.state).toBe('settled');
  }, 400_000);

  /** The harness wins a preemptible job's first round and gives it back with `served` seconds and no checkpoint. */
  async function releasedByHarness(requesterAccount: number, served: number) {
    const requester = m.requester(requesterAccount);
    const id = await m.post(requester, { maxPrice: MAX_PRICE, preemptible: true });
    await harness.mined(harness.market.getFunction('bid')(id, 1n, RACE_GAS));
    await auctionOf(id, 1, [
      { address: harness.address, ask: 1n },
      { address: A.address, ask: 100_000n },
      { address: B.address, ask: 120_000n },
      { address: C.address, ask: 150_000n },
    ]);
    const slot = slotOf(await job(id), harness)!;
    // "Wait": chain time moves on as if the harness served `served` seconds.
    if (served > 0) await m.advancePast((await m.chainTime()) + served);
    const at = await harness.mined(harness.market.getFunction('release')(id, slot.slot, served, ZeroHash));
    expect(await m.creditGained(harness.address, at)).toBe(0n);
    expect(await lockedAt(harness.address, at)).toBe((await lockedAt(harness.address, at - 1)) - MIN_STAKE);
    const reopened = await job(id);
    expect(reopened.state).toBe('open');
    expect(reopened.roundNo).toBe(2);
    expect(slotOf(reopened, harness)?.state).toBe('released');
    // The same account can never take it again.
    await expectBarred(id);
    return { requester, id };
  }

  /** An agent takes the reopened job, runs it, and is paid once the requester accepts; the harness got nothing. */
  async function agentFinishes(requester: ReturnType<ThreeAgentMarket['requester']>, id: bigint) {
    const { auction } = await auctionOf(id, 2, [
      { address: A.address, ask: 100_000n },
      { address: B.address, ask: 120_000n },
      { address: C.address, ask: 150_000n },
    ]);
    expect(auction.winners.map((w) => w.toLowerCase())).toEqual([A.address.toLowerCase()]);
    await stateIs(id, `the result of job ${id} submitted`, (j) => j.state === 'submitted');
    await acceptV2Job(requester, m.devnet.marketAddress, id);
    const done = await stateIs(id, `job ${id} settled`, (j) => j.state === 'settled');
    const paid = done.events.filter((e): e is Extract<V2JobEvent, { kind: 'slotPaid' }> => e.kind === 'slotPaid');
    expect(paid.map((p) => p.provider.toLowerCase())).toEqual([A.address.toLowerCase()]);
    expect(paid[0]!.gross).toBe(grossOf(120_000n, slotOf(done, A)!.billedSeconds));
    expect((await detail(A, id)).mine?.state).toBe('settled');
  }

  it('(e) release-drain: served time given back without a checkpoint pays nothing, the same account cannot re-take it, an agent finishes it', async () => {
    const { requester, id } = await releasedByHarness(8, 60);
    await agentFinishes(requester, id);
  }, 400_000);

  it('(e) claim then release(0): nothing paid, the same account cannot re-take it, the job goes back to the market and an agent takes it', async () => {
    const { requester, id } = await releasedByHarness(8, 0);
    await agentFinishes(requester, id);
    expect((await reputationOf(m.rpc, m.devnet.marketAddress, harness.address)).provider.releases).toBe(2);
  }, 400_000);

  it('no agent lost gas to a bid, commit or reveal that reverted (three agents racing for the same rounds)', async () => {
    const agents = new Set(m.agents.map((a) => a.address.toLowerCase()));
    const watched = new Set(['bid', 'commit', 'reveal'].map((name) => m.market.interface.getFunction(name)!.selector));
    const reverted: string[] = [];
    let sent = 0;
    const head = await m.rpc.getBlockNumber();
    for (let n = 1; n <= head; n++) {
      const block = await m.rpc.getBlock(n, true);
      for (const tx of block?.prefetchedTransactions ?? []) {
        if (!agents.has(tx.from.toLowerCase()) || !watched.has(tx.data.slice(0, 10))) continue;
        sent++;
        const receipt = await m.rpc.getTransactionReceipt(tx.hash);
        if (receipt?.status !== 1) reverted.push(`${m.market.interface.parseTransaction(tx)?.name} by ${tx.from} in block ${n}`);
      }
    }
    expect(sent).toBeGreaterThan(30);
    expect(reverted).toEqual([]);
  }, 120_000);
});
