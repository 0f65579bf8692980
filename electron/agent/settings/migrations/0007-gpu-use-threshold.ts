import { DEFAULT_GPU_USE_THRESHOLD_PERCENT } from '../../../../shared/domain/presence';
import type { Migration } from './index';

/**
 * Version 7: the share of the GPU another process must use before it means "the owner is
 * using the GPU" (issue 14). Graphics processes are now seen too (a browser or the Steam
 * overlay draws a little all the time), so some threshold is needed; 5 % is the default.
 * A value already there and valid is kept (a document that went through 0002 after this
 * version shipped already has one).
 */
export const m0007GpuUseThreshold: Migration = {
  to: 7,
  description: 'presence: GPU-use threshold (percent) for "another app uses the GPU"',
  up(document) {
    const controls = asRecord(document.controls);
    const presence = asRecord(controls.presence);
    const gpuInUse = asRecord(presence.gpuInUse);
    const kept = gpuInUse.thresholdPercent;
    const thresholdPercent =
      typeof kept === 'number' && Number.isInteger(kept) && kept >= 1 && kept <= 100 ? kept : DEFAULT_GPU_USE_THRESHOLD_PERCENT;
    return {
      ...document,
      schemaVersion: 7,
      controls: {
        ...controls,
        presence: { ...presence, gpuInUse: { enabled: gpuInUse.enabled !== false, thresholdPercent } },
      },
    };
  },
};

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
