/**
 * The job runner wired to the real adapters (dockerode, the image cache, the jobs history
 * in the data dir), as the agent's composition root and `rigshift run-job` both build it.
 */
import { createRentalSlots, type RentalSlots } from '../availability/rental-slots';
import { createDockerodeRuntime } from '../docker/dockerode-runtime';
import { createJobHistory, type JobHistory } from '../history/job-history';
import { createImageCache } from '../images/image-cache';
import type { Clock, ContainerRuntime, Logger } from '../ports';
import Dockerode from 'dockerode';
import type { AddressPolicy } from '../../../shared/domain/address-policy';
import { type ContainerWatchdog, createProcessWatchdog, dockerEndpointOf } from './container-watchdog';
import { createJobRunner, type EgressNetworks, type JobRunner } from './job-runner';

/**
 * The owner's explicit exception for job images from a registry on this machine (a local
 * mirror, a development registry): RIGSHIFT_ALLOW_LOOPBACK_REGISTRY=1 in the agent's
 * environment. Nothing a job says can set it; without it only public registries are used.
 */
export function ownerRegistryPolicy(env: NodeJS.ProcessEnv = process.env): AddressPolicy {
  return env.RIGSHIFT_ALLOW_LOOPBACK_REGISTRY === '1' ? { allowLoopback: true } : {};
}

/** Until the owner sets one: room for a few CUDA images (they are 5 to 15 GB each). */
export const DEFAULT_IMAGE_BUDGET_BYTES = 40 * 1024 ** 3;

export interface NodeJobRunnerOptions {
  dataDir: string;
  logger: Logger;
  clock?: Clock;
  docker?: ContainerRuntime;
  /** The agent's slots (the yield path); a one-shot CLI run gets its own. */
  slots?: RentalSlots;
  imageBudgetBytes?: () => number;
  egress?: EgressNetworks;
  /** Default: a detached watchdog process per run, talking to the engine dockerode finds. */
  watchdog?: ContainerWatchdog;
}

export function createNodeJobRunner(options: NodeJobRunnerOptions): {
  runner: JobRunner;
  docker: ContainerRuntime;
  slots: RentalSlots;
  /** The one history instance over <dataDir>/jobs.jsonl: read it through this, or it goes stale. */
  history: JobHistory;
  /** Evicts least recently used job images down to the budget (after the owner lowers it). */
  evictImages: () => Promise<unknown>;
} {
  const clock = options.clock ?? { now: () => new Date() };
  const docker = options.docker ?? createDockerodeRuntime();
  const slots = options.slots ?? createRentalSlots({ logger: options.logger });
  const images = createImageCache({
    docker,
    dataDir: options.dataDir,
    budgetBytes: options.imageBudgetBytes ?? (() => DEFAULT_IMAGE_BUDGET_BYTES),
    logger: options.logger,
    clock,
  });
  const history = createJobHistory(options.dataDir, options.logger);
  const runner = createJobRunner({
    docker,
    images,
    slots,
    dataDir: options.dataDir,
    clock,
    logger: options.logger,
    history,
    registryPolicy: ownerRegistryPolicy(),
    watchdog:
      options.watchdog ??
      createProcessWatchdog({ endpoint: () => dockerEndpointOf(new Dockerode().modem as object), logger: options.logger }),
    ...(options.egress ? { egress: options.egress } : {}),
  });
  return { runner, docker, slots, history, evictImages: () => images.evictToBudget() };
}
