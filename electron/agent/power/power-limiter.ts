/**
 * Owner-set GPU power limits for the time of a rental (Controls.gpus[uuid].powerLimitW).
 *
 *  apply(gpu, W):   validate → read the current limit → persist a restore record → change
 *                   the limit through the Elevation port → read it back.
 *  restore(uuid):   put the recorded previous limit back, then drop the record.
 *  restorePending() on agent start: restore every card a crashed/killed agent left limited.
 *
 * It never pretends: every refusal (range, laptop GPU, no elevation, declined prompt,
 * nvidia-smi error, a limit that did not stick) comes back as applied:false with nvidia-smi's
 * or the elevation's own words and the fix.
 */
import type { GpuInfo } from '../../../shared/domain/gpu';
import { nvidiaSmiFailure, numberCell } from '../gpu/nvidia-smi-csv';
import type { Clock, CommandResult, CommandRunner, Logger } from '../ports';
import { type Elevation, type ElevationPurpose, GPU_UUID, powerLimitArgs } from './elevation';
import { createRestoreStore, type RestoreRecord } from './restore-store';

export type { RestoreRecord } from './restore-store';

export type PowerLimitFailureCode =
  | 'invalid-gpu'
  | 'invalid-watts'
  | 'out-of-range'
  | 'unsupported'
  | 'no-nvidia-smi'
  | 'elevation-unavailable'
  | 'elevation-refused'
  | 'helper-rejected'
  | 'nvidia-smi-failed'
  | 'not-verified'
  | 'state-write-failed'
  | 'nothing-to-restore';

export type PowerLimitOutcome =
  | { applied: true; watts: number; gpuUuid: string }
  | { applied: false; reason: string; hint?: string; code: PowerLimitFailureCode; gpuUuid: string };

export interface PowerLimiter {
  apply(gpu: GpuInfo, watts: number): Promise<PowerLimitOutcome>;
  restore(gpuUuid: string): Promise<PowerLimitOutcome>;
  restorePending(): Promise<PowerLimitOutcome[]>;
  pending(): RestoreRecord[];
}

export interface PowerLimiterDeps {
  commands: CommandRunner;
  dataDir: string;
  elevation: Elevation;
  logger: Logger;
  clock: Clock;
  /** For the unprivileged read of the current limit; default `nvidia-smi` on PATH. */
  nvidiaSmiPath?: string;
}

/** `nvidia-smi -i <uuid> --query-gpu=power.limit --format=csv,noheader,nounits` (unprivileged). */
export const readPowerLimitArgs = (uuid: string): string[] => [
  '-i',
  uuid,
  '--query-gpu=power.limit',
  '--format=csv,noheader,nounits',
];

const READ_TIMEOUT_MS = 15_000;
/** nvidia-smi reports limits with two decimals; a read-back within this counts as applied. */
const READBACK_TOLERANCE_W = 0.5;

const UNSUPPORTED_HINT =
  'This GPU does not let software change its power limit (most laptop GPUs and some OEM cards). Leave the power limit empty for this GPU.';

type Failure = Extract<PowerLimitOutcome, { applied: false }>;
const fail = (gpuUuid: string, code: PowerLimitFailureCode, reason: string, hint?: string): Failure =>
  hint === undefined ? { applied: false, code, reason, gpuUuid } : { applied: false, code, reason, hint, gpuUuid };

const firstLine = (text: string): string =>
  text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .find((line) => line.length > 0) ?? '';

export function createPowerLimiter(deps: PowerLimiterDeps): PowerLimiter {
  const { commands, elevation, logger, clock } = deps;
  const nvidiaSmi = deps.nvidiaSmiPath ?? 'nvidia-smi';
  const store = createRestoreStore({ dataDir: deps.dataDir, logger, clock });
  const loadRecords = (): RestoreRecord[] => {
    try {
      return store.load();
    } catch (error) {
      logger.error(`Could not read ${store.path}; pending power-limit restores are unknown`, { error: String(error) });
      return [];
    }
  };
  let records: RestoreRecord[] = loadRecords();

  // One change at a time: records and the card must never be updated out of order.
  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  };

  async function readLimit(uuid: string): Promise<{ ok: true; watts: number } | { ok: false; failure: Failure }> {
    const result = await commands.run(nvidiaSmi, readPowerLimitArgs(uuid), { timeoutMs: READ_TIMEOUT_MS });
    if (result.kind === 'missing') {
      return { ok: false, failure: fail(uuid, 'no-nvidia-smi', `nvidia-smi (${nvidiaSmi}) is not installed.`, 'Install the NVIDIA driver.') };
    }
    if (result.kind === 'timeout') {
      return { ok: false, failure: fail(uuid, 'nvidia-smi-failed', 'nvidia-smi did not answer when asked for the current power limit.', 'Reboot, then update the NVIDIA driver.') };
    }
    if (result.kind === 'error') {
      return { ok: false, failure: fail(uuid, 'nvidia-smi-failed', `nvidia-smi could not be started: ${result.message}`) };
    }
    const text = `${result.stdout}\n${result.stderr}`;
    const known = nvidiaSmiFailure(text);
    if (known) return { ok: false, failure: fail(uuid, 'nvidia-smi-failed', known.message, known.hint) };
    if (result.code !== 0) {
      return {
        ok: false,
        failure: fail(uuid, 'nvidia-smi-failed', `Reading the power limit of ${uuid} failed (nvidia-smi exit ${result.code}): ${firstLine(text) || 'no output'}`),
      };
    }
    let watts: number | null;
    try {
      watts = numberCell(firstLine(result.stdout), 'power.limit');
    } catch {
      return { ok: false, failure: fail(uuid, 'nvidia-smi-failed', `nvidia-smi returned "${firstLine(result.stdout)}" for power.limit.`) };
    }
    if (watts === null || watts <= 0) {
      return { ok: false, failure: fail(uuid, 'unsupported', `${uuid} does not report a software power limit ("${firstLine(result.stdout)}").`, UNSUPPORTED_HINT) };
    }
    return { ok: true, watts };
  }

  /** Runs `-pl` through the elevation and turns every way it can fail into a Failure. */
  async function setLimit(uuid: string, watts: number, purpose: ElevationPurpose): Promise<{ ok: true } | { ok: false; failure: Failure; uncertain: boolean }> {
    let result: CommandResult;
    try {
      result = await elevation.run(powerLimitArgs(uuid, watts), { purpose });
    } catch (error) {
      return { ok: false, uncertain: false, failure: fail(uuid, 'elevation-unavailable', `Could not ask for administrator rights: ${String(error)}`) };
    }
    const elevationProblem = elevation.explainFailure(result);
    if (elevationProblem) {
      return { ok: false, uncertain: false, failure: fail(uuid, elevationProblem.code, elevationProblem.reason, elevationProblem.hint) };
    }
    switch (result.kind) {
      case 'missing':
        return { ok: false, uncertain: false, failure: fail(uuid, 'no-nvidia-smi', `nvidia-smi could not be found (${elevation.describe()}).`, 'Install the NVIDIA driver.') };
      case 'timeout':
        // The change may or may not have happened: keep the record so it gets restored.
        return { ok: false, uncertain: true, failure: fail(uuid, 'nvidia-smi-failed', `Changing the power limit did not finish in time (${elevation.describe()}).`) };
      case 'error':
        return { ok: false, uncertain: false, failure: fail(uuid, 'elevation-unavailable', result.message) };
      case 'exited':
        break;
    }
    const text = `${result.stdout}\n${result.stderr}`;
    const line = (pattern: RegExp) => text.split(/\r?\n/).map((l) => l.trim()).find((l) => pattern.test(l)) ?? firstLine(text);
    // "Changing power management limit is not supported in current scope for GPU ...
    // Treating as warning and moving on. All done." exits 0 on some drivers: read the text.
    if (/not supported/i.test(text)) {
      return { ok: false, uncertain: false, failure: fail(uuid, 'unsupported', `nvidia-smi: ${line(/not supported/i)}`, UNSUPPORTED_HINT) };
    }
    if (/Insufficient Permissions|do not have permission|permission denied|must be run as (root|administrator)/i.test(text)) {
      return {
        ok: false,
        uncertain: false,
        failure: fail(uuid, 'elevation-unavailable', `nvidia-smi was not allowed to change the power limit: ${line(/permission/i)}`, `RigShift ran it via ${elevation.describe()}; see resources/power-helper/README.md.`),
      };
    }
    if (/not a valid power limit|should be between/i.test(text)) {
      return { ok: false, uncertain: false, failure: fail(uuid, 'out-of-range', `nvidia-smi: ${line(/valid power limit|between/i)}`) };
    }
    const known = nvidiaSmiFailure(text);
    if (known) return { ok: false, uncertain: false, failure: fail(uuid, 'nvidia-smi-failed', known.message, known.hint) };
    if (result.code !== 0) {
      return {
        ok: false,
        uncertain: false,
        failure: fail(uuid, 'nvidia-smi-failed', `nvidia-smi -pl exited with code ${result.code}: ${firstLine(text) || 'no output'}`),
      };
    }
    return { ok: true };
  }

  /** Reads the limit back; a readable value that differs means the change did not stick. */
  async function verify(uuid: string, watts: number): Promise<Failure | null> {
    const back = await readLimit(uuid);
    if (!back.ok) {
      logger.warn('Could not read the power limit back after changing it', { gpuUuid: uuid, reason: back.failure.reason });
      return null;
    }
    if (Math.abs(back.watts - watts) > READBACK_TOLERANCE_W) {
      return fail(
        uuid,
        'not-verified',
        `nvidia-smi reported success, but ${uuid} now reports a power limit of ${back.watts} W instead of ${watts} W.`,
        'Another tool (MSI Afterburner, the driver control panel, a vendor utility) may be managing this card\'s power limit; close it and try again.',
      );
    }
    return null;
  }

  async function save(next: RestoreRecord[], uuid: string): Promise<Failure | null> {
    try {
      await store.save(next);
      records = next;
      return null;
    } catch (error) {
      return fail(uuid, 'state-write-failed', `Could not write ${store.path}: ${String(error)}`, 'Check that the RigShift data folder is writable and the disk is not full.');
    }
  }

  async function restoreOne(uuid: string): Promise<PowerLimitOutcome> {
    const record = records.find((r) => r.gpuUuid === uuid);
    if (!record) return fail(uuid, 'nothing-to-restore', `RigShift has not changed the power limit of ${uuid}; nothing to restore.`);
    const target = restoreTarget(record);
    const changed = await setLimit(uuid, target, 'reset');
    if (!changed.ok) {
      logger.warn('Restoring a GPU power limit failed; the record is kept for the next try', { gpuUuid: uuid, reason: changed.failure.reason });
      return changed.failure;
    }
    const mismatch = await verify(uuid, target);
    if (mismatch) return mismatch;
    const saveFailure = await save(records.filter((r) => r.gpuUuid !== uuid), uuid);
    if (saveFailure) {
      // The card is back; only the bookkeeping failed. A later restore is harmless.
      logger.warn('GPU power limit restored, but the restore record could not be removed', { gpuUuid: uuid, reason: saveFailure.reason });
    }
    logger.info('GPU power limit restored', { gpuUuid: uuid, watts: target });
    return { applied: true, watts: target, gpuUuid: uuid };
  }

  return {
    apply(gpu, watts) {
      return exclusive(async (): Promise<PowerLimitOutcome> => {
        const uuid = gpu.uuid;
        if (!GPU_UUID.test(uuid)) return fail(uuid, 'invalid-gpu', `"${uuid}" is not an NVIDIA GPU UUID (GPU-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx).`);
        if (!Number.isInteger(watts) || watts <= 0) {
          return fail(uuid, 'invalid-watts', `The power limit must be a whole number of watts; got ${watts}.`);
        }
        const { min, max } = gpu.power;
        if (min === null || max === null) {
          return fail(uuid, 'unsupported', `${gpu.name} does not report a power-limit range, so its power limit cannot be changed.`, UNSUPPORTED_HINT);
        }
        if (watts < min || watts > max) {
          return fail(
            uuid,
            'out-of-range',
            `${watts} W is outside the range ${gpu.name} accepts: ${min}–${max} W.`,
            `Choose a power limit between ${Math.ceil(min)} W and ${Math.floor(max)} W.`,
          );
        }

        const current = await readLimit(uuid);
        if (!current.ok) return current.failure;

        // Record BEFORE touching the card. A card that is already limited by us keeps its
        // original previous limit: restoring must go back to the owner's value, not ours.
        const before = records;
        const existing = before.find((r) => r.gpuUuid === uuid);
        const record: RestoreRecord = {
          gpuUuid: uuid,
          previousW: existing?.previousW ?? current.watts,
          appliedW: watts,
          at: clock.now().toISOString(),
          minW: min,
          maxW: max,
        };
        const writeFailure = await save([...before.filter((r) => r.gpuUuid !== uuid), record], uuid);
        if (writeFailure) return writeFailure;

        const changed = await setLimit(uuid, watts, 'set');
        if (!changed.ok) {
          // Definitely unchanged: go back to the records as they were. Unknown (timeout):
          // keep the record so restore puts the card back either way.
          if (!changed.uncertain) await save(before, uuid);
          logger.warn('GPU power limit not applied', { gpuUuid: uuid, watts, code: changed.failure.code, reason: changed.failure.reason });
          return changed.failure;
        }
        const mismatch = await verify(uuid, watts);
        if (mismatch) {
          logger.warn('GPU power limit did not stick', { gpuUuid: uuid, watts, reason: mismatch.reason });
          return mismatch;
        }
        logger.info('GPU power limit applied', { gpuUuid: uuid, watts, previousW: record.previousW, via: elevation.describe() });
        return { applied: true, watts, gpuUuid: uuid };
      });
    },

    restore(gpuUuid) {
      return exclusive(() => restoreOne(gpuUuid));
    },

    restorePending() {
      return exclusive(async () => {
        records = loadRecords();
        const outcomes: PowerLimitOutcome[] = [];
        for (const record of [...records]) outcomes.push(await restoreOne(record.gpuUuid));
        return outcomes;
      });
    },

    pending() {
      return records.map((r) => ({ ...r }));
    },
  };
}

/** Whole watts nvidia-smi (and the helper) accept, kept inside the recorded range. */
export function restoreTarget(record: Pick<RestoreRecord, 'previousW' | 'minW' | 'maxW'>): number {
  let target = Math.round(record.previousW);
  if (record.maxW != null && target > record.maxW) target = Math.floor(record.maxW);
  if (record.minW != null && target < record.minW) target = Math.ceil(record.minW);
  return target;
}
