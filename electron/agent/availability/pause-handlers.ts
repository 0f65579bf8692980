/**
 * pauseRenting / resumeRenting. "Finish this job, then pause" marks the non-preemptible jobs
 * running now before the pause is applied, so the availability decision the pause triggers
 * spares them (rental-slots.ts); any other pause, or a resume, drops the marks.
 */
import type { CallRequest } from '../../../shared/api/contract';
import type { ManualPause } from '../../../shared/domain/controls';
import type { Settings, SettingsPatch } from '../../../shared/domain/settings';
import { resolvePause } from '../../../shared/domain/schedule';
import type { Clock, Logger } from '../ports';
import type { RentalSlots } from './rental-slots';

export function pauseHandlers(deps: {
  settings: () => Settings;
  apply: (patch: SettingsPatch) => Settings;
  slots: RentalSlots;
  clock: Clock;
  logger: Logger;
}) {
  return {
    pauseRenting: (async ({ duration, finishRunningJob }: CallRequest<'pauseRenting'>): Promise<ManualPause> => {
      const pause = resolvePause(duration, deps.clock.now(), deps.settings().controls.schedule.timeZone);
      if (finishRunningJob) {
        for (const slot of deps.slots.finishRunningFirst()) deps.logger.info('pausing after the running job finishes', { jobId: slot.jobId });
      } else deps.slots.clearFinishFirst();
      return deps.apply({ controls: { pause } }).controls.pause;
    }) as (request: never) => Promise<unknown>,
    resumeRenting: async (): Promise<ManualPause> => {
      deps.slots.clearFinishFirst();
      return deps.apply({ controls: { pause: { kind: 'none' } } }).controls.pause;
    },
  };
}
