/**
 * What the fault harness checks after each fault, from outside the agent:
 * - orphans: a job container of ours (found by the agent's labels: managed, owner pid)
 *   still there past its deadline (start + maxDuration + stop grace + watchdog margin + 5 s);
 * - the ledger: exactly one row per job of ours, in the chain's terminal state;
 * - the job: terminal on chain, and the agent's record says the same;
 * - transactions: none sent twice. The agent's mined transactions (every block is read)
 *   against its transaction store: no market call repeated for one job, none reverted, no
 *   nonce used by two stored records, no mined transaction the store does not know.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Interface } from 'ethers';
import { MARKET_ABI } from '../../electron/agent/chain/market-abi';
import { MANAGED_LABEL, OWNER_PID_LABEL } from '../../electron/agent/containers/owner-label';
import { WATCHDOG_MARGIN_MS } from '../../electron/agent/jobs/container-watchdog';
import { JOB_ID_LABEL } from '../../electron/agent/jobs/job-container-options';
import type { FaultWorld } from './fault-world';
import { JOB_MAX_SECONDS } from './fault-world';

const marketInterface = new Interface(MARKET_ABI);
/** The runner's SIGTERM-to-SIGKILL grace (job-runner.ts default). */
const STOP_GRACE_MS = 2_000;
export const DEADLINE_SLACK_MS = STOP_GRACE_MS + WATCHDOG_MARGIN_MS + 5_000;

export interface Orphan {
  containerId: string;
  localJobId: string;
  overdueSeconds: number;
}

/** Our job containers past their deadline on the engine `env` points at. */
export function containersPastDeadline(world: FaultWorld, env: NodeJS.ProcessEnv): Orphan[] {
  const ids = execFileSync('docker', ['ps', '-q', '--filter', `label=${MANAGED_LABEL}=true`, '--filter', `label=${JOB_ID_LABEL}`], { env, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
  if (ids.length === 0) return [];
  // A container may go between the listing and the inspection (other tests share the engine):
  // inspect prints the ones still there and fails for the rest.
  const inspected = JSON.parse(spawnSync('docker', ['inspect', ...ids], { env, encoding: 'utf8' }).stdout || '[]') as Array<{
    Id: string;
    State: { Running: boolean; StartedAt: string };
    Config: { Labels: Record<string, string> };
  }>;
  const pids = new Set(world.agentPids.map(String));
  const now = Date.now();
  return inspected
    .filter((c) => c.State.Running && pids.has(c.Config.Labels[OWNER_PID_LABEL] ?? ''))
    .map((c) => ({ containerId: c.Id.slice(0, 12), localJobId: c.Config.Labels[JOB_ID_LABEL] ?? '?', overdueSeconds: (now - (Date.parse(c.State.StartedAt) + JOB_MAX_SECONDS * 1000 + DEADLINE_SLACK_MS)) / 1000 }))
    .filter((c) => c.overdueSeconds > 0);
}

/** Ledger rows of our provider for one job (every attempt), read-only from the agent's SQLite file. */
export function ledgerRows(world: FaultWorld, id: string): Array<{ state: string; attempt: number }> {
  const file = join(world.dataDir, 'ledger.sqlite');
  if (!existsSync(file)) return [];
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT state, attempt FROM jobs WHERE lower(provider) = lower(?) AND job_id = ?').all(world.address, id) as Array<{ state: string; attempt: number }>;
  } finally {
    db.close();
  }
}

export interface MinedTx {
  hash: string;
  nonce: number;
  call: string;
  jobId: string | null;
  ok: boolean;
}

/** Reads the agent's transactions block by block, from where the last call stopped. */
export function createChainScan(world: FaultWorld) {
  let next = world.devnet.deploymentBlock;
  const mined: MinedTx[] = [];
  return {
    mined,
    async scan(): Promise<MinedTx[]> {
      const latest = await world.rpc.getBlockNumber();
      for (; next <= latest; next += 1) {
        const block = await world.rpc.getBlock(next, true);
        for (const tx of block?.prefetchedTransactions ?? []) {
          if (tx.from.toLowerCase() !== world.address.toLowerCase()) continue;
          const receipt = await world.rpc.getTransactionReceipt(tx.hash);
          let call = 'token';
          let jobId: string | null = null;
          if (tx.to?.toLowerCase() === world.devnet.marketAddress.toLowerCase()) {
            const parsed = marketInterface.parseTransaction({ data: tx.data });
            call = parsed?.name ?? '?';
            const first = parsed && parsed.args.length > 0 ? parsed.args[0] : undefined;
            if (typeof first === 'bigint' && ['claim', 'submit', 'release', 'finalize'].includes(call)) jobId = first.toString();
          }
          mined.push({ hash: tx.hash, nonce: tx.nonce, call, jobId, ok: receipt?.status === 1 });
        }
      }
      return mined;
    },
  };
}

/** Every way a transaction was sent twice (or sent unrecorded), in words; empty when none. */
export function doubleSends(world: FaultWorld, mined: MinedTx[]): string[] {
  const problems: string[] = [];
  const seen = new Map<string, MinedTx>();
  for (const tx of mined) {
    if (!tx.ok) problems.push(`${tx.call} ${tx.hash} (nonce ${tx.nonce}) reverted`);
    if (tx.jobId === null) continue;
    const key = `${tx.call}:${tx.jobId}`;
    const before = seen.get(key);
    if (before) problems.push(`${tx.call} for job ${tx.jobId} mined twice (nonces ${before.nonce} and ${tx.nonce})`);
    else seen.set(key, tx);
  }
  const stored = world.walletTxs();
  const byNonce = new Map<number, string[]>();
  for (const tx of stored) byNonce.set(tx.nonce, [...(byNonce.get(tx.nonce) ?? []), tx.kind]);
  for (const [nonce, kinds] of byNonce) if (kinds.length > 1) problems.push(`nonce ${nonce} holds ${kinds.length} stored transactions (${kinds.join(', ')})`);
  for (const tx of mined) if (!byNonce.has(tx.nonce)) problems.push(`${tx.call} ${tx.hash} (nonce ${tx.nonce}) was mined but is not in the transaction store`);
  return problems;
}

/** The chain's terminal state in the agent's words ('Settled' → 'settled'), or null while the job is not over. */
export function terminalName(chainState: string): string | null {
  return chainState === 'Settled' || chainState === 'Refunded' ? chainState.toLowerCase() : null;
}
