/**
 * gVisor (runsc) is an extra layer between a job and the host kernel on Linux. Optional:
 * without it jobs still run under runc with the hardened container settings, so a
 * missing runsc is amber, never red.
 */
import type { EnvironmentCheck } from '../../../shared/domain/checks';
import type { EngineInfo } from '../ports';
import { infoCheck, okCheck, warnCheck } from './check-result';
import { installGvisorFix, startDockerFirstFix } from './fixes';

export const isGvisorRuntime = (name: string): boolean => name === 'runsc' || name.startsWith('runsc');

export function gvisorCheck(engine: EngineInfo | null, platform: NodeJS.Platform, gpuExpected: boolean): EnvironmentCheck {
  if (platform !== 'linux') {
    // Under WSL 2 the GPU is /dev/dxg, which nvproxy cannot proxy, and the engine lives in
    // Docker Desktop's managed VM where we cannot register runtimes.
    return infoCheck(
      'gvisor-runsc',
      'Not applicable: gVisor does not run under Docker Desktop (WSL 2); jobs use runc with hardened settings',
    );
  }
  if (!engine) {
    return warnCheck('gvisor-runsc', 'Cannot check for gVisor until the Docker engine is reachable', startDockerFirstFix);
  }
  const registered = engine.runtimes.filter(isGvisorRuntime);
  if (registered.length > 0) return okCheck('gvisor-runsc', `gVisor registered as ${registered.join(', ')}`);
  return warnCheck(
    'gvisor-runsc',
    'gVisor (runsc) is not registered with Docker: jobs run under runc only',
    installGvisorFix(gpuExpected),
    `Registered runtimes: ${engine.runtimes.join(', ') || 'none'}.`,
  );
}
