import type { GpuInfo } from '../../../shared/domain/gpu';
import type { Clock, CommandRunner, Logger } from '../ports';
import { createElevation, isPrivilegedProcess } from './elevation';
import { createPowerLimiter, type PowerLimitOutcome, type PowerLimiter } from './power-limiter';

/**
 * The power limiter, built on first use: finding out whether the agent is privileged
 * spawns a command on Windows (`net session`), which start-up should not wait for.
 */
export function createLazyPowerLimiter(deps: {
  commands: CommandRunner;
  dataDir: string;
  platform: NodeJS.Platform;
  logger: Logger;
  clock: Clock;
}): Pick<PowerLimiter, 'apply' | 'restore' | 'restorePending'> {
  let limiter: Promise<PowerLimiter> | null = null;
  const get = () =>
    (limiter ??= isPrivilegedProcess({ platform: deps.platform, commands: deps.commands }).then((privileged) =>
      createPowerLimiter({
        commands: deps.commands,
        dataDir: deps.dataDir,
        elevation: createElevation({ commands: deps.commands, platform: deps.platform, privileged }),
        logger: deps.logger,
        clock: deps.clock,
      }),
    ));
  return {
    apply: async (gpu: GpuInfo, watts: number): Promise<PowerLimitOutcome> => (await get()).apply(gpu, watts),
    restore: async (uuid: string): Promise<PowerLimitOutcome> => (await get()).restore(uuid),
    restorePending: async () => (await get()).restorePending(),
  };
}
