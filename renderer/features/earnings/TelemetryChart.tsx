import { useState } from 'react';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { EarningsRange } from '../../../shared/domain/earnings';
import { useApi } from '../../app/app-context';
import { Section } from '../../components/Section';
import { ChartLegend } from './ChartLegend';
import { useLedgerQuery } from './use-earnings';
import styles from './Earnings.module.css';

const RESOLUTION_TEXT = { raw: 'every reading', minute: 'per-minute means', '10-minute': '10-minute means', hour: 'hourly means' } as const;

/** Power and temperature over the period, downsampled by the agent (a year is ≤ 8,760 points). */
export function TelemetryChart({ range }: { range: EarningsRange }) {
  const api = useApi();
  const [device, setDevice] = useState<string | undefined>(undefined);
  const series = useLedgerQuery(() => api.getTelemetrySeries(device ? { range, deviceId: device } : { range }), `telemetry:${range}:${device ?? ''}`);
  const s = series.value;
  const timeFormat: Intl.DateTimeFormatOptions = range === 'day' ? { hour: '2-digit', minute: '2-digit' } : { month: 'short', day: 'numeric' };

  return (
    <Section
      id="earnings-telemetry"
      title="Power and temperature"
      intro="The GPU's draw and temperature, from the telemetry RigShift records while it runs."
      actions={
        s && s.devices.length > 1 ? (
          <select aria-label="GPU" value={s.deviceId ?? ''} onChange={(e) => setDevice(e.target.value)}>
            {s.devices.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        ) : null
      }
    >
      {!s || s.points.length === 0 ? (
        <p className="muted" data-testid="telemetry-empty">
          No telemetry in this period: it is recorded while RigShift runs on a PC with an NVIDIA GPU.
        </p>
      ) : (
        <figure className="chart" data-testid="telemetry-chart" data-points={s.points.length}>
          <figcaption>
            {s.deviceId} · {RESOLUTION_TEXT[s.resolution]} · {s.points.length} points
            <ChartLegend
              items={[
                { key: 'power', label: 'power (W)' },
                { key: 'temperature', label: 'temperature (°C, right axis)' },
              ]}
            />
          </figcaption>
          <ResponsiveContainer width="100%" height={240}>
            <LineChart data={s.points} margin={{ top: 8, right: 16, bottom: 4, left: 8 }}>
              <CartesianGrid vertical={false} className="chart-grid" />
              <XAxis
                dataKey="t"
                type="number"
                domain={['dataMin', 'dataMax']}
                scale="time"
                className="chart-axis"
                tickFormatter={(t: number) => new Date(t).toLocaleString(undefined, timeFormat)}
              />
              <YAxis yAxisId="w" className="chart-axis" unit=" W" width={60} />
              <YAxis yAxisId="c" orientation="right" className="chart-axis" unit=" °C" width={56} />
              <Tooltip labelFormatter={(t) => new Date(Number(t)).toLocaleString()} />
              <Line yAxisId="w" dataKey="powerW" name="Power (W)" className={styles.linePower} dot={false} isAnimationActive={false} />
              <Line yAxisId="c" dataKey="temperatureC" name="Temperature (°C)" className={styles.lineTemperature} dot={false} isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
        </figure>
      )}
    </Section>
  );
}
