import type { AvailabilityState, GpuAvailability } from '../../../shared/domain/availability';
import type { GpuDetection } from '../../../shared/domain/gpu';

/** The agent's pseudo-device when there is no NVIDIA GPU (CPU jobs only). */
export const CPU_DEVICE_ID = 'cpu';

export const STATE_LABELS: Record<AvailabilityState, string> = {
  available: 'Available',
  renting: 'Renting',
  paused: 'Paused',
  yielding: 'Yielding',
};

/** "CPU only" for the pseudo-device, else the card's name (with its index when there are several). */
export function deviceLabel(entry: Pick<GpuAvailability, 'gpuUuid' | 'gpuName'>, detection: GpuDetection | null): string {
  if (entry.gpuUuid === CPU_DEVICE_ID) return 'CPU only';
  const gpus = detection?.gpus ?? [];
  const gpu = gpus.find((g) => g.uuid === entry.gpuUuid);
  if (gpu && gpus.length > 1) return `GPU ${gpu.index} · ${gpu.name}`;
  return gpu?.name ?? entry.gpuName;
}

/** Name for a UUID seen in history (the GPU may be gone by now). */
export function nameForUuid(uuid: string, gpus: GpuAvailability[], detection: GpuDetection | null): string {
  const known = gpus.find((g) => g.gpuUuid === uuid);
  if (known) return deviceLabel(known, detection);
  if (uuid === CPU_DEVICE_ID) return 'CPU only';
  const detected = detection?.gpus.find((g) => g.uuid === uuid);
  return detected?.name ?? `${uuid.slice(0, 12)}…`;
}
