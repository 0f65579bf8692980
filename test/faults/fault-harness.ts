/**
 * The fault harness (issue 15, item 7): a real devnet, a real headless agent bidding, real
 * containers, a requester posting short CPU jobs; then faults, each followed by the checks
 * in fault-checks.ts once the world has settled:
 * - `runs` times: SIGKILL the agent at a point of a job's life (claim sent, running,
 *   uploading, submit sent, withdraw, or a random moment), chosen from a seeded RNG whose
 *   seed is printed (FAULT_SEED replays it); restart the agent on the same data dir;
 * - the RPC endpoint down for 60 s while a job runs (through the loopback proxy);
 * - the data dir's disk full for 10 s while a job runs (its own tmpfs; root only);
 * - the Docker engine restarted mid-job (an own dockerd, never the shared one; root only).
 * Returns the totals, all of which should be 0 but `runs` and `faults`.
 */
import { closeSync, openSync, readFileSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { ProviderJob } from '../../shared/domain/market';
import { containersPastDeadline, createChainScan, doubleSends, ledgerRows, terminalName, type Orphan } from './fault-checks';
import { startFaultWorld, type FaultWorld } from './fault-world';
import { ownDockerdAvailable, startOwnDockerd } from './own-dockerd';

export const KILL_POINTS = ['claim-sent', 'running', 'uploading', 'submit-sent', 'withdraw', 'random'] as const;
export type KillPoint = (typeof KILL_POINTS)[number];

export interface FaultTotals {
  runs: number;
  faults: number;
  orphans: number;
  rowsLost: number;
  rowsDoubled: number;
  stuckJobs: number;
  doubleSends: number;
  /** Settled jobs whose results never reached the requester (or came without result.txt). */
  resultsLost: number;
  /** Faults that could not be injected here (no root, no dockerd), in words. */
  skipped: string[];
  seed: number;
  seconds: number;
}

export interface HarnessOptions {
  runs: number;
  seed?: number;
  /** The RPC-down, disk-full and engine-restart faults (default on). */
  environmentFaults?: boolean;
  rpcDownSeconds?: number;
  diskFullSeconds?: number;
  log?: (line: string) => void;
}

/** mulberry32: small, seeded, good enough to pick kill points. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Run i's kill point: the named steps first, in order, then drawn from the RNG. */
export function killPointOf(run: number, random: () => number): KillPoint {
  if (run < KILL_POINTS.length) return KILL_POINTS[run]!;
  return KILL_POINTS[Math.floor(random() * KILL_POINTS.length)]!;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether the record has reached the kill point (or gone past it: then kill at once). */
function reached(point: KillPoint, record: ProviderJob | null, due: number): boolean {
  const txs = record?.txs ?? [];
  const terminal = record !== null && ['settled', 'released', 'refunded', 'failed-to-claim', 'lost-to-other'].includes(record.state);
  switch (point) {
    case 'claim-sent':
      return txs.some((t) => t.kind === 'claim');
    case 'running':
      return record?.state === 'running' || (record !== null && ['uploading', 'submitted'].includes(record.state)) || terminal;
    case 'uploading':
      return record !== null && ['uploading', 'submitted'].includes(record.state) || terminal;
    case 'submit-sent':
      return txs.some((t) => t.kind === 'submit') || terminal;
    case 'withdraw':
      return txs.some((t) => t.kind === 'withdraw');
    case 'random':
      return Date.now() >= due;
  }
}

export async function runFaultHarness(options: HarnessOptions): Promise<FaultTotals> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  log(`fault harness: seed ${seed} (FAULT_SEED=${seed} replays the same kill points), ${options.runs} kill runs`);
  const random = seededRandom(seed);
  const began = Date.now();
  const totals: FaultTotals = { runs: 0, faults: 0, orphans: 0, rowsLost: 0, rowsDoubled: 0, stuckJobs: 0, doubleSends: 0, resultsLost: 0, skipped: [], seed, seconds: 0 };
  const world = await startFaultWorld({ log });
  const chain = createChainScan(world);
  const posted: string[] = [];
  let accepting = true;
  const accepter = (async () => {
    while (accepting) {
      await world.acceptSubmitted(posted.slice(-3)).catch(() => undefined);
      await sleep(300);
    }
  })();
  const seenOrphans = new Set<string>();
  const countOrphans = (found: Orphan[]) => {
    for (const orphan of found) {
      if (seenOrphans.has(orphan.containerId)) continue;
      seenOrphans.add(orphan.containerId);
      totals.orphans += 1;
      log(`  ORPHAN: container ${orphan.containerId} (job ${orphan.localJobId}) ${orphan.overdueSeconds.toFixed(1)} s past its deadline`);
    }
  };
  const checkContainers = () => countOrphans(containersPastDeadline(world, world.dockerEnv()));

  /** Waits for the job to be over on chain, in our record and in the ledger; then checks it all. */
  const settle = async (id: string, label: string, timeoutMs = 120_000) => {
    const until = Date.now() + timeoutMs;
    let last: string;
    for (;;) {
      const chainState = (await world.chainJob(id)).state;
      const terminal = terminalName(chainState);
      const record = world.record(id);
      const rows = ledgerRows(world, id);
      last = `chain ${chainState}, record ${record?.state ?? 'none'}, ledger ${JSON.stringify(rows)}`;
      if (terminal && record?.state === terminal && rows.length >= 1 && rows.every((r) => r.state === terminal)) break;
      if (Date.now() > until) {
        if (terminal && record?.state === terminal) {
          // Over on chain and in our record, but the ledger lacks the row (or has it wrong).
          totals.rowsLost += 1;
          log(`  LEDGER: job ${id} (${label}) ${rows.length === 0 ? 'has no row' : `has rows ${JSON.stringify(rows)}`}: ${last}`);
          return;
        }
        totals.stuckJobs += 1;
        log(`  STUCK: job ${id} (${label}) did not settle in ${timeoutMs / 1000} s: ${last}\n${world.agent()?.output().slice(-2500) ?? ''}`);
        return;
      }
      checkContainers();
      await sleep(250);
    }
    if ((await world.chainJob(id)).state === 'Settled' && !world.delivered(id)) {
      totals.resultsLost += 1;
      const runs = readJobsLog(world.dataDir).filter((line) => line.includes(`"market-${world.devnet.chainId}-${id}-`));
      log(`  RESULTS LOST: job ${id} (${label}) was paid but its result.txt never reached the requester; its runs:\n${runs.join('\n')}`);
    }
    const rows = ledgerRows(world, id);
    if (rows.length > 1) {
      totals.rowsDoubled += rows.length - 1;
      log(`  LEDGER: job ${id} has ${rows.length} rows`);
    }
    checkContainers();
  };
  const checkSends = async () => {
    const problems = doubleSends(world, await chain.scan());
    if (problems.length > totals.doubleSends) {
      for (const p of problems.slice(totals.doubleSends)) log(`  DOUBLE SEND: ${p}`);
      totals.doubleSends = problems.length;
    }
  };
  const waitFor = async (id: string, point: KillPoint, due: number) => {
    const until = Date.now() + 90_000;
    while (!reached(point, world.record(id), due)) {
      if (Date.now() > until) return false;
      await sleep(point === 'random' ? 20 : 5);
    }
    return true;
  };

  try {
    await world.startAgent();
    for (let run = 0; run < options.runs; run += 1) {
      const point = killPointOf(run, random);
      const delayMs = Math.floor(random() * 6_000); // a job lives about 6 s from post to paid
      const id = await world.postJob(`kill ${run + 1} at ${point}`);
      posted.push(id);
      const hit = await waitFor(id, point, Date.now() + delayMs);
      const at = world.record(id)?.state ?? 'no record';
      if (!hit) log(`  not reached: ${JSON.stringify(await world.api('getMarketJob', { chainJobId: id }).catch((e: unknown) => String(e))).slice(0, 1500)}`);
      await world.killAgent();
      totals.runs += 1;
      totals.faults += 1;
      log(`run ${run + 1}/${options.runs}: job ${id}, SIGKILL at ${point}${point === 'random' ? ` (+${delayMs} ms)` : ''}${hit ? '' : ' (point not reached in 90 s)'}, record was ${at}`);
      checkContainers();
      await world.startAgent();
      await settle(id, `kill at ${point}`);
      await checkSends();
    }
    if (options.environmentFaults !== false) await environmentFaults(world, options, totals, { log, posted, settle, checkSends, checkContainers });
  } finally {
    accepting = false;
    await accepter;
    await world.stop();
  }
  totals.seconds = Math.round((Date.now() - began) / 1000);
  log(`fault harness totals: ${JSON.stringify(totals)}`);
  return totals;
}

interface Steps {
  log: (line: string) => void;
  posted: string[];
  settle: (id: string, label: string, timeoutMs?: number) => Promise<void>;
  checkSends: () => Promise<void>;
  checkContainers: () => void;
}

async function waitState(world: FaultWorld, id: string, state: string): Promise<void> {
  const until = Date.now() + 90_000;
  while (world.record(id)?.state !== state && Date.now() < until) await sleep(20);
}

async function environmentFaults(world: FaultWorld, options: HarnessOptions, totals: FaultTotals, steps: Steps): Promise<void> {
  const { log, posted, settle, checkSends } = steps;
  // The RPC endpoint down for 60 s while a job runs.
  const rpcDown = options.rpcDownSeconds ?? 60;
  let id = await world.postJob('rpc down');
  posted.push(id);
  await waitState(world, id, 'running');
  world.proxy.setDown(true);
  log(`fault: RPC endpoint down for ${rpcDown} s (job ${id}, record ${world.record(id)?.state})`);
  await sleep(rpcDown * 1000);
  world.proxy.setDown(false);
  totals.faults += 1;
  await settle(id, 'rpc down', 180_000);
  await checkSends();

  // The data dir's disk full for 10 s while a job runs.
  if (world.tmpfs) {
    id = await world.postJob('disk full');
    posted.push(id);
    await waitState(world, id, 'running');
    const filler = join(world.dataDir, 'fault-harness-filler');
    try {
      fillDisk(filler, world.dataDir);
      log(`fault: data dir full for ${options.diskFullSeconds ?? 10} s (job ${id}, record ${world.record(id)?.state})`);
      await sleep((options.diskFullSeconds ?? 10) * 1000);
    } finally {
      rmSync(filler, { force: true });
    }
    totals.faults += 1;
    await settle(id, 'disk full', 180_000);
    await checkSends();
  } else {
    totals.skipped.push('disk full (the data dir is not a tmpfs of its own: needs root)');
  }

  // The Docker engine restarted mid-job: an own engine, never the shared one.
  const own = ownDockerdAvailable();
  if (!own.ok) {
    totals.skipped.push(`engine restart (${own.reason})`);
    return;
  }
  const engine = await startOwnDockerd();
  try {
    await world.killAgent();
    world.useEngine(engine.host);
    await world.startAgent();
    id = await world.postJob('engine restart');
    posted.push(id);
    await waitState(world, id, 'running');
    log(`fault: Docker engine restarted (job ${id}, record ${world.record(id)?.state})`);
    await engine.restart();
    totals.faults += 1;
    await settle(id, 'engine restart', 180_000);
    await checkSends();
    steps.checkContainers();
  } finally {
    await world.killAgent();
    world.useEngine(undefined);
    await engine.stop();
  }
}

function readJobsLog(dataDir: string): string[] {
  try {
    return readFileSync(join(dataDir, 'jobs.jsonl'), 'utf8').split('\n').map((l) => l.slice(0, 600));
  } catch {
    return [];
  }
}

/** Fills the file system holding `path` to the last byte (ENOSPC for everyone else). */
/** More than the 256 MiB tmpfs holds, far less than a real disk. */
const FILL_LIMIT_BYTES = 300 * 1024 * 1024;

function fillDisk(path: string, dataDir: string): void {
  // Only ever on the data dir's own tmpfs, and never more than it can hold: should the mount
  // be gone (a lazy unmount, a killed run), this must not fill the machine's real disk.
  const mounts = readFileSync('/proc/mounts', 'utf8').split('\n');
  if (!mounts.some((line) => line.split(' ')[1] === dataDir && line.split(' ')[2] === 'tmpfs')) {
    throw new Error(`the data dir ${dataDir} is no longer its own tmpfs; not filling the disk`);
  }
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(1024 * 1024);
  let written = 0;
  try {
    while (written < FILL_LIMIT_BYTES) {
      const { bavail, bsize } = statfsSync(path);
      const left = Number(bavail) * Number(bsize);
      if (left <= 0) return;
      written += writeSync(fd, chunk, 0, Math.min(chunk.length, left));
    }
  } catch {
    // ENOSPC: full.
  } finally {
    closeSync(fd);
  }
}
