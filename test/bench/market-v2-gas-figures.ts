/**
 * Gas of every step a provider pays for on RigShiftMarketV2 (bid, award share, commit, withdraw
 * share; a single replica reveals only when disputed, so reveal is measured on a replicated job)
 * and its total per job, measured with the shipped artifact
 * (resources/contracts/RigShiftMarketV2.json) on the in-process Hardhat chain (cancun).
 * Scenario: a single-replica auctioned job, three bidders (0.10 / 0.12 / 0.15 per hour), the
 * winner awards it itself and commits (its result); the requester accepts; the winner withdraws once
 * every 10 jobs. Steady state: every account has used the market before. Target (issue 12):
 * provider total per job ≤ 200k gas.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContractArtifact } from '../../contracts/compile';
import { artifactsDir } from '../../contracts/compile';
import type { Sent } from '../contracts/market-fixture';
import { MIN_STAKE, USD, type V2Fixture, deployV2, digestOf } from '../contracts/market-v2-fixture';
import type { BenchFigure } from './figure';

const BATCH = 10;

const shipped = (name: string) => JSON.parse(readFileSync(join(artifactsDir, `${name}.json`), 'utf8')) as ContractArtifact;
const gas = (sent: Sent) => Number(sent.receipt.gasUsed);

interface JobGas {
  id: bigint;
  bid: number;
  award: number;
  commit: number;
  losingBid: number;
}

async function auctionedJob(f: V2Fixture, n: number): Promise<JobGas> {
  const posted = await f.post({ maxPricePerHour: USD(0.2), maxDurationSeconds: 600, bidWindowSeconds: 10, spec: JSON.stringify({ kind: 'rigshift-job', version: 2, n }) });
  const bid = await f.send(f.alice, 'bid', [posted.id, USD(0.1)]);
  const losingBid = await f.send(f.bob, 'bid', [posted.id, USD(0.12)]);
  await f.send(f.carol, 'bid', [posted.id, USD(0.15)]);
  const award = await f.send(f.alice, 'award', [posted.id], posted.bidEnds + 1);
  const result = digestOf(`outputs ${n}`);
  const commit = await f.commit(f.alice, posted.id, 0, result, 540, award.timestamp + 550);
  await f.send(f.requester, 'accept', [posted.id]);
  return { id: posted.id, bid: gas(bid), award: gas(award), commit: gas(commit), losingBid: gas(losingBid) };
}

/** Two replicas (alice, bob) that agree: the reveal each pays, the last one settling the job. */
async function replicatedReveals(f: V2Fixture, n: number): Promise<{ first: number; last: number; awardShare: number }> {
  const posted = await f.post({ maxPricePerHour: USD(0.2), maxDurationSeconds: 600, bidWindowSeconds: 10, replicas: 2, spec: JSON.stringify({ kind: 'rigshift-job', version: 2, n }) });
  await f.send(f.alice, 'bid', [posted.id, USD(0.1)]);
  await f.send(f.bob, 'bid', [posted.id, USD(0.11)]);
  await f.send(f.carol, 'bid', [posted.id, USD(0.15)]);
  const award = await f.send(f.alice, 'award', [posted.id], posted.bidEnds + 1);
  const result = digestOf(`outputs ${n}`);
  await f.commit(f.alice, posted.id, 0, result, 540, award.timestamp + 550);
  await f.commit(f.bob, posted.id, 1, result, 540);
  const first = await f.reveal(f.alice, posted.id, 0, result);
  const last = await f.reveal(f.bob, posted.id, 1, result);
  return { first: gas(first), last: gas(last), awardShare: Math.round(gas(award) / 2) };
}

export async function measureMarketV2Gas(): Promise<BenchFigure[]> {
  const f = await deployV2({ market: shipped('RigShiftMarketV2'), token: shipped('TestUSD') });
  const snapshot = await f.chain.snapshot();
  try {
    for (const who of [f.alice, f.bob, f.carol]) await f.stake(who, MIN_STAKE * 2n);
    // Warm-up: everyone has bid, won or lost, been paid and withdrawn once.
    await auctionedJob(f, 0);
    await f.send(f.alice, 'withdraw');
    await f.send(f.requester, 'withdraw');

    const jobs: JobGas[] = [];
    for (let n = 1; n <= BATCH; n++) jobs.push(await auctionedJob(f, n));
    const withdraw = gas(await f.send(f.alice, 'withdraw'));
    const mean = (key: keyof Omit<JobGas, 'id'>) => Math.round(jobs.reduce((sum, job) => sum + job[key], 0) / jobs.length);
    const total = mean('bid') + mean('award') + mean('commit') + Math.round(withdraw / BATCH);
    await auctionedJob(f, 100); // keeps the replicated job's accounts as warm as the others
    const replicated = await replicatedReveals(f, 101);
    const figure = (name: string, value: number, target: number): BenchFigure => ({ name: `market v2 gas: ${name}`, value, unit: 'gas', target, better: 'lower' });
    // Per-step budgets share the 200k total: bid writes a fresh book entry and entry mark;
    // award writes the slot and unlocks two losers; commit writes the fresh commitment word.
    return [
      figure('bid (winner)', mean('bid'), 80_000),
      figure('bid (loser, stake back at award)', mean('losingBid'), 80_000),
      figure('award share (3 bids, 1 winner; awarded by the winner)', mean('award'), 80_000),
      figure('commit (single replica: the result, to the challenge window)', mean('commit'), 60_000),
      figure('withdraw', withdraw, 50_000),
      figure(`provider total per job (bid + award + commit + withdraw/${BATCH}), single replica, auctioned`, total, 200_000),
      figure('award share (2 replicas of 3 bids: award / 2)', replicated.awardShare, 80_000),
      figure('reveal (replica, not the last)', replicated.first, 50_000),
      figure('reveal (last replica: settles both)', replicated.last, 120_000),
    ];
  } finally {
    await f.chain.revert(snapshot);
  }
}
