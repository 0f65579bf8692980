/**
 * The provider's job machine wired to fakes only: the in-memory contract
 * (fake-provider-chain.ts), records kept in memory exactly as persisted (a "crash" is a new
 * provider over the same records), runs the test finishes by hand, an upload endpoint
 * scripted per attempt, and a name → addresses table for the upload host check.
 */
import { AgentError } from '../../../shared/api/result';
import type { JobRecord, JobSpec } from '../../../shared/domain/job';
import { nonPublicAddressKind } from '../../../shared/domain/job-spec-validation';
import type { ProviderJob } from '../../../shared/domain/market';
import type { BookJob } from '../../../electron/agent/market/market-book';
import { createMarketProvider, type MarketProvider } from '../../../electron/agent/market/market-provider';
import type { ProviderRecords, StoredProviderJob } from '../../../electron/agent/market/provider-records';
import { createFakeProviderChain, type FakeProviderChain } from '../../fakes/fake-provider-chain';
import { recordingLogger } from '../../helpers/silent-logger';

export const ME = '0x00000000000000000000000000000000000000c0';

export const SPEC: JobSpec = {
  version: 1,
  name: 'unit job',
  image: `rigshift-test/job@sha256:${'b'.repeat(64)}`,
  command: ['sh', '-c', 'true'],
  inputs: [],
  outputs: { maxTotalBytes: 1_048_576, maxFiles: 10 },
  resources: { gpus: 0, minVramMiB: 0, cpus: 1, memoryMiB: 128, scratchMiB: 0 },
  maxDurationSeconds: 60,
  preemptible: false,
  network: 'none',
} as JobSpec;

export function memoryRecords() {
  const store = new Map<string, StoredProviderJob>();
  let failWith: Error | null = null;
  const records: ProviderRecords = {
    load: () => [...store.values()].map((s) => structuredClone(s)),
    async save(_key, job) {
      if (failWith) throw failWith;
      store.set(job.record.chainJobId, structuredClone(job));
    },
  };
  return { records, store, failSaves: (error: Error | null) => (failWith = error) };
}

export interface Run {
  localJobId: string;
  finish(reason?: JobRecord['reason'], runMs?: number, error?: JobRecord['error']): void;
}

export type UploadScript = Array<'ok' | number | 'unreachable' | 'refused'>;

export function createHarness(options: { chain?: FakeProviderChain; records?: ReturnType<typeof memoryRecords>; upload?: UploadScript; dns?: Record<string, string[]>; isLocal?: boolean; wallMs?: number } = {}) {
  const chain = options.chain ?? createFakeProviderChain({ me: ME, isLocal: options.isLocal });
  const records = options.records ?? memoryRecords();
  const log = recordingLogger();
  let wallMs = options.wallMs ?? chain.time() * 1000;
  const clock = { now: () => new Date(wallMs) };
  const runs: Run[] = [];
  const uploads: Array<{ url: string; at: number }> = [];
  const script = [...(options.upload ?? [])];
  const removed: string[] = [];
  const changes: ProviderJob[] = [];
  const diskFull: unknown[] = [];
  const dns = options.dns ?? { 'upload.example.com': ['93.184.216.34'] };
  let deviceFree = true;

  // This process's view of the records: after kill() it writes nothing (a dead process).
  let dead = false;
  const view: ProviderRecords = {
    load: (key) => records.records.load(key),
    save: async (key, job) => {
      if (!dead) await records.records.save(key, job);
    },
  };
  const provider: MarketProvider = createMarketProvider({
    records: view,
    clock,
    logger: log.logger,
    async startJob(_spec, _device, jobId) {
      let resolve!: (r: JobRecord) => void;
      const done = new Promise<JobRecord>((r) => (resolve = r));
      const localJobId = jobId ?? `local-${runs.length}`;
      runs.push({
        localJobId,
        finish(reason = 'completed', runMs = 5000, error?: JobRecord['error']) {
          resolve({
            id: localJobId,
            name: 'unit job',
            image: SPEC.image,
            deviceId: 'cpu',
            runtime: 'runsc',
            network: 'none',
            preemptible: false,
            state: 'finished',
            reason,
            exitCode: reason === 'completed' ? 0 : 1,
            message: reason ?? 'done',
            timings: { createdAt: clock.now().toISOString(), startedAt: null, finishedAt: clock.now().toISOString(), prepareMs: 0, runMs },
            outputs: reason === 'completed' ? [{ name: 'result.txt', sizeBytes: 5, sha256: 'a'.repeat(64) }] : [],
            logs: { bytesKept: 0, bytesDropped: 0 },
            ...(error ? { error } : {}),
          });
        },
      });
      return { jobId: localJobId, done };
    },
    async cancelJob(jobId) {
      runs.find((r) => r.localJobId === jobId)?.finish('cancelled', 1000);
      return true;
    },
    onChange: (job) => changes.push(job),
    deviceAvailable: () => deviceFree,
    async upload({ url }) {
      uploads.push({ url, at: wallMs });
      const next = script.length > 0 ? script.shift()! : 'ok';
      if (next === 'ok') return { bytes: 2048 };
      if (next === 'refused') throw new AgentError('upload_refused', 'The results were not uploaded: the upload host resolves to a private address.');
      if (next === 'unreachable') throw new AgentError('upload_failed', 'The results could not be uploaded: connect ECONNREFUSED.');
      throw new AgentError('upload_failed', `The upload endpoint answered HTTP ${next}.`);
    },
    archiveBytes: () => 2048,
    async checkUploadHost(url) {
      const host = new URL(url).hostname;
      const addresses = dns[host];
      if (!addresses) throw new AgentError('upload_refused', `The upload host is refused: ${host} does not resolve.`);
      for (const a of addresses) {
        const kind = nonPublicAddressKind(a);
        if (kind) throw new AgentError('upload_refused', `The upload host is refused: ${host} resolves to ${a}, a ${kind} address.`);
      }
    },
    removeResults: (id) => removed.push(id),
    resultRetentionMs: 7 * 24 * 3600_000,
    onDiskFull: (error) => diskFull.push(error),
    random: () => 0.5,
  });

  const connect = () =>
    provider.setContext({ chain: chain.chain, chainKey: 'unit-chain', constants: { minStake: 5_000_000n, challengeWindow: 600, feeBps: 250, reopenClaimWindow: 600 }, me: ME, chainId: 31337, marketAddress: '0xmarket' }, records.records.load('unit-chain'), () => SPEC);
  connect();

  /** Lets queued microtasks and follow-up steps run. */
  const settle = async () => {
    for (let i = 0; i < 20; i++) {
      await provider.idle();
      await new Promise((r) => setImmediate(r));
    }
  };

  /** Lets microtasks run without waiting for steps that hang (a transaction never mined). */
  const flush = async () => {
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  };

  return {
    chain,
    flush,
    records,
    provider,
    log: log.entries,
    runs,
    uploads,
    removed,
    changes,
    diskFull,
    settle,
    /** kill -9: nothing of this process runs or writes any more; the chain keeps what it was sent. */
    kill() {
      dead = true;
      chain.forgetWaiters();
      provider.setContext(null, [], () => null);
    },
    /** Wall and chain time move together. */
    advance(seconds: number) {
      wallMs += seconds * 1000;
      chain.advanceTime(seconds);
    },
    setDeviceFree(free: boolean) {
      deviceFree = free;
    },
    job: (id: string) => provider.get(id)?.record,
    extra: (id: string) => provider.get(id)?.extra,
    book(id: string, uploadUrl = 'https://upload.example.com/r/1'): { book: BookJob; uploadUrl: string } {
      const j = chain.jobs.get(id)!;
      const book: BookJob = {
        id,
        requester: j.requester,
        specHash: '0x',
        inlineSpec: '{}',
        facts: null,
        specError: null,
        maxPricePerHour: j.maxPricePerHour,
        maxDurationSeconds: j.maxDurationSeconds,
        claimBy: j.claimBy,
        runBy: j.runBy,
        preemptible: j.preemptible,
        escrow: j.escrow,
        postedBlock: 1,
        postedTx: '0x',
        state: 'open',
        provider: null,
        ask: null,
        attempt: j.attempt,
        billedSeconds: null,
        resultUri: null,
        events: [],
      };
      return { book, uploadUrl };
    },
    async claim(id: string, uploadUrl?: string) {
      const { book, uploadUrl: url } = this.book(id, uploadUrl);
      const result = await provider.claim(book, SPEC, url, 1_000_000n, 'cpu');
      await settle();
      return result;
    },
    /** Steps every open job once (what the feature's tick does). */
    async tick() {
      for (const entry of [...provider.jobs.values()]) await provider.advance(entry.record.chainJobId);
      await settle();
    },
  };
}

export type Harness = ReturnType<typeof createHarness>;
