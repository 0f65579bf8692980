/**
 * GPU detection (nvidia-smi inventory + systeminformation adapters) and the telemetry
 * stream used during benchmarks. No NVIDIA GPU, or no nvidia-smi, is a normal state.
 */
import { AgentError } from '../../../shared/api/result';
import type { TelemetrySample } from '../../../shared/domain/benchmark';
import type { GpuDetection, GpuInfo, GraphicsAdapter } from '../../../shared/domain/gpu';
import type { Clock, CommandResult, CommandRunner } from '../ports';
import { createIsolatedGraphicsInventory } from './graphics-inventory';
import {
  GPU_QUERY_FIELDS,
  GPU_QUERY_FIELDS_WITHOUT_COMPUTE_CAP,
  type GpuQueryField,
  gpuQueryArgs,
  parseGpuQuery,
  rejectsComputeCap,
  reportsNoDevices,
} from './gpu-query';
import { findDriverStoreNvidiaSmi, nvidiaSmiCandidates } from './locate-nvidia-smi';
import { nvidiaSmiFailure } from './nvidia-smi-csv';
import {
  CLOCK_EVENT_REASONS_FIELD,
  LEGACY_THROTTLE_REASONS_FIELD,
  parseTelemetryLine,
  type ReasonsField,
  telemetryArgs,
} from './telemetry-stream';

/** nvidia-smi normally answers in well under a second; a wedged driver can hang it. */
export const NVIDIA_SMI_TIMEOUT_MS = 15_000;

export interface GpuProbeDeps {
  commands: CommandRunner;
  platform: NodeJS.Platform;
  /** All display adapters; defaults to systeminformation in a worker thread. */
  graphics?: () => Promise<GraphicsAdapter[]>;
  clock: Clock;
  /** Extra nvidia-smi.exe locations on Windows; defaults to a DriverStore scan. */
  driverStoreNvidiaSmi?: () => Promise<string[]>;
}

export interface GpuProbe {
  detect(): Promise<GpuDetection>;
  streamTelemetry(
    uuid: string,
    intervalMs: number,
    onSample: (sample: Omit<TelemetrySample, 't'>) => void,
  ): { stop(): void };
}

type SmiOutcome =
  | { state: 'ok'; path: string; gpus: GpuInfo[] }
  | { state: 'missing' }
  | { state: 'failed'; message: string };

export function createGpuProbe(deps: GpuProbeDeps): GpuProbe {
  const { commands, platform, clock } = deps;
  const graphics = deps.graphics ?? createIsolatedGraphicsInventory();
  const driverStore =
    deps.driverStoreNvidiaSmi ?? (platform === 'win32' ? () => findDriverStoreNvidiaSmi() : async () => []);
  // The path that answered last; telemetry uses the same binary.
  let workingSmiPath: string | null = null;

  async function queryNvidiaSmi(): Promise<SmiOutcome> {
    const candidates = nvidiaSmiCandidates(platform, await driverStore().catch(() => []));
    for (const path of candidates) {
      const outcome = await queryOne(path);
      if (outcome.state !== 'missing') return outcome;
    }
    return { state: 'missing' };
  }

  async function queryOne(path: string): Promise<SmiOutcome> {
    let fields: readonly GpuQueryField[] = GPU_QUERY_FIELDS;
    let result = await commands.run(path, gpuQueryArgs(fields), { timeoutMs: NVIDIA_SMI_TIMEOUT_MS });
    if (result.kind === 'exited' && rejectsComputeCap(`${result.stdout}\n${result.stderr}`)) {
      fields = GPU_QUERY_FIELDS_WITHOUT_COMPUTE_CAP;
      result = await commands.run(path, gpuQueryArgs(fields), { timeoutMs: NVIDIA_SMI_TIMEOUT_MS });
    }
    return interpret(path, result, fields);
  }

  function interpret(path: string, result: CommandResult, fields: readonly GpuQueryField[]): SmiOutcome {
    switch (result.kind) {
      case 'missing':
        return { state: 'missing' };
      case 'timeout':
        return {
          state: 'failed',
          message: `nvidia-smi (${path}) did not answer within ${NVIDIA_SMI_TIMEOUT_MS / 1000} s; the NVIDIA driver may be hung. Reboot, then update the driver.`,
        };
      case 'error':
        return { state: 'failed', message: `nvidia-smi (${path}) could not be started: ${result.message}` };
      case 'exited': {
        const output = `${result.stdout}\n${result.stderr}`;
        if (result.code !== 0) {
          if (reportsNoDevices(output)) return { state: 'ok', path, gpus: [] };
          const known = nvidiaSmiFailure(output);
          const text = known ? describe(known) : firstLine(output) || 'no output';
          return { state: 'failed', message: `nvidia-smi exited with code ${result.code}: ${text}` };
        }
        try {
          return { state: 'ok', path, gpus: parseGpuQuery(result.stdout, fields) };
        } catch (error) {
          return { state: 'failed', message: error instanceof AgentError ? describe(error) : String(error) };
        }
      }
    }
  }

  return {
    async detect() {
      const [smi, adapters] = await Promise.all([
        queryNvidiaSmi(),
        graphics().catch((): GraphicsAdapter[] => []),
      ]);
      workingSmiPath = smi.state === 'ok' ? smi.path : null;
      return {
        gpus: smi.state === 'ok' ? smi.gpus : [],
        adapters,
        nvidiaSmi:
          smi.state === 'ok'
            ? { state: 'ok', path: smi.path, driverVersion: smi.gpus[0]?.driverVersion ?? null }
            : smi.state === 'missing'
              ? { state: 'missing' }
              : { state: 'failed', message: smi.message },
        detectedAt: clock.now().toISOString(),
      };
    },

    streamTelemetry(uuid, intervalMs, onSample) {
      const path = workingSmiPath ?? nvidiaSmiCandidates(platform)[0] ?? 'nvidia-smi';
      let stopped = false;
      let child: { stop(): void } | null = null;

      const start = (reasonsField: ReasonsField) => {
        child = commands.stream(path, telemetryArgs(uuid, intervalMs, reasonsField), (line) => {
          if (stopped) return;
          const parsed = parseTelemetryLine(line);
          if (parsed.kind === 'sample' && parsed.uuid.toLowerCase() === uuid.toLowerCase()) {
            onSample(parsed.sample);
          } else if (
            parsed.kind === 'rejected-field' &&
            parsed.field === CLOCK_EVENT_REASONS_FIELD &&
            reasonsField === CLOCK_EVENT_REASONS_FIELD
          ) {
            // Pre-R535 drivers only know the old "throttle reasons" name.
            child?.stop();
            start(LEGACY_THROTTLE_REASONS_FIELD);
          }
        });
      };
      start(CLOCK_EVENT_REASONS_FIELD);
      return {
        stop() {
          stopped = true;
          child?.stop();
        },
      };
    },
  };
}

const describe = (error: AgentError): string => (error.hint ? `${error.message} ${error.hint}` : error.message);

const firstLine = (text: string): string =>
  text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .find((line) => line.length > 0) ?? '';
