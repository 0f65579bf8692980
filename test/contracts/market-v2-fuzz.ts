/**
 * The v2 fuzz model (used by market-v2-invariants.test.ts). Property test of RigShiftMarketV2 over random multi-actor sequences (fast-check), extended
 * from v1's: requesters post auctions and fixed-price listings with 1-3 replicas, providers bid,
 * claim, commit honest or wrong digests (or stay silent), reveal, release; requesters accept or
 * dispute; anyone awards, concludes, finalizes; time jumps. Every call may revert: the
 * invariants are checked on what the chain did (state and events), whatever the actors did:
 *  - conservation: the market holds exactly escrows + bonds + credits + stakes, and
 *    deposited - withdrawn equals its balance;
 *  - paid-twice: a slot is paid at most once, a job ends at most once;
 *  - can-end: after every deadline, conclude/finalize ends every job, then everyone can take
 *    everything out and the market is empty;
 *  - honest: a slot whose digest is the majority (or upheld in a dispute) is never slashed and is
 *    paid at least its ask for its billed time;
 *  - loser-unpaid: a slot whose digest lost (to a majority, or in a dispute) is never paid;
 *  - requester-bound: a requester never pays more than maxPrice x duration x replicas plus the
 *    bond it lost.
 * market-v2-invariants.test.ts runs this model on the contract and on broken copies of it.
 */
import fc from 'fast-check';
import type { Contract, JsonRpcSigner, LogDescription } from 'ethers';
import { keccak256, toUtf8Bytes } from 'ethers';
import { type Sent, send } from './market-fixture';
import { checkJobOutcome } from './market-v2-outcomes';
import {
  CHALLENGE_WINDOW,
  MIN_STAKE,
  V2State,
  type V2Fixture,
  commitmentOf,
  compileV2,
  deployV2,
  saltFor,
} from './market-v2-fixture';

export type Invariant = 'conservation' | 'paid-twice' | 'can-end' | 'honest' | 'loser-unpaid' | 'requester-bound';
export const ALL: Invariant[] = ['conservation', 'paid-twice', 'can-end', 'honest', 'loser-unpaid', 'requester-bound'];

class Violation extends Error {
  constructor(readonly invariant: Invariant, detail: string) {
    super(`INVARIANT ${invariant}: ${detail}`);
  }
}

// Actors: requesters 0-1, providers 2-5, fee recipient 6, bystander 7.
const REQUESTERS = [0, 1];
const PROVIDERS = [2, 3, 4, 5];
const BYSTANDER = 7;
const INITIAL_STAKE = 4n * MIN_STAKE;

type Action =
  | { kind: 'post'; who: number; price: number; duration: number; bidWindow: number; claimIn: number; runSlack: number; replicas: number; deterministic: boolean; preemptible: boolean }
  | { kind: 'advance'; job: number; who: number; percent: number; choice: number; lie: number }
  | { kind: 'bid'; job: number; who: number; percent: number }
  | { kind: 'dispute'; job: number }
  | { kind: 'conclude'; job: number }
  | { kind: 'finalize'; job: number }
  | { kind: 'withdraw'; who: number }
  | { kind: 'jump'; seconds: number };

const pick = <T,>(list: readonly T[]) => fc.nat({ max: list.length - 1 }).map((i) => list[i]!);
const jobIndex = fc.nat({ max: 2 });
const postAction = fc.record({ kind: fc.constant('post' as const), who: pick(REQUESTERS), price: fc.integer({ min: 1000, max: 2_000_000 }), duration: fc.integer({ min: 60, max: 3600 }), bidWindow: fc.oneof(fc.constant(0), fc.integer({ min: 30, max: 120 })), claimIn: fc.integer({ min: 60, max: 600 }), runSlack: fc.integer({ min: 0, max: 1200 }), replicas: fc.integer({ min: 1, max: 3 }), deterministic: fc.nat({ max: 4 }).map((n) => n > 0), preemptible: fc.nat({ max: 3 }).map((n) => n === 0) });
const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 3, arbitrary: postAction },
  { weight: 14, arbitrary: fc.record({ kind: fc.constant('advance' as const), job: jobIndex, who: pick(PROVIDERS), percent: fc.integer({ min: 1, max: 100 }), choice: fc.nat({ max: 5 }), lie: fc.nat({ max: 9 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('bid' as const), job: jobIndex, who: fc.nat({ max: 7 }), percent: fc.integer({ min: 0, max: 110 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('dispute' as const), job: jobIndex }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('conclude' as const), job: jobIndex }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('finalize' as const), job: jobIndex }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('withdraw' as const), who: fc.nat({ max: 7 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('jump' as const), seconds: fc.oneof(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 60, max: 5000 })) }) },
);

export interface Env {
  f: V2Fixture;
  actors: JsonRpcSigner[];
  addresses: string[];
  snapshot: string;
}

export async function setUp(artifacts = compileV2()): Promise<Env> {
  const f = await deployV2(artifacts);
  const s = f.chain.signers;
  const actors = [s[1]!, s[8]!, s[2]!, s[3]!, s[4]!, s[5]!, f.feeRecipient, s[6]!];
  const addresses = await Promise.all(actors.map((signer) => signer.getAddress()));
  for (const signer of actors) await f.fund(signer, 10n ** 15n);
  for (const who of PROVIDERS) await send(f.chain, actors[who]!, f.market, 'depositStake', [INITIAL_STAKE]);
  return { f, actors, addresses, snapshot: await f.chain.snapshot() };
}

export interface JobRecord {
  id: bigint;
  requester: number;
  maxPrice: bigint;
  duration: number;
  replicas: number;
  events: LogDescription[];
}

const truth = (id: bigint) => keccak256(toUtf8Bytes(`truth ${id}`));
const lieDigest = (id: bigint, n: number) => keccak256(toUtf8Bytes(`lie ${id} ${n % 2}`));

class Run {
  jobs: JobRecord[] = [];
  last = 0;
  log: string[] = [];
  deposited: bigint;
  withdrawn = 0n;
  /** committed digest per job:slot, to reveal later. */
  digests = new Map<string, string>();

  constructor(readonly env: Env, readonly checks: Set<Invariant>, readonly stats: Map<string, number>) {
    this.deposited = INITIAL_STAKE * BigInt(PROVIDERS.length);
  }

  get f() {
    return this.env.f;
  }

  private job(index: number): JobRecord | null {
    return this.jobs.length === 0 ? null : this.jobs[index % this.jobs.length]!;
  }

  private async tx(who: number, method: string, args: unknown[], job?: JobRecord): Promise<Sent | null> {
    const at = this.last + 1;
    this.last = at;
    let sent: Sent;
    try {
      sent = await send(this.f.chain, this.env.actors[who]!, this.f.market, method, args, at);
    } catch {
      this.log.push(`${method}(${args.map(String).join(', ')}) by ${who} at +${at}: reverted`);
      return null;
    }
    this.log.push(`${method}(${args.map(String).join(', ')}) by ${who} at +${at}: ${sent.events.map((e) => e.name).join(' ')}`);
    this.stats.set(method, (this.stats.get(method) ?? 0) + 1);
    for (const event of sent.events) {
      if (event.name === 'JobPosted') this.deposited += event.args.escrow as bigint;
      if (event.name === 'Disputed') this.deposited += event.args.bond as bigint;
      if (event.name === 'StakeDeposited') this.deposited += event.args.amount as bigint;
      if (event.name === 'Withdrawn' || event.name === 'StakeWithdrawn') this.withdrawn += event.args.amount as bigint;
      if (event.name === 'JobSettled' || event.name === 'DisputeResolved' || event.name === 'Slashed' || event.name === 'RoundOpened') {
        this.stats.set(event.name, (this.stats.get(event.name) ?? 0) + 1);
      }
    }
    if (job) job.events.push(...sent.events);
    return sent;
  }

  private async slotsOfRound(job: JobRecord) {
    const view = await this.f.job(job.id);
    const slots = [];
    for (let i = Number(view.roundStart); i < Number(view.slotCount); i++) slots.push({ index: i, ...(await this.f.slot(job.id, i)) });
    return { view, slots };
  }

  private who(address: string): number {
    return this.env.addresses.findIndex((a) => a.toLowerCase() === address.toLowerCase());
  }

  async step(a: Action): Promise<void> {
    switch (a.kind) {
      case 'jump':
        this.last += a.seconds;
        return;
      case 'post': {
        const now = this.last + 1;
        const claimBy = now + a.bidWindow + a.claimIn;
        const runBy = claimBy + a.duration + a.runSlack;
        const replicas = a.preemptible ? 1 : a.replicas;
        const deterministic = replicas > 1 || a.deterministic;
        const terms = { spec: `spec ${this.jobs.length}`, maxPricePerHour: BigInt(a.price), maxDurationSeconds: a.duration, bidWindowSeconds: a.bidWindow, claimBy, runBy, replicas, deterministic, preemptible: a.preemptible, minProviderSettled: 0 };
        const record: JobRecord = { id: BigInt(this.jobs.length + 1), requester: a.who, maxPrice: BigInt(a.price), duration: a.duration, replicas, events: [] };
        if (await this.tx(a.who, 'post', [terms], record)) this.jobs.push(record);
        return;
      }
      case 'bid': {
        const job = this.job(a.job);
        if (!job) return;
        const ask = (job.maxPrice * BigInt(a.percent)) / 100n;
        await this.tx(a.who, 'bid', [job.id, ask], job);
        return;
      }
      case 'dispute': {
        const job = this.job(a.job);
        if (job) await this.tx(job.requester, 'dispute', [job.id], job);
        return;
      }
      case 'conclude':
      case 'finalize': {
        const job = this.job(a.job);
        if (job) await this.tx(BYSTANDER, a.kind, [job.id], job);
        return;
      }
      case 'withdraw':
        await this.tx(a.who, 'withdraw', []);
        return;
      case 'advance':
        return this.advance(a);
    }
  }

  /** The next plausible step of a job, with random choices: keeps sequences deep. */
  private async advance(a: Extract<Action, { kind: 'advance' }>): Promise<void> {
    // Only jobs that have not ended: advancing an ended one would waste the step.
    const live = this.jobs.filter((j) => !j.events.some((e) => (e.name === 'JobSettled' || e.name === 'JobRefunded') && e.args.id === j.id));
    const job = live.length === 0 ? null : live[a.job % live.length]!;
    if (!job) return;
    const { view, slots } = await this.slotsOfRound(job);
    const now = this.last + 1;
    if (process.env.MARKET_FUZZ_DEBUG) this.log.push(`advance job ${job.id} state ${view.state} choice ${a.choice} slots ${slots.map((s) => `${s.index}:${s.status}`).join(',')}`);
    if (view.state === V2State.Open) {
      if (view.bidEnds > 0n) {
        if (now <= Number(view.bidEnds) && a.choice < 4) {
          await this.tx(a.who, 'bid', [job.id, (view.maxPricePerHour * BigInt(a.percent)) / 100n], job);
        } else {
          if (now <= Number(view.bidEnds)) this.last = Number(view.bidEnds);
          if (!(await this.tx(BYSTANDER, 'award', [job.id], job))) {
            this.last = Math.max(this.last, Number(view.claimBy));
            await this.tx(BYSTANDER, 'conclude', [job.id], job);
          }
        }
      } else if (a.choice < 5) {
        await this.tx(a.who, 'claim', [job.id], job);
      } else {
        this.last = Math.max(this.last, Number(view.claimBy));
        await this.tx(BYSTANDER, 'conclude', [job.id], job);
      }
      return;
    }
    if (view.state === V2State.Running) {
      const running = slots.find((s) => s.status === 1n);
      const silent = a.choice === 5 && a.lie === 9; // now and then everyone stays silent until the deadline
      if (running && !silent) {
        const holder = this.who(running.provider);
        // Some run time passes (a third of the duration at most, so the other replicas still fit).
        this.last += Math.ceil((Number(view.maxDurationSeconds) * a.percent) / 300);
        const elapsed = this.last + 1 - Number(running.startedAt);
        const billed = Math.max(1, Math.min(elapsed, Number(view.maxDurationSeconds)));
        const releasing = (await this.isPreemptible(job)) && a.choice === 0;
        const honest = holder <= 3 || a.lie < 6; // providers 2-3 always honest, 4-5 lie now and then
        const digest = honest ? truth(job.id) : lieDigest(job.id, a.lie);
        this.digests.set(`${job.id}:${running.index}`, digest);
        const address = this.env.addresses[holder]!;
        const commitment = commitmentOf(digest, saltFor(digest, address), address);
        if (releasing) {
          // Now and then nothing to show: a zero checkpoint.
          await this.tx(holder, 'release', [job.id, running.index, billed, a.lie === 9 ? '0x' + '00'.repeat(32) : commitment], job);
          return;
        }
        await this.tx(holder, 'commit', [job.id, running.index, commitment, billed], job);
        return;
      }
      // In a verify round the disputed provider reveals once the verifier has committed (or not).
      const disputedIndex = Number(view.roundStart) - 1;
      if (view.round === 2n && slots.some((s) => s.status >= 2n) && a.lie !== 8) {
        const disputed = await this.f.slot(job.id, disputedIndex);
        if (disputed.status === 2n) {
          const holder = this.who(disputed.provider);
          const digest = this.digests.get(`${job.id}:${disputedIndex}`)!;
          await this.tx(holder, 'reveal', [job.id, disputedIndex, digest, saltFor(digest, this.env.addresses[holder]!)], job);
          return;
        }
      }
      const committed = slots.find((s) => s.status === 2n);
      if (committed && !silent) {
        const holder = this.who(committed.provider);
        const digest = this.digests.get(`${job.id}:${committed.index}`)!;
        await this.tx(holder, 'reveal', [job.id, committed.index, digest, saltFor(digest, this.env.addresses[holder]!)], job);
        return;
      }
      this.last = Math.max(this.last, Number(view.runBy) + CHALLENGE_WINDOW);
      await this.tx(BYSTANDER, 'conclude', [job.id], job);
      return;
    }
    if (view.state === V2State.Submitted) {
      if (a.choice < 2) await this.tx(job.requester, 'accept', [job.id], job);
      else if (a.choice < 4) await this.tx(job.requester, 'dispute', [job.id], job);
      else {
        this.last = Math.max(this.last, Number(view.submittedAt) + CHALLENGE_WINDOW);
        await this.tx(BYSTANDER, 'finalize', [job.id], job);
      }
    }
  }

  private async isPreemptible(job: JobRecord): Promise<boolean> {
    const raw = (await this.f.market.getFunction('getJob')(job.id)) as { preemptible: boolean };
    return raw.preemptible;
  }

  fail(invariant: Invariant, detail: string): never {
    throw new Violation(invariant, `${detail}\n${this.log.slice(-60).join('\n')}`);
  }

  /** Conservation and paid-twice, on the chain as it is now. */
  async check(): Promise<void> {
    const market = this.f.market as Contract;
    const balance = await this.f.balanceOf(this.f.marketAddress);
    if (this.checks.has('conservation')) {
      let held = 0n;
      for (const job of this.jobs) {
        const view = await this.f.job(job.id);
        held += view.escrow + view.bond;
      }
      for (const address of this.env.addresses) {
        const [credit, free, locked] = await Promise.all([
          market.getFunction('credit')(address) as Promise<bigint>,
          market.getFunction('freeStake')(address) as Promise<bigint>,
          market.getFunction('lockedStake')(address) as Promise<bigint>,
        ]);
        held += credit + free + locked;
      }
      if (held !== balance) this.fail('conservation', `market holds ${balance}, owes ${held}`);
      if (this.deposited - this.withdrawn !== balance) this.fail('conservation', `deposited ${this.deposited} - withdrawn ${this.withdrawn} != balance ${balance}`);
    }
    if (this.checks.has('paid-twice')) {
      for (const job of this.jobs) {
        const paid = new Map<bigint, number>();
        let endings = 0;
        for (const e of job.events) {
          if (e.name === 'SlotPaid' && e.args.id === job.id) paid.set(e.args.slot as bigint, (paid.get(e.args.slot as bigint) ?? 0) + 1);
          if ((e.name === 'JobSettled' || e.name === 'JobRefunded') && e.args.id === job.id) endings++;
        }
        for (const [slot, count] of paid) if (count > 1) this.fail('paid-twice', `job ${job.id} slot ${slot} paid ${count} times`);
        if (endings > 1) this.fail('paid-twice', `job ${job.id} ended ${endings} times`);
      }
    }
  }

  /** The outcome rules (honest, loser-unpaid, requester-bound), from each job's events. */
  checkOutcomes(): void {
    for (const job of this.jobs) checkJobOutcome(job, this.checks, (invariant, detail) => this.fail(invariant, detail));
  }

  /** After every deadline, anyone ends every job; then everyone takes everything out. */
  async settleEverything(): Promise<void> {
    for (let pass = 0; pass < 6; pass++) {
      let open = 0;
      for (const job of this.jobs) {
        const view = await this.f.job(job.id);
        if (view.state === V2State.Settled || view.state === V2State.Refunded) continue;
        open++;
        this.last = Math.max(this.last, Number(view.claimBy), Number(view.runBy) + CHALLENGE_WINDOW, Number(view.submittedAt) + CHALLENGE_WINDOW) + 1;
        await this.tx(BYSTANDER, view.state === V2State.Submitted ? 'finalize' : 'conclude', [job.id], job);
      }
      if (open === 0) break;
    }
    for (const job of this.jobs) {
      const state = (await this.f.job(job.id)).state;
      if (this.checks.has('can-end') && state !== V2State.Settled && state !== V2State.Refunded) this.fail('can-end', `job ${job.id} could not end (state ${state})`);
    }
    for (let who = 0; who < this.env.actors.length; who++) {
      if ((await this.f.account('credit', this.env.addresses[who]!)) > 0n) await this.tx(who, 'withdraw', []);
      const free = await this.f.account('freeStake', this.env.addresses[who]!);
      if (free > 0n) await this.tx(who, 'withdrawStake', [free]);
      const locked = await this.f.account('lockedStake', this.env.addresses[who]!);
      if (this.checks.has('can-end') && locked > 0n) this.fail('can-end', `actor ${who} still has ${locked} locked`);
    }
    await this.check();
    const balance = await this.f.balanceOf(this.f.marketAddress);
    if (this.checks.has('can-end') && balance !== 0n) this.fail('can-end', `market keeps ${balance} after everyone withdrew`);
  }
}

/** `afterRun` (optional) looks at the chain after each sequence has ended (records folded from events, say). */
export async function property(env: Env, checks: Set<Invariant>, runs: number, stats: Map<string, number>, seed?: number, afterRun?: () => Promise<void>) {
  await fc.assert(
    // Every sequence starts with a post, and posts again now and then.
    fc.asyncProperty(postAction, fc.array(action, { minLength: 15, maxLength: 45, size: 'max' }), async (first, rest) => {
      const actions: Action[] = [first, ...rest];
      await env.f.chain.revert(env.snapshot);
      env.snapshot = await env.f.chain.snapshot();
      const run = new Run(env, checks, stats);
      run.last = await env.f.chain.latestTimestamp();
      for (const [index, a] of actions.entries()) {
        await run.step(a);
        if (index % 4 === 3) await run.check();
      }
      await run.check();
      if (process.env.MARKET_FUZZ_DEBUG) console.log(run.log.join('\n'));
      await run.settleEverything();
      run.checkOutcomes();
      await afterRun?.();
    }),
    { numRuns: runs, endOnFailure: true, ...(seed === undefined ? {} : { seed }) },
  );
}

