/**
 * The two checks about the NVIDIA driver stack, both read from the GPU detection (no
 * extra commands): the driver itself and nvidia-smi, its management tool.
 */
import type { EnvironmentCheck } from '../../../shared/domain/checks';
import type { GpuDetection } from '../../../shared/domain/gpu';
import { failCheck, infoCheck, NO_NVIDIA_GPU, okCheck, warnCheck } from './check-result';
import { installDriverFix, installNvidiaSmiFix, rebootAfterDriverFix } from './fixes';
import { nvidiaAdapters, nvidiaGpuExpected } from './gpu-presence';

/** nvidia-smi failures that mean the driver itself is broken, not just the tool. */
const DRIVER_FAILURE = /driver|did not answer|lost contact|fell off the bus/i;
const NEEDS_REBOOT = /version mismatch|waiting for a reboot/i;

export function nvidiaDriverCheck(detection: GpuDetection): EnvironmentCheck {
  const { gpus, nvidiaSmi } = detection;
  if (!nvidiaGpuExpected(detection)) return infoCheck('nvidia-driver', NO_NVIDIA_GPU);

  if (gpus.length > 0) {
    const versions = [...new Set(gpus.map((gpu) => gpu.driverVersion).filter((v): v is string => v !== null))];
    return versions.length > 0
      ? okCheck('nvidia-driver', `Driver ${versions.join(', ')}`)
      : okCheck('nvidia-driver', 'NVIDIA driver loaded (it does not report its version)');
  }
  if (nvidiaSmi.state === 'failed') {
    if (DRIVER_FAILURE.test(nvidiaSmi.message)) {
      return failCheck(
        'nvidia-driver',
        'The NVIDIA driver is not working',
        NEEDS_REBOOT.test(nvidiaSmi.message) ? rebootAfterDriverFix : installDriverFix,
        nvidiaSmi.message,
      );
    }
    return warnCheck(
      'nvidia-driver',
      'The NVIDIA driver could not be verified (nvidia-smi gave an unreadable answer)',
      installDriverFix,
      nvidiaSmi.message,
    );
  }
  const cards = nvidiaAdapters(detection).map((adapter) => adapter.model || adapter.vendor);
  return failCheck(
    'nvidia-driver',
    `NVIDIA card found (${cards.join(', ')}) but the NVIDIA driver exposes no GPU`,
    installDriverFix,
    nvidiaSmi.state === 'missing'
      ? 'nvidia-smi is not installed, which usually means the proprietary NVIDIA driver is not either (Linux may be using nouveau).'
      : 'nvidia-smi answered "No devices were found".',
  );
}

export function nvidiaSmiCheck(detection: GpuDetection): EnvironmentCheck {
  const { gpus, nvidiaSmi } = detection;
  if (!nvidiaGpuExpected(detection)) return infoCheck('nvidia-smi', NO_NVIDIA_GPU);

  switch (nvidiaSmi.state) {
    case 'ok':
      if (gpus.length === 0) {
        return failCheck('nvidia-smi', 'nvidia-smi runs but lists no GPU', rebootAfterDriverFix, `Path: ${nvidiaSmi.path}`);
      }
      return okCheck(
        'nvidia-smi',
        `${gpus.length} GPU${gpus.length === 1 ? '' : 's'}: ${gpus.map((gpu) => gpu.name).join(', ')}`,
        `Path: ${nvidiaSmi.path}`,
      );
    case 'missing':
      return failCheck('nvidia-smi', 'nvidia-smi was not found', installNvidiaSmiFix);
    case 'failed':
      return failCheck(
        'nvidia-smi',
        'nvidia-smi failed',
        NEEDS_REBOOT.test(nvidiaSmi.message) ? rebootAfterDriverFix : installDriverFix,
        nvidiaSmi.message,
      );
  }
}
