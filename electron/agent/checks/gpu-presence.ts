import type { GpuDetection, GraphicsAdapter } from '../../../shared/domain/gpu';
import { isNvidiaAdapter } from '../gpu/graphics-inventory';

/**
 * Whether this machine has (or should have) a usable NVIDIA GPU. An NVIDIA card that the
 * driver does not expose, or an nvidia-smi that fails, still counts: the owner has a GPU
 * and needs the fix, not a grey "not applicable".
 */
export function nvidiaGpuExpected(detection: GpuDetection): boolean {
  return detection.gpus.length > 0 || detection.nvidiaSmi.state === 'failed' || nvidiaAdapters(detection).length > 0;
}

export const nvidiaAdapters = (detection: GpuDetection): GraphicsAdapter[] => detection.adapters.filter(isNvidiaAdapter);
