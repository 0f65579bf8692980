import type { GpuInfo } from '../../../shared/domain/gpu';
import { NOT_REPORTED, formatMiB, formatWatts } from '../../lib/format';
import { formatLiveTelemetry, useLiveTelemetry } from '../../lib/use-live-telemetry';
import { cx } from '../../lib/cx';
import styles from './Hardware.module.css';

function pcieLink(gen: number | null, width: number | null): string {
  if (gen === null && width === null) return NOT_REPORTED;
  return `Gen ${gen ?? '?'} x${width ?? '?'}`;
}

export function GpuCard({ gpu }: { gpu: GpuInfo }) {
  const { power, pcie } = gpu;
  const live = useLiveTelemetry(gpu.uuid);
  return (
    <article className={styles.gpu} data-testid={`gpu-${gpu.index}`} aria-label={gpu.name}>
      <h3 className={styles.gpuName}>
        <span className={styles.gpuIndex}>GPU {gpu.index}</span> {gpu.name}
      </h3>
      <dl className="facts">
        <dt>Right now</dt>
        <dd data-testid={`gpu-live-${gpu.index}`}>{live ? formatLiveTelemetry(live) : 'waiting for telemetry…'}</dd>
        <dt>Video memory</dt>
        <dd>{formatMiB(gpu.vramMiB)}</dd>
        <dt>Driver</dt>
        <dd>{gpu.driverVersion ?? NOT_REPORTED}</dd>
        <dt>Temperature</dt>
        <dd>{gpu.temperatureC === null ? NOT_REPORTED : `${Math.round(gpu.temperatureC)} °C`}</dd>
        <dt>Compute capability</dt>
        <dd>{gpu.computeCapability ?? NOT_REPORTED}</dd>
        <dt>PCIe link</dt>
        <dd>
          {pcieLink(pcie.genCurrent, pcie.widthCurrent)}
          <span className="muted"> (max {pcieLink(pcie.genMax, pcie.widthMax)})</span>
        </dd>
        <dt>Power limit</dt>
        <dd>
          {formatWatts(power.enforced)} enforced
          <span className="muted">
            {' '}
            (min {formatWatts(power.min)}, default {formatWatts(power.default)}, max {formatWatts(power.max)})
          </span>
        </dd>
      </dl>
      <p className={cx(styles.gpuUuid, 'muted')} title="The identity benchmarks and jobs are pinned to">
        {gpu.uuid}
        {gpu.pciBusId ? ` · bus ${gpu.pciBusId}` : ''}
      </p>
    </article>
  );
}
