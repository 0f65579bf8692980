/**
 * The long-lived telemetry query (`-lms`): one nvidia-smi child per benchmark, printing
 * one line per interval, instead of one process per tick (starting nvidia-smi costs
 * tens of milliseconds of CPU each time).
 */
import { AgentError } from '../../../shared/api/result';
import type { TelemetrySample } from '../../../shared/domain/benchmark';
import { decodeClockEventReasons } from './clock-event-reasons';
import { csvCells, isNoValue, numberCell, nvidiaSmiFailure, rejectedField } from './nvidia-smi-csv';

/** R535 renamed throttle reasons to "clock event reasons"; older drivers only know the old name. */
export const CLOCK_EVENT_REASONS_FIELD = 'clocks_event_reasons.active';
export const LEGACY_THROTTLE_REASONS_FIELD = 'clocks_throttle_reasons.active';

export type ReasonsField = typeof CLOCK_EVENT_REASONS_FIELD | typeof LEGACY_THROTTLE_REASONS_FIELD;

export const telemetryFields = (reasonsField: ReasonsField = CLOCK_EVENT_REASONS_FIELD): string[] => [
  'uuid',
  'power.draw',
  'temperature.gpu',
  'clocks.sm',
  'clocks.mem',
  reasonsField,
];

/** Below this nvidia-smi's own sampling dominates and the samples repeat. */
export const MIN_TELEMETRY_INTERVAL_MS = 100;

/** What nvidia-smi prints for `uuid`: a GPU or MIG instance UUID (shared with the telemetry monitor). */
export const NVIDIA_UUID_PATTERN = /^(GPU|MIG)-[0-9a-fA-F-]+$/;
const UUID = NVIDIA_UUID_PATTERN;

export function telemetryArgs(uuid: string, intervalMs: number, reasonsField: ReasonsField = CLOCK_EVENT_REASONS_FIELD): string[] {
  // The UUID becomes an argv element; refusing anything else keeps `-i` from ever
  // receiving an option-looking value.
  if (!UUID.test(uuid)) {
    throw new AgentError('invalid_gpu_uuid', `"${uuid}" is not an NVIDIA GPU UUID (GPU-...).`);
  }
  if (!Number.isInteger(intervalMs) || intervalMs < MIN_TELEMETRY_INTERVAL_MS) {
    throw new AgentError(
      'invalid_interval',
      `Telemetry interval must be a whole number of milliseconds, at least ${MIN_TELEMETRY_INTERVAL_MS}; got ${intervalMs}.`,
    );
  }
  return [
    `--query-gpu=${telemetryFields(reasonsField).join(',')}`,
    '--format=csv,noheader,nounits',
    '-lms',
    String(intervalMs),
    '-i',
    uuid,
  ];
}

export type TelemetryLine =
  | { kind: 'sample'; uuid: string; sample: Omit<TelemetrySample, 't'> }
  /** nvidia-smi rejected a field (old driver); the caller may retry with the legacy name. */
  | { kind: 'rejected-field'; field: string }
  /** nvidia-smi printed an error instead of data. */
  | { kind: 'failure'; error: AgentError }
  /** Blank line or unrecognisable text; nothing to record. */
  | { kind: 'ignored'; text: string };

/** Pure parser for one stdout line of the telemetry stream. Never throws. */
export function parseTelemetryLine(line: string): TelemetryLine {
  const text = line.trim();
  if (text === '') return { kind: 'ignored', text };
  const field = rejectedField(text);
  if (field) return { kind: 'rejected-field', field };
  const failure = nvidiaSmiFailure(text);
  if (failure) return { kind: 'failure', error: failure };

  const cells = csvCells(text);
  if (cells.length !== 6) return { kind: 'ignored', text };
  const [uuid = '', power = '', temperature = '', sm = '', mem = '', reasons = ''] = cells;
  if (!UUID.test(uuid)) return { kind: 'ignored', text };
  try {
    const throttleReasons = isNoValue(reasons) ? null : decodeClockEventReasons(reasons);
    if (!isNoValue(reasons) && throttleReasons === null) return { kind: 'ignored', text };
    return {
      kind: 'sample',
      uuid,
      sample: {
        powerW: numberCell(power, 'power.draw'),
        temperatureC: numberCell(temperature, 'temperature.gpu'),
        smClockMHz: numberCell(sm, 'clocks.sm'),
        memClockMHz: numberCell(mem, 'clocks.mem'),
        ...(throttleReasons === null ? {} : { throttleReasons }),
      },
    };
  } catch {
    return { kind: 'ignored', text };
  }
}
