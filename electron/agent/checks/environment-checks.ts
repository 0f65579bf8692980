/**
 * The five environment checks, in CheckIdSchema order, and the verdict on whether GPU
 * jobs may be accepted.
 */
import type { CheckId, ChecksReport, EnvironmentCheck } from '../../../shared/domain/checks';
import type { GpuDetection } from '../../../shared/domain/gpu';
import type { CommandRunner, ContainerRuntime } from '../ports';
import { containerToolkitCheck } from './container-toolkit-check';
import { dockerEngineCheck, type EngineProbe } from './docker-engine-check';
import { gvisorCheck } from './gvisor-check';
import { nvidiaGpuExpected } from './gpu-presence';
import { nvidiaDriverCheck, nvidiaSmiCheck } from './nvidia-driver-checks';
import type { SecurityPolicy } from './security-policy';

/** A stuck Docker socket must not keep the checks spinning forever. */
export const DOCKER_INFO_TIMEOUT_MS = 10_000;

export interface EnvironmentChecksDeps {
  commands: CommandRunner;
  docker: Pick<ContainerRuntime, 'info'>;
  detection: GpuDetection;
  platform: NodeJS.Platform;
  policy: SecurityPolicy;
  /** For checkedAt; defaults to the system clock. */
  now?: () => Date;
  /** Defaults to DOCKER_INFO_TIMEOUT_MS. */
  dockerTimeoutMs?: number;
}

/** Checks whose red state blocks GPU jobs (gVisor is an optional extra layer). */
const GPU_PATH: readonly CheckId[] = ['nvidia-driver', 'nvidia-smi', 'docker-engine', 'nvidia-container-runtime'];

export async function runEnvironmentChecks(deps: EnvironmentChecksDeps): Promise<ChecksReport> {
  const { detection, platform } = deps;
  const gpuExpected = nvidiaGpuExpected(detection);
  const probe = await probeEngine(deps.docker, deps.dockerTimeoutMs ?? DOCKER_INFO_TIMEOUT_MS);
  const engine = probe.ok ? probe.engine : null;

  const checks: EnvironmentCheck[] = [
    nvidiaDriverCheck(detection),
    nvidiaSmiCheck(detection),
    dockerEngineCheck(probe),
    await containerToolkitCheck({ commands: deps.commands, engine, platform, policy: deps.policy, gpuExpected }),
    gvisorCheck(engine, platform, gpuExpected),
  ];
  const blocked = checks.some((check) => GPU_PATH.includes(check.id) && check.state === 'fail');
  return {
    checks,
    gpuJobsAllowed: detection.gpus.length > 0 && !blocked,
    checkedAt: (deps.now ?? (() => new Date()))().toISOString(),
  };
}

async function probeEngine(docker: Pick<ContainerRuntime, 'info'>, timeoutMs: number): Promise<EngineProbe> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const engine = await Promise.race([
      docker.info(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`the Docker engine did not answer within ${timeoutMs / 1000} s`)),
          timeoutMs,
        );
      }),
    ]);
    return { ok: true, engine };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}
