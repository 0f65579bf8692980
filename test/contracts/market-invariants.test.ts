/**
 * Property test over random sequences of every market call, by several requesters and
 * providers, with time jumps, on the real contract. A small reference model (the spec in
 * executable form) predicts whether each call must succeed; after every step the chain must
 * agree with the model and:
 *  - tokens are conserved: market balance == remaining escrows + credits + free + locked stake,
 *    and withdrawn + market balance == deposited;
 *  - no one is paid twice: a job ends (Settled/Refunded) at most once, and what it paid out
 *    (gross to providers + refunds to the requester) never exceeds, and at the end equals, its escrow;
 *  - every job has a path to settle: after its deadlines, refund/finalize ends every open job,
 *    and then everyone can withdraw everything, leaving the market empty.
 */
import fc from 'fast-check';
import type { JsonRpcSigner } from 'ethers';
import { keccak256, toBeHex } from 'ethers';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CHALLENGE_WINDOW,
  FEE_BPS,
  MIN_STAKE,
  type MarketFixture,
  REOPEN_CLAIM_WINDOW,
  type Sent,
  State,
  deployMarket,
  send,
  startTestChain,
} from './market-fixture';
import { testArtifacts } from './test-artifacts';

const RUNS = Number(process.env.MARKET_FUZZ_RUNS ?? 40);
const INITIAL_STAKE = 2n * MIN_STAKE;

interface ModelJob {
  id: bigint;
  requester: number;
  provider: number | null;
  maxPrice: bigint;
  ask: bigint;
  escrow: bigint;
  originalEscrow: bigint;
  claimBy: number;
  runBy: number;
  claimedAt: number;
  submittedAt: number;
  duration: number;
  billed: number;
  attempt: number;
  preemptible: boolean;
  state: bigint;
  /** Paid out so far (gross to providers + refunds to the requester), from events. */
  paidOut: bigint;
  endings: number;
}

type Action =
  | { kind: 'post'; who: number; price: number; duration: number; claimIn: number; runSlack: number; preemptible: boolean }
  | { kind: 'depositStake'; who: number; amount: number }
  | { kind: 'withdrawStake'; who: number; percent: number }
  | { kind: 'claim'; who: number; job: number; askPercent: number }
  | { kind: 'submit'; job: number; percent: number; byOther: boolean; seed: number }
  | { kind: 'release'; job: number; percent: number; byOther: boolean }
  | { kind: 'accept'; job: number; byOther: boolean }
  | { kind: 'finalize'; job: number }
  | { kind: 'refund'; job: number }
  | { kind: 'withdraw'; who: number }
  | { kind: 'jump'; seconds: number }
  /** The next plausible step for a job (claim, submit or release, accept or finalize): keeps runs deep. */
  | { kind: 'advance'; job: number; who: number; percent: number; choice: number };

// Actors: requesters 0-1, providers 2-4, the fee recipient 5 (only withdraws), 6 = bystander.
const REQUESTERS = [0, 1];
const PROVIDERS = [2, 3, 4];
const FEE = 5;
const BYSTANDER = 6;

const pick = <T,>(list: readonly T[]) => fc.nat({ max: list.length - 1 }).map((i) => list[i]!);
const jobIndex = fc.nat({ max: 3 }); // few jobs per run, so calls often hit the same job
const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('post' as const), who: pick(REQUESTERS), price: fc.integer({ min: 1, max: 5_000_000 }), duration: fc.integer({ min: 1, max: 7200 }), claimIn: fc.integer({ min: 1, max: 3000 }), runSlack: fc.integer({ min: 0, max: 3000 }), preemptible: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('depositStake' as const), who: pick(PROVIDERS), amount: fc.integer({ min: 0, max: 3 * Number(MIN_STAKE) }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('withdrawStake' as const), who: pick(PROVIDERS), percent: fc.integer({ min: 0, max: 120 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('claim' as const), who: pick(PROVIDERS), job: jobIndex, askPercent: fc.integer({ min: 0, max: 110 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('submit' as const), job: jobIndex, percent: fc.integer({ min: 0, max: 110 }), byOther: fc.nat({ max: 6 }).map((n) => n === 0), seed: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('release' as const), job: jobIndex, percent: fc.integer({ min: 0, max: 110 }), byOther: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('accept' as const), job: jobIndex, byOther: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('finalize' as const), job: jobIndex }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('refund' as const), job: jobIndex }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('withdraw' as const), who: fc.nat({ max: 6 }) }) },
  { weight: 12, arbitrary: fc.record({ kind: fc.constant('advance' as const), job: jobIndex, who: pick(PROVIDERS), percent: fc.integer({ min: 1, max: 100 }), choice: fc.nat({ max: 3 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('jump' as const), seconds: fc.oneof(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 300, max: 8000 })) }) },
);

let f: MarketFixture;
let actors: JsonRpcSigner[];
let addresses: string[];
let marketAddress: string;
let snapshot: string;
/** Successful calls per method over the whole property run: shows the sequences reach every path. */
const stats = new Map<string, number>();

beforeAll(async () => {
  const chain = await startTestChain();
  const a = testArtifacts();
  f = await deployMarket(chain, { market: a.RigShiftMarket, token: a.TestUSD });
  const s = chain.signers;
  actors = [s[1]!, s[5]!, s[2]!, s[3]!, s[4]!, f.feeRecipient, s[6]!];
  addresses = await Promise.all(actors.map((signer) => signer.getAddress()));
  marketAddress = await f.market.getAddress();
  // Everyone holds plenty and has approved the market once, so each step is one transaction.
  for (const signer of actors) await f.fund(signer, 10n ** 15n);
  // Providers start with stake for two claims, so most sequences reach claim/submit/release.
  for (const who of PROVIDERS) await send(chain, actors[who]!, f.market, 'depositStake', [INITIAL_STAKE]);
  snapshot = await chain.snapshot();
});

class Run {
  jobs: ModelJob[] = [];
  credit = new Map<number, bigint>();
  free = new Map<number, bigint>();
  locked = new Map<number, bigint>();
  deposited = 0n;
  withdrawn = 0n;
  last = 0;
  log: string[] = [];
  settling = false;

  constructor(readonly fixture: MarketFixture) {}

  private add(map: Map<number, bigint>, who: number, delta: bigint) {
    const next = (map.get(who) ?? 0n) + delta;
    if (next < 0n) throw new Error(`model: negative balance for actor ${who}`);
    map.set(who, next);
  }

  private job(index: number): ModelJob | null {
    return this.jobs.length === 0 ? null : this.jobs[index % this.jobs.length]!;
  }

  /** Sends at the next second; returns the events on success, null on (expected) revert. */
  private async tx(who: number, method: string, args: unknown[], shouldSucceed: boolean): Promise<Sent | null> {
    const at = this.last + 1;
    this.last = at;
    this.log.push(`${method}(${args.map(String).join(', ')}) by ${who} at +${at} expect ${shouldSucceed ? 'ok' : 'revert'}`);
    let sent: Sent;
    try {
      sent = await send(this.fixture.chain, actors[who]!, this.fixture.market, method, args, at);
    } catch (error) {
      if (shouldSucceed) throw new Error(`model expected success but ${method} reverted\n${this.log.join('\n')}`, { cause: error });
      return null;
    }
    if (!shouldSucceed) throw new Error(`model expected a revert but ${method} succeeded\n${this.log.join('\n')}`);
    if (!this.settling) stats.set(method, (stats.get(method) ?? 0) + 1);
    return sent;
  }

  private pay(job: ModelJob, seconds: number): bigint {
    let gross = (job.ask * BigInt(seconds)) / 3600n;
    if (gross > job.escrow) gross = job.escrow;
    const fee = (gross * FEE_BPS) / 10_000n;
    this.add(this.credit, job.provider!, gross - fee);
    this.add(this.credit, FEE, fee);
    return gross;
  }

  private unlock(who: number) {
    this.add(this.locked, who, -MIN_STAKE);
    this.add(this.free, who, MIN_STAKE);
  }

  private countEvents(sent: Sent, job: ModelJob) {
    for (const event of sent.events) {
      if (event.name === 'JobReleased') job.paidOut += event.args.gross as bigint;
      if (event.name === 'JobSettled') job.paidOut += (event.args.gross as bigint) + (event.args.refund as bigint);
      if (event.name === 'JobRefunded') job.paidOut += event.args.amount as bigint;
      if (event.name === 'JobSettled' || event.name === 'JobRefunded') job.endings += 1;
    }
  }

  async step(a: Action): Promise<void> {
    const now = this.last + 1;
    switch (a.kind) {
      case 'jump':
        this.last += a.seconds;
        return;
      case 'advance': {
        const job = this.job(a.job);
        if (!job) return;
        if (job.state === State.Open) return this.step({ kind: 'claim', who: a.who, job: a.job, askPercent: a.percent });
        if (job.state === State.Claimed) {
          // Let some time pass first, as a real run would.
          this.last += Math.ceil((job.duration * a.percent) / 100);
          if (job.preemptible && a.choice === 0) return this.step({ kind: 'release', job: a.job, percent: a.percent, byOther: false });
          return this.step({ kind: 'submit', job: a.job, percent: a.percent, byOther: false, seed: a.choice });
        }
        if (job.state === State.Submitted) {
          if (a.choice < 2) return this.step({ kind: 'accept', job: a.job, byOther: false });
          this.last += a.choice === 2 ? CHALLENGE_WINDOW : 1;
          return this.step({ kind: 'finalize', job: a.job });
        }
        return;
      }
      case 'post': {
        const claimBy = now + a.claimIn;
        const runBy = claimBy + a.duration + a.runSlack;
        const price = BigInt(a.price);
        const escrow = (price * BigInt(a.duration) + 3599n) / 3600n;
        await this.tx(a.who, 'post', [`spec ${this.jobs.length}`, price, a.duration, claimBy, runBy, a.preemptible], true);
        this.deposited += escrow;
        this.jobs.push({ id: BigInt(this.jobs.length + 1), requester: a.who, provider: null, maxPrice: price, ask: 0n, escrow, originalEscrow: escrow, claimBy, runBy, claimedAt: 0, submittedAt: 0, duration: a.duration, billed: 0, attempt: 0, preemptible: a.preemptible, state: State.Open, paidOut: 0n, endings: 0 });
        return;
      }
      case 'depositStake': {
        const amount = BigInt(a.amount);
        const ok = amount > 0n;
        if (await this.tx(a.who, 'depositStake', [amount], ok)) {
          this.add(this.free, a.who, amount);
          this.deposited += amount;
        }
        return;
      }
      case 'withdrawStake': {
        const free = this.free.get(a.who) ?? 0n;
        const amount = (free * BigInt(a.percent)) / 100n + (a.percent > 100 ? 1n : 0n);
        const sent = await this.tx(a.who, 'withdrawStake', [amount], amount > 0n && amount <= free);
        if (sent) {
          this.add(this.free, a.who, -amount);
          this.withdrawn += sent.events[0]?.args.amount as bigint;
        }
        return;
      }
      case 'claim': {
        const job = this.job(a.job);
        const id = job?.id ?? 1n;
        const max = job?.maxPrice ?? 1n;
        const ask = (max * BigInt(a.askPercent)) / 100n;
        const ok = !!job && job.state === State.Open && now <= job.claimBy && ask > 0n && ask <= max && (this.free.get(a.who) ?? 0n) >= MIN_STAKE;
        if ((await this.tx(a.who, 'claim', [id, ask], ok)) && job) {
          this.add(this.free, a.who, -MIN_STAKE);
          this.add(this.locked, a.who, MIN_STAKE);
          Object.assign(job, { provider: a.who, ask, claimedAt: now, attempt: job.attempt + 1, state: State.Claimed });
        }
        return;
      }
      case 'submit': {
        const job = this.job(a.job);
        if (!job) return;
        const sender = a.byOther || job.provider === null ? PROVIDERS[(a.seed % 3)]! : job.provider;
        const elapsed = job.state === State.Claimed ? now - job.claimedAt : 0;
        const billed = Math.floor((Math.min(elapsed, job.duration) * a.percent) / 100) + (a.percent > 100 ? 1 : 0);
        const ok = job.state === State.Claimed && sender === job.provider && now <= job.runBy && billed > 0 && billed <= job.duration && billed <= elapsed;
        const digest = keccak256(toBeHex(a.seed % 4, 32)); // few distinct digests: replays across jobs are common
        if (await this.tx(sender, 'submit', [job.id, digest, billed, 'uri'], ok)) {
          Object.assign(job, { billed, submittedAt: now, state: State.Submitted });
        }
        return;
      }
      case 'release': {
        const job = this.job(a.job);
        if (!job) return;
        const sender = a.byOther || job.provider === null ? PROVIDERS[(job.provider ?? 0) % 3]! : job.provider;
        const elapsed = job.state === State.Claimed ? now - job.claimedAt : 0;
        const served = Math.floor((Math.min(elapsed, job.duration) * a.percent) / 100) + (a.percent > 100 ? 1 : 0);
        const ok = job.state === State.Claimed && job.preemptible && sender === job.provider && now <= job.runBy && served <= job.duration && served <= elapsed;
        const sent = await this.tx(sender, 'release', [job.id, served], ok);
        if (sent) {
          const provider = job.provider!;
          job.escrow -= this.pay(job, served);
          this.unlock(provider);
          if (job.escrow > 0n && now + REOPEN_CLAIM_WINDOW < job.runBy) {
            Object.assign(job, { provider: null, ask: 0n, claimedAt: 0, claimBy: Math.max(job.claimBy, now + REOPEN_CLAIM_WINDOW), state: State.Open });
          } else {
            this.add(this.credit, job.requester, job.escrow);
            Object.assign(job, { escrow: 0n, state: State.Refunded });
          }
          this.countEvents(sent, job);
        }
        return;
      }
      case 'accept':
      case 'finalize': {
        const job = this.job(a.job);
        if (!job) return;
        const sender = a.kind === 'finalize' ? BYSTANDER : a.byOther ? (job.requester + 1) % 2 : job.requester;
        const ok = job.state === State.Submitted && (a.kind === 'accept' ? sender === job.requester : now > job.submittedAt + CHALLENGE_WINDOW);
        const sent = await this.tx(sender, a.kind, [job.id], ok);
        if (sent) {
          const gross = this.pay(job, job.billed);
          this.add(this.credit, job.requester, job.escrow - gross);
          this.unlock(job.provider!);
          Object.assign(job, { escrow: 0n, state: State.Settled });
          this.countEvents(sent, job);
        }
        return;
      }
      case 'refund': {
        const job = this.job(a.job);
        if (!job) return;
        const ok = (job.state === State.Open && now > job.claimBy) || (job.state === State.Claimed && now > job.runBy);
        const sent = await this.tx(BYSTANDER, 'refund', [job.id], ok);
        if (sent) {
          let slashed = 0n;
          if (job.state === State.Claimed) {
            slashed = MIN_STAKE;
            this.add(this.locked, job.provider!, -MIN_STAKE);
          }
          this.add(this.credit, job.requester, job.escrow + slashed);
          Object.assign(job, { escrow: 0n, state: State.Refunded });
          this.countEvents(sent, job);
        }
        return;
      }
      case 'withdraw': {
        const amount = this.credit.get(a.who) ?? 0n;
        const sent = await this.tx(a.who, 'withdraw', [], amount > 0n);
        if (sent) {
          this.credit.set(a.who, 0n);
          expect(sent.events[0]?.args.amount).toBe(amount);
          this.withdrawn += sent.events[0]?.args.amount as bigint;
        }
        return;
      }
    }
  }

  /** The chain agrees with the model, and money is conserved. */
  async check(): Promise<void> {
    const { market } = this.fixture;
    let held = 0n;
    for (const job of this.jobs) {
      const onChain = await this.fixture.job(job.id);
      expect({ state: onChain.state, escrow: onChain.escrow, attempt: onChain.attempt, claimBy: onChain.claimBy }, this.log.join('\n')).toEqual({
        state: job.state,
        escrow: job.escrow,
        attempt: BigInt(job.attempt),
        claimBy: BigInt(job.claimBy),
      });
      held += onChain.escrow;
      // Never paid twice: at most one ending, never more out than in.
      expect(job.endings).toBeLessThanOrEqual(1);
      expect(job.paidOut + job.escrow).toBe(job.originalEscrow);
    }
    for (const [i, address] of addresses.entries()) {
      const [credit, free, locked] = await Promise.all([
        market.getFunction('credit')(address) as Promise<bigint>,
        market.getFunction('freeStake')(address) as Promise<bigint>,
        market.getFunction('lockedStake')(address) as Promise<bigint>,
      ]);
      expect({ who: i, credit, free, locked }, this.log.join('\n')).toEqual({ who: i, credit: this.credit.get(i) ?? 0n, free: this.free.get(i) ?? 0n, locked: this.locked.get(i) ?? 0n });
      held += credit + free + locked;
    }
    const balance = await this.fixture.balanceOf(marketAddress);
    expect(balance).toBe(held);
    expect(this.withdrawn + balance).toBe(this.deposited);
  }

  /** The market holds exactly what the model says it owes. */
  async checkBalance(): Promise<void> {
    let owed = 0n;
    for (const job of this.jobs) owed += job.escrow;
    for (const map of [this.credit, this.free, this.locked]) for (const value of map.values()) owed += value;
    const balance = await this.fixture.balanceOf(marketAddress);
    expect(balance, this.log.join('\n')).toBe(owed);
    expect(this.withdrawn + balance).toBe(this.deposited);
  }

  /** After every deadline, anyone can end every job; then everyone can take everything out. */
  async settleEverything(): Promise<void> {
    const horizon = Math.max(this.last, ...this.jobs.map((job) => Math.max(job.runBy, job.submittedAt + CHALLENGE_WINDOW)));
    this.last = horizon + 1;
    this.settling = true;
    for (const [index, job] of this.jobs.entries()) {
      if (job.state === State.Open || job.state === State.Claimed) await this.step({ kind: 'refund', job: index });
      else if (job.state === State.Submitted) await this.step({ kind: 'finalize', job: index });
      expect([State.Settled, State.Refunded]).toContain(job.state);
      expect(job.endings).toBe(1);
    }
    for (let who = 0; who < actors.length; who++) {
      if ((this.credit.get(who) ?? 0n) > 0n) await this.step({ kind: 'withdraw', who });
      if ((this.free.get(who) ?? 0n) > 0n) await this.step({ kind: 'withdrawStake', who, percent: 100 });
    }
    await this.check();
    expect(await this.fixture.balanceOf(marketAddress)).toBe(0n);
    expect(this.withdrawn).toBe(this.deposited);
  }
}

describe('market invariants (fast-check over random call sequences)', () => {
  it(`conserves tokens, pays no one twice and lets every job settle (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 10, maxLength: 40, size: 'max' }), async (actions) => {
        await f.chain.revert(snapshot);
        snapshot = await f.chain.snapshot();
        const run = new Run(f);
        run.last = await f.chain.latestTimestamp();
        for (const who of PROVIDERS) run.free.set(who, INITIAL_STAKE);
        run.deposited = INITIAL_STAKE * BigInt(PROVIDERS.length);
        for (const [index, a] of actions.entries()) {
          await run.step(a);
          // Conservation every step (one read); the full chain-vs-model comparison every few
          // steps and at the end keeps the run count affordable on 2 cores.
          await (index % 4 === 3 ? run.check() : run.checkBalance());
        }
        await run.check();
        await run.settleEverything();
      }),
      // No shrinking: each replay is dozens of transactions; the failure message carries the full call log.
      { numRuns: RUNS, endOnFailure: true },
    );
    if (process.env.MARKET_FUZZ_STATS) console.log(Object.fromEntries(stats));
    // A generator that never reaches a path would make the property vacuous there.
    for (const method of ['post', 'depositStake', 'withdrawStake', 'claim', 'submit', 'release', 'accept', 'finalize', 'refund', 'withdraw']) {
      expect(stats.get(method) ?? 0, `successful ${method} calls`).toBeGreaterThan(0);
    }
  }, 120_000);
});
