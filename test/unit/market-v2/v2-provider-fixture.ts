/**
 * The agent's v2 provider (market-v2/v2-provider.ts) on the fake chain for unit tests: its
 * runs on disk (v2-run-store.ts) and its book from the v2 event log (v2-event-log.ts); a
 * second agent on the same folder is a restart. Every market call it sends is recorded.
 */
import { afterEach } from 'vitest';
import type { JobRecord, JobSpec } from '../../../shared/domain/job';
import { createV2EventLog } from '../../../electron/agent/market-v2/v2-event-log';
import { createV2Provider, type V2ProviderDeps } from '../../../electron/agent/market-v2/v2-provider';
import type { V2Call } from '../../../electron/agent/market-v2/v2-provider-loop';
import { createV2RunStore } from '../../../electron/agent/market-v2/v2-run-store';
import { type FakeChain, fakeConnection } from '../../fakes/fake-chain';
import { recordingLogger } from '../../helpers/silent-logger';
import { tempDir } from '../../helpers/temp-dir';

export const MARKET = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
export const REQUESTER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
export const ME = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';
export const OTHER = '0x90F79bf6EB2c4f870365E785982E1f101E93b906';
export const OUTPUTS = [{ name: 'out.txt', sizeBytes: 12, sha256: 'ab'.repeat(32) }];
const SPEC = { name: 'hash', image: 'rigshift/demo-job@sha256:' + 'ab'.repeat(32) } as unknown as JobSpec;
export const T0 = 1_700_000_000;

export const finished = (id: string): JobRecord =>
  ({ id, reason: 'completed', message: 'Completed in 7 s', outputs: OUTPUTS, timings: { runMs: 7000 } }) as unknown as JobRecord;

/** One agent's provider on `chain`, its files in `dir` (a second one on the same dir is a restart). */
export function agentOn(chain: FakeChain, dir: string, overrides: Partial<V2ProviderDeps> = {}) {
  const connection = fakeConnection(chain, MARKET);
  const log = createV2EventLog({ connection: () => connection, reportFailure: () => undefined, dataDir: dir, logger: recordingLogger().logger, confirmations: () => 0, pollMs: 3_600_000 });
  const store = createV2RunStore(dir, () => new Date());
  store.open('fake-market');
  const calls: V2Call[] = [];
  const started: string[] = [];
  const head = () => chain.blocks()[chain.blocks().length - 1]!;
  const provider = createV2Provider({
    store,
    logger: recordingLogger().logger,
    now: () => new Date(),
    chainTime: () => head().timestamp,
    chainId: () => 31337,
    me: () => ME.toLowerCase(),
    biddingBlocked: () => [],
    verdict: () => ({ fits: true, reasons: [], ask: 90_000n, deviceId: 'cpu', spec: SPEC, uploadUrl: 'http://127.0.0.1:9/up' }),
    constants: () => ({ minStake: 5_000_000n, challengeWindow: 120 }),
    freeStake: () => 10_000_000n,
    ensureStake: async () => true,
    rule: () => ({ maxDisputesLost: 2 }),
    send: async (call) => {
      calls.push(call);
    },
    blockTime: async (n) => chain.blocks()[n]?.timestamp ?? null,
    startJob: async (_spec, _device, localJobId) => {
      started.push(localJobId);
      return { jobId: localJobId, done: Promise.resolve(finished(localJobId)) };
    },
    cancelJob: async () => false,
    upload: async () => undefined,
    notice: () => undefined,
    soon: () => undefined,
    ...overrides,
  });
  const tick = async () => {
    await log.poll();
    const actions = await provider.tick(log.book.all());
    // Let a finished run's record reach the disk.
    await new Promise((r) => setTimeout(r, 20));
    return actions;
  };
  return { log, store, provider, calls, started, tick };
}

/** A fresh folder per call, all removed after each test (call it at a test file's top level). */
export function foldersForEachTest(): () => string {
  const dirs: Array<{ cleanup(): void }> = [];
  afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));
  return () => {
    const dir = tempDir();
    dirs.push(dir);
    return dir.path;
  };
}
