import { useEffect, useState } from 'react';
import type { GpuTelemetry } from '../../shared/domain/telemetry';
import { useApi } from '../app/app-context';

/**
 * The latest telemetry sample of one GPU, from the agent's pushed `telemetry` events.
 * Kept in the component that shows it, not in the app store: samples arrive every second
 * and only this card needs to re-render.
 */
export function useLiveTelemetry(gpuUuid: string): GpuTelemetry | null {
  const api = useApi();
  const [sample, setSample] = useState<GpuTelemetry | null>(null);
  useEffect(
    () =>
      api.onEvent((event) => {
        if (event.name === 'telemetry' && event.payload.uuid === gpuUuid) setSample(event.payload);
      }),
    [api, gpuUuid],
  );
  return sample;
}

/** "231 W · 64 °C · SM 1875 MHz · 97 % busy"; parts the driver does not report are left out. */
export function formatLiveTelemetry(sample: GpuTelemetry): string {
  const parts = [
    sample.powerW === null ? null : `${Math.round(sample.powerW)} W`,
    sample.temperatureC === null ? null : `${Math.round(sample.temperatureC)} °C`,
    sample.smClockMHz === null ? null : `SM ${Math.round(sample.smClockMHz)} MHz`,
    sample.utilizationGpuPct === null ? null : `${Math.round(sample.utilizationGpuPct)} % busy`,
    sample.throttleReasons && sample.throttleReasons.length > 0 ? `throttled: ${sample.throttleReasons.join(', ')}` : null,
  ];
  return parts.filter((part): part is string => part !== null).join(' · ') || 'no readings from the driver';
}
