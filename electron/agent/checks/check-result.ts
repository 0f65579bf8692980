/**
 * Builders that make the contract hard to break: a warn or fail check cannot be created
 * without its exact fix for both operating systems.
 */
import type { CheckId, EnvironmentCheck } from '../../../shared/domain/checks';
import type { Fix } from './fixes';

export const CHECK_TITLES: Record<CheckId, string> = {
  'nvidia-driver': 'NVIDIA driver',
  'nvidia-smi': 'nvidia-smi',
  'docker-engine': 'Docker engine',
  'nvidia-container-runtime': 'NVIDIA Container Toolkit',
  'gvisor-runsc': 'gVisor sandbox (runsc)',
};

const base = (id: CheckId, summary: string, detail?: string) => ({
  id,
  title: CHECK_TITLES[id],
  summary,
  ...(detail === undefined ? {} : { detail }),
});

export const okCheck = (id: CheckId, summary: string, detail?: string): EnvironmentCheck => ({
  ...base(id, summary, detail),
  state: 'ok',
});

export const infoCheck = (id: CheckId, summary: string, detail?: string): EnvironmentCheck => ({
  ...base(id, summary, detail),
  state: 'info',
});

export const warnCheck = (id: CheckId, summary: string, fix: Fix, detail?: string): EnvironmentCheck => ({
  ...base(id, summary, detail),
  state: 'warn',
  fix: { linux: fix.linux, windows: fix.windows },
});

export const failCheck = (id: CheckId, summary: string, fix: Fix, detail?: string): EnvironmentCheck => ({
  ...base(id, summary, detail),
  state: 'fail',
  fix: { linux: fix.linux, windows: fix.windows },
});

export const NO_NVIDIA_GPU = 'No NVIDIA GPU found: RigShift will run CPU benchmarks only';
