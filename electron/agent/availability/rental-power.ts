/**
 * Applies the owner's power limit to a GPU for the time of a rental and puts the previous
 * limit back afterwards. Outcomes (including failures, with their reason) are kept for
 * the UI: if a limit could not be applied, the owner sees why; nothing pretends.
 */
import type { PowerLimitStatus } from '../../../shared/domain/availability';
import type { Controls } from '../../../shared/domain/controls';
import type { GpuInfo } from '../../../shared/domain/gpu';
import type { Clock, Logger } from '../ports';
import type { PowerLimitOutcome } from '../power/power-limiter';

export interface PowerControl {
  apply(gpu: GpuInfo, watts: number): Promise<PowerLimitOutcome>;
  restore(gpuUuid: string): Promise<PowerLimitOutcome>;
}

export interface RentalPower {
  /** Call with the devices renting now; applies or restores limits for the difference. */
  sync(rentingDeviceIds: readonly string[]): Promise<void>;
  statuses(): PowerLimitStatus[];
}

export function createRentalPower(deps: {
  power: PowerControl;
  controls: () => Controls;
  gpus: () => GpuInfo[];
  clock: Clock;
  logger: Logger;
  onChange: () => void;
}): RentalPower {
  const limited = new Set<string>();
  const statuses = new Map<string, PowerLimitStatus>();
  let queue: Promise<void> = Promise.resolve();

  const record = (gpuUuid: string, state: PowerLimitStatus['state'], watts: number | null, message: string) => {
    statuses.set(gpuUuid, { gpuUuid, state, watts, message, at: deps.clock.now().toISOString() });
    deps.onChange();
  };

  const describeFailure = (outcome: Extract<PowerLimitOutcome, { applied: false }>) =>
    `${outcome.reason}${outcome.hint ? ` ${outcome.hint}` : ''}`;

  const syncNow = async (renting: readonly string[]) => {
    for (const gpu of deps.gpus()) {
      const watts = deps.controls().gpus[gpu.uuid]?.powerLimitW ?? null;
      const isRenting = renting.includes(gpu.uuid);
      if (isRenting && watts !== null && !limited.has(gpu.uuid)) {
        const outcome = await deps.power.apply(gpu, watts);
        if (outcome.applied) {
          limited.add(gpu.uuid);
          record(gpu.uuid, 'applied', outcome.watts, `Limited to ${outcome.watts} W for this rental.`);
        } else {
          deps.logger.warn('power limit not applied', { gpu: gpu.uuid, reason: outcome.reason });
          record(gpu.uuid, 'failed', watts, `Could not limit the card to ${watts} W: ${describeFailure(outcome)}`);
        }
      } else if (!isRenting && limited.has(gpu.uuid)) {
        const outcome = await deps.power.restore(gpu.uuid);
        if (outcome.applied) {
          limited.delete(gpu.uuid);
          record(gpu.uuid, 'restored', outcome.watts, `Power limit back to ${outcome.watts} W.`);
        } else {
          deps.logger.error('power limit not restored', { gpu: gpu.uuid, reason: outcome.reason });
          record(gpu.uuid, 'restore-failed', null, `Could not restore the power limit: ${describeFailure(outcome)} RigShift retries at its next start.`);
        }
      }
    }
  };

  return {
    // One change at a time, in order: nvidia-smi calls must never interleave.
    sync(renting) {
      queue = queue.then(() => syncNow(renting)).catch((error: unknown) => {
        deps.logger.error('power limit sync failed', { error: String(error) });
      });
      return queue;
    },
    statuses: () => [...statuses.values()],
  };
}
