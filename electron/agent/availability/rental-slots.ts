/**
 * The jobs currently renting a device, and the yield path that takes a device back.
 * Yielding is the hot path: SIGTERM, a short grace, SIGKILL, remove; nothing else runs
 * before the container is gone (logging and events come after).
 */
import type { ContainerHandle, Logger } from '../ports';

export interface RentalSlot {
  deviceId: string;
  jobId: string;
  preemptible: boolean;
  container: Pick<ContainerHandle, 'id' | 'kill' | 'wait' | 'remove'>;
}

export interface YieldOutcome {
  deviceId: string;
  jobId: string;
  /** From the decision to yield until the container was removed. */
  elapsedMs: number;
  /** The job ignored SIGTERM for the whole grace and was killed. */
  killed: boolean;
}

export interface RentalSlots {
  /** Starts tracking a running job; returns the function that stops tracking it. */
  track(slot: RentalSlot): () => void;
  isRenting(deviceId: string): boolean;
  active(): RentalSlot[];
  /** Releases the device now. Resolves null when nothing was running on it. */
  yieldDevice(deviceId: string): Promise<YieldOutcome | null>;
  onChange(listener: () => void): () => void;
  /**
   * "Finish this job, then pause": the non-preemptible jobs running now are spared from a
   * manual pause until they end (the mark goes with the slot). Returns the jobs spared.
   */
  finishRunningFirst(): RentalSlot[];
  /** Drops every "finish first" mark: the owner chose to stop now, or resumed. */
  clearFinishFirst(): void;
  finishesFirst(deviceId: string): boolean;
}

/** Sub-second by default: the owner's game must get the GPU back within about a second. */
export const DEFAULT_YIELD_GRACE_MS = 300;

export function createRentalSlots(deps: { logger: Logger; graceMs?: number; now?: () => number }): RentalSlots {
  const graceMs = deps.graceMs ?? DEFAULT_YIELD_GRACE_MS;
  const now = deps.now ?? (() => performance.now());
  const slots = new Map<string, RentalSlot>();
  const finishing = new Set<RentalSlot>();
  const yielding = new Map<string, Promise<YieldOutcome | null>>();
  const listeners = new Set<() => void>();
  const changed = () => listeners.forEach((listener) => listener());

  const release = async (slot: RentalSlot): Promise<YieldOutcome> => {
    const started = now();
    await slot.container.kill('SIGTERM');
    const exited = await Promise.race([
      slot.container.wait().then(() => true, () => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), graceMs)),
    ]);
    if (!exited) await slot.container.kill('SIGKILL');
    await slot.container.remove();
    return { deviceId: slot.deviceId, jobId: slot.jobId, elapsedMs: now() - started, killed: !exited };
  };

  return {
    track(slot) {
      slots.set(slot.deviceId, slot);
      changed();
      return () => {
        finishing.delete(slot);
        if (slots.get(slot.deviceId) === slot) {
          slots.delete(slot.deviceId);
          changed();
        }
      };
    },
    isRenting: (deviceId) => slots.has(deviceId),
    active: () => [...slots.values()],
    yieldDevice(deviceId) {
      const pending = yielding.get(deviceId);
      if (pending) return pending;
      const slot = slots.get(deviceId);
      if (!slot) return Promise.resolve(null);
      const run = release(slot)
        .then((outcome) => {
          deps.logger.info('yielded a device back to the owner', { ...outcome });
          return outcome;
        })
        .finally(() => {
          yielding.delete(deviceId);
          if (slots.get(deviceId) === slot) slots.delete(deviceId);
          changed();
        });
      yielding.set(deviceId, run);
      return run;
    },
    finishRunningFirst() {
      const spared = [...slots.values()].filter((slot) => !slot.preemptible);
      spared.forEach((slot) => finishing.add(slot));
      return spared;
    },
    clearFinishFirst() {
      finishing.clear();
    },
    finishesFirst(deviceId) {
      const slot = slots.get(deviceId);
      return slot !== undefined && finishing.has(slot);
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
