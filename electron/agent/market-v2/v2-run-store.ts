/**
 * Our v2 runs on disk, one file per market key (<dataDir>/market/v2-runs/<key>.json),
 * written atomically and awaited BEFORE each effect it guards: the container's local id
 * before it starts, the outputs digest and the salt before the commit is sent (a crash
 * after the commit must still be able to reveal, or the honest provider is slashed), the
 * time of each send before it goes out (a restart does not send it twice while the first
 * may still be mined), each delivery once it is done, and the decision to hand a preemptible
 * slot back (with its checkpoint once the container stopped) before the release is sent: a
 * restart then sends the release it decided (once: the send time is kept, and the chain's
 * Released event ends the slot's running state) and never runs or commits that slot again.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { type JobOutputFile, JobOutputFileSchema } from '../../../shared/domain/job';
import { readJsonOrSetAside, writeJsonAtomically } from '../node-adapters/atomic-json-file';
import type { V2BookJob } from './v2-book';
import type { V2StoredRun } from './v2-market-source';
import type { V2ReleaseIntent } from './v2-provider-plan';

/** What is kept beyond the source's V2StoredRun: when each call was last sent (wall ms). */
export interface V2RunRecord extends V2StoredRun {
  sentAt: Record<string, number>;
  /** The device it runs on ('cpu' or a GPU UUID). */
  deviceId: string | null;
  /** The finished run's output files (names, sizes, sha256): what is uploaded and digested. */
  outputs: JobOutputFile[] | null;
  runStartedAt: string | null;
  runEndedAt: string | null;
  release: V2ReleaseIntent | null;
}

const RunSchema = z.object({
  chainJobId: z.string(),
  slot: z.number().int(),
  outputsDigest: z.string().nullable(),
  salt: z.string().nullable(),
  seconds: z.number().int().nullable(),
  deliveredTo: z.array(z.string()),
  localJobId: z.string().nullable(),
  askMicrosPerHour: z.string().nullable(),
  error: z.string().nullable(),
  updatedAt: z.string(),
  sentAt: z.record(z.string(), z.number()),
  deviceId: z.string().nullable(),
  outputs: z.array(JobOutputFileSchema).nullable(),
  // Added after the first files were written: absent there.
  runStartedAt: z.string().nullable().default(null),
  runEndedAt: z.string().nullable().default(null),
  // Absent in files written before releases existed.
  release: z.object({ why: z.string(), stopped: z.boolean() }).nullable().optional(),
});
const FileSchema = z.object({ version: z.literal(1), runs: z.array(RunSchema) });

export interface V2RunStore {
  /** Loads the runs of this market key (and forgets the previous key's from memory). */
  open(key: string): void;
  runs(): ReadonlyMap<string, V2RunRecord>;
  get(id: string): V2RunRecord | undefined;
  /** Applies a change and resolves once it is on disk. */
  save(id: string, patch: Partial<V2RunRecord> & Pick<V2RunRecord, 'slot'>): Promise<V2RunRecord>;
  update(id: string, patch: Partial<V2RunRecord>): Promise<V2RunRecord | undefined>;
}

export function createV2RunStore(dataDir: string, now: () => Date): V2RunStore {
  let file: string | null = null;
  let runs = new Map<string, V2RunRecord>();
  /** Writes go one after another, each with the whole map as it was when it started. */
  let writing: Promise<void> = Promise.resolve();

  const persist = () => {
    const path = file;
    if (!path) return Promise.resolve();
    const snapshot = [...runs.values()].map((r) => ({ ...r, askMicrosPerHour: r.askMicrosPerHour === null ? null : r.askMicrosPerHour.toString() }));
    writing = writing.catch(() => undefined).then(() => writeJsonAtomically(path, { version: 1, runs: snapshot }));
    return writing;
  };

  const store: V2RunStore = {
    open(key) {
      file = join(dataDir, 'market', 'v2-runs', `${key}.json`);
      runs = new Map();
      const read = readJsonOrSetAside(
        file,
        (raw) => {
          const parsed = FileSchema.safeParse(raw);
          return parsed.success ? { ok: true, value: parsed.data } : { ok: false, reason: parsed.error.message };
        },
        now(),
      );
      if (read.kind !== 'ok') return;
      for (const r of read.value.runs) runs.set(r.chainJobId, { ...r, release: r.release ?? null, askMicrosPerHour: r.askMicrosPerHour === null ? null : BigInt(r.askMicrosPerHour) });
    },
    runs: () => runs,
    get: (id) => runs.get(id),
    async save(id, patch) {
      const base: V2RunRecord = runs.get(id) ?? { chainJobId: id, slot: patch.slot, outputsDigest: null, salt: null, seconds: null, deliveredTo: [], localJobId: null, askMicrosPerHour: null, error: null, updatedAt: '', sentAt: {}, deviceId: null, outputs: null, runStartedAt: null, runEndedAt: null, release: null };
      const next = { ...base, ...patch, chainJobId: id, updatedAt: now().toISOString() };
      runs.set(id, next);
      await persist();
      return next;
    },
    async update(id, patch) {
      const current = runs.get(id);
      if (!current) return undefined;
      return store.save(id, { ...patch, slot: patch.slot ?? current.slot });
    },
  };
  return store;
}

/**
 * Whether a run of ours is not over: its job neither settled nor refunded, the run not given
 * up, and our slot not ended (a slot given back with nothing, or paid for its checkpoint, is
 * over while the job goes on with others). While one is, the wallet stays unlocked (its
 * commit, reveal or release must be signed).
 */
export function runInFlight(runs: Iterable<V2StoredRun>, stateOf: (id: string) => string | undefined, slotOver: (run: V2StoredRun) => boolean = () => false): boolean {
  for (const run of runs) {
    const state = stateOf(run.chainJobId);
    if (state !== undefined && state !== 'settled' && state !== 'refunded' && run.error === null && !slotOver(run)) return true;
  }
  return false;
}

/** Our slot of a run's job has ended (paid, slashed, freed, or given back with nothing): nothing left to sign for it. */
export function slotOver(run: V2StoredRun, job: V2BookJob | undefined): boolean {
  const slot = job?.slots.find((s) => s.slot === run.slot);
  return slot !== undefined && slot.state !== 'running' && slot.state !== 'committed' && slot.state !== 'revealed';
}

/** Whether a run still holds its device or waits for its result: not failed, not being given back. */
export function runPending(run: V2StoredRun): boolean {
  return run.outputsDigest === null && run.error === null && !run.release;
}

/** How long a closed job's results stay on disk after its run's last change (as v1: 7 days). */
export const V2_RESULT_RETENTION_MS = 7 * 24 * 3600 * 1000;

/** Runs whose results may go: the job ended and the run has not changed for the retention time. */
export function resultsToRemove(runs: Iterable<V2StoredRun>, stateOf: (id: string) => string | undefined, nowMs: number, retentionMs = V2_RESULT_RETENTION_MS): V2StoredRun[] {
  const out: V2StoredRun[] = [];
  for (const run of runs) {
    const state = stateOf(run.chainJobId);
    if (run.localJobId && (state === 'settled' || state === 'refunded') && nowMs - Date.parse(run.updatedAt) >= retentionMs) out.push(run);
  }
  return out;
}
