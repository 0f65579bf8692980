import type { GpuDetection } from '../../../shared/domain/gpu';

/** No NVIDIA card is a normal state, not an error: say what still works. */
export function NoGpuMessage({ nvidiaSmi }: { nvidiaSmi: GpuDetection['nvidiaSmi'] }) {
  return (
    <div className="notice notice-neutral" data-testid="no-gpu">
      <p className="notice-message">
        No NVIDIA GPU found. RigShift rents this PC's CPU instead: CPU jobs and the CPU benchmark run; GPU jobs need an NVIDIA card.
      </p>
      {nvidiaSmi.state === 'failed' ? (
        <p className="notice-hint">nvidia-smi did not work: {nvidiaSmi.message}</p>
      ) : null}
      {nvidiaSmi.state === 'missing' ? (
        <p className="notice-hint">nvidia-smi is not installed, which usually means no NVIDIA driver either.</p>
      ) : null}
    </div>
  );
}
