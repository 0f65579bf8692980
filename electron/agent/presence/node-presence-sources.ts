/**
 * The Node (headless) presence sources, wired for this machine. The desktop app uses the
 * same ones except idle, where it passes createElectronIdleSource (electron/main/).
 */
import type { Clock, CommandRunner, ContainerRuntime, Logger } from '../ports';
import { createBatterySource } from './battery';
import { createFullscreenSource, type NativeFullscreenCheck } from './fullscreen';
import { createGpuProcessSource } from './gpu-processes';
import { createNodeIdleSource } from './node-idle-source';
import type { BatterySource, FullscreenSource, GpuProcessSource, IdleSource, ProcessLister } from './presence-ports';
import { createProcessLister } from './process-watch';

export interface NodePresenceSourcesOptions {
  runner: CommandRunner;
  docker: Pick<ContainerRuntime, 'listContainers'>;
  logger: Logger;
  clock: Clock;
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  /** nvidia-smi path as found by gpu/locate-nvidia-smi.ts. */
  nvidiaSmi?: string;
  nativeFullscreen?: NativeFullscreenCheck;
}

export interface PresenceSources {
  idle: IdleSource;
  processes: ProcessLister;
  fullscreen: FullscreenSource;
  gpuProcesses: GpuProcessSource;
  battery: BatterySource;
}

export function createNodePresenceSources(options: NodePresenceSourcesOptions): PresenceSources {
  const platform = options.platform ?? process.platform;
  const env = options.env ?? process.env;
  const { runner, logger, clock } = options;
  return {
    idle: createNodeIdleSource({ runner, platform, env, clock }),
    processes: createProcessLister({ platform, runner }),
    fullscreen: createFullscreenSource({ platform, runner, env, native: options.nativeFullscreen }),
    gpuProcesses: createGpuProcessSource({ platform, runner, docker: options.docker, logger, nvidiaSmi: options.nvidiaSmi }),
    battery: createBatterySource({ platform, runner }),
  };
}
