/**
 * The v2 provider at work: each tick reads the market's new logs through the chain port,
 * folds them (v2-book.ts, v2-records.ts), asks the plan (v2-provider-plan.ts) what to do and
 * does it: market calls through `send` (the caller signs: a wallet, the agent's tx queue),
 * runs through `run`, redeliveries through `deliver`. Salts are random per run and the
 * commitment is keccak256(abi.encode(digest, salt, provider)), as the contract checks it.
 * A refused call is reported in words and retried on a later tick only if the plan still
 * says so. Runs are kept in memory here (the agent's feature is to keep them on disk).
 */
import { randomBytes } from 'node:crypto';
import { AbiCoder, hexlify, keccak256, ZeroHash } from 'ethers';
import type { ChainPort } from '../chain/chain-port';
import { marketV2Interface } from '../chain/market-v2-abi';
import { describeMarketV2Revert } from '../chain/market-v2-errors';
import { createV2Book, type V2BookJob } from './v2-book';
import { decodeMarketV2Log, V2_EVENT_TOPICS, type V2JobEvent } from './v2-events';
import { DEFAULT_REQUESTER_RULE, planV2, type RequesterRule, type V2Action, type V2LocalRun } from './v2-provider-plan';
import { emptyProviderRecord, foldV2Records } from './v2-records';

/** One market call: the method and its arguments in ABI order. */
export interface V2Call {
  method: 'bid' | 'claim' | 'award' | 'commit' | 'reveal' | 'release' | 'finalize' | 'conclude';
  args: unknown[];
}
export const encodeV2Call = (call: V2Call): string => marketV2Interface.encodeFunctionData(call.method, call.args);
export const commitmentOf = (outputsDigest: string, salt: string, provider: string) =>
  keccak256(AbiCoder.defaultAbiCoder().encode(['bytes32', 'bytes32', 'address'], [outputsDigest, salt, provider]));

/**
 * The market call for a plan action (null for actions that are not calls). A commit bills
 * never more than the time since the slot started on chain (the contract refuses more).
 */
export function v2CallFor(action: V2Action, me: string, now: number, startedAt: number): V2Call | null {
  switch (action.kind) {
    case 'bid':
      return { method: 'bid', args: [BigInt(action.id), action.ask] };
    case 'claim':
      return { method: 'claim', args: [BigInt(action.id)] };
    case 'award':
    case 'finalize':
    case 'conclude':
      return { method: action.kind, args: [BigInt(action.id)] };
    case 'commit':
      return { method: 'commit', args: [BigInt(action.id), action.slot, commitmentOf(action.outputsDigest, action.salt, me), Math.max(1, Math.min(action.billedSeconds, now - startedAt))] };
    case 'reveal':
      return { method: 'reveal', args: [BigInt(action.id), action.slot, action.outputsDigest, action.salt] };
    case 'release': {
      // Seconds served, never more than the time since the slot started on chain; a checkpoint
      // is committed like a result (its digest revealed only in a dispute). Nothing to show: 0, 0.
      const seconds = Math.min(action.servedSeconds, now - startedAt);
      if (seconds <= 0 || action.checkpointDigest === null || action.salt === null) return { method: 'release', args: [BigInt(action.id), action.slot, 0, ZeroHash] };
      return { method: 'release', args: [BigInt(action.id), action.slot, seconds, commitmentOf(action.checkpointDigest, action.salt, me)] };
    }
    default:
      return null;
  }
}

export interface V2ProviderLoopOptions {
  port: ChainPort;
  market: string;
  fromBlock: number;
  /** This provider's address (checksummed or not). */
  me: string;
  floorPerHour(): bigint;
  challengeWindow: number;
  minStake: bigint;
  freeStake(): Promise<bigint>;
  rule?: RequesterRule;
  fits?(job: V2BookJob): boolean;
  send(call: V2Call): Promise<void>;
  run(job: V2BookJob, slot: number): Promise<{ outputsDigest: string; seconds: number }>;
  deliver(job: V2BookJob, uploadUrl: string): Promise<void>;
  /** What happened, in words (a log line per action, refusal or pass). */
  report?(line: string): void;
}

export interface V2ProviderLoop {
  tick(): Promise<V2Action[]>;
  book: ReturnType<typeof createV2Book>;
  runs: Map<string, V2LocalRun>;
  /** Why each job was passed over, by id (the Market page's verdicts). */
  passes: Map<string, string>;
}

export function createV2ProviderLoop(o: V2ProviderLoopOptions): V2ProviderLoop {
  const me = o.me.toLowerCase();
  const book = createV2Book();
  const runs = new Map<string, V2LocalRun>();
  const passes = new Map<string, string>();
  const report = o.report ?? (() => undefined);
  let cursor = o.fromBlock;
  /** Calls sent and not yet settled (`id:method`): a slow send is never repeated by a later tick. */
  const inFlight = new Set<string>();

  const callFor = (action: V2Action, now: number, startedAt: number): V2Call | null => v2CallFor(action, o.me, now, startedAt);

  const startRun = (job: V2BookJob, slot: number) => {
    const local: V2LocalRun = { slot, outputsDigest: null, salt: null, seconds: null, deliveredTo: [] };
    runs.set(job.id, local);
    report(`job ${job.id}: won slot ${slot}; running it`);
    o.run(job, slot).then(
      (result) => {
        Object.assign(local, { outputsDigest: result.outputsDigest, seconds: result.seconds, salt: hexlify(randomBytes(32)) });
        report(`job ${job.id}: run finished (${result.seconds} s)`);
      },
      (error: unknown) => report(`job ${job.id}: the run failed: ${(error as Error).message}`),
    );
  };

  return {
    book,
    runs,
    passes,
    async tick() {
      const head = await o.port.latestBlock();
      if (head.number >= cursor) {
        const logs = await o.port.getLogs({ address: o.market, topics: [V2_EVENT_TOPICS] }, cursor, head.number);
        const events = logs.map((l) => decodeMarketV2Log(l)).filter((e): e is V2JobEvent => e !== null && 'id' in e);
        book.apply(events);
        cursor = head.number + 1;
      }
      const records = foldV2Records(book.all());
      const actions = planV2(book.all(), {
        me,
        now: head.timestamp,
        floorPerHour: o.floorPerHour(),
        challengeWindow: o.challengeWindow,
        freeStake: await o.freeStake(),
        minStake: o.minStake,
        myRecord: records.providers.get(me) ?? emptyProviderRecord(),
        requesterRecord: (address) => records.requesters.get(address.toLowerCase()),
        rule: o.rule ?? DEFAULT_REQUESTER_RULE,
        fits: o.fits ?? (() => true),
        runs,
      });
      for (const action of actions) {
        const job = book.get(action.id)!;
        if (action.kind === 'pass') {
          passes.set(action.id, action.reason);
          continue;
        }
        if (action.kind === 'run') {
          startRun(job, action.slot);
          continue;
        }
        if (action.kind === 'redeliver') {
          const run = runs.get(action.id)!;
          try {
            await o.deliver(job, action.uploadUrl);
            run.deliveredTo.push(action.uploadUrl);
            report(`job ${action.id}: results redelivered to ${action.uploadUrl}`);
          } catch (error) {
            report(`job ${action.id}: redelivery to ${action.uploadUrl} failed: ${(error as Error).message}`);
          }
          continue;
        }
        const slot = action.kind === 'commit' || action.kind === 'release' ? job.slots.find((s) => s.slot === action.slot) : undefined;
        const startedAt = slot ? ((await o.port.block(slot.assignedBlock))?.timestamp ?? head.timestamp) : head.timestamp;
        const call = callFor(action, head.timestamp, startedAt)!;
        const key = `${action.id}:${call.method}`;
        if (inFlight.has(key)) continue;
        inFlight.add(key);
        try {
          await o.send(call);
          report(`job ${action.id}: ${call.method} sent`);
        } catch (error) {
          const words = describeMarketV2Revert(error)?.words ?? (error as Error).message.split('\n')[0];
          report(`job ${action.id}: ${call.method} refused: ${words}`);
        } finally {
          inFlight.delete(key);
        }
      }
      return actions;
    },
  };
}
