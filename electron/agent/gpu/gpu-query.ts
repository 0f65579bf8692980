/**
 * The one inventory query RigShift sends to nvidia-smi, and its pure parser.
 */
import { AgentError } from '../../../shared/api/result';
import type { GpuInfo } from '../../../shared/domain/gpu';
import { csvCells, csvLines, NO_DEVICES, numberCell, nvidiaSmiFailure, rejectedField, textCell } from './nvidia-smi-csv';

export const GPU_QUERY_FIELDS = [
  'index',
  'uuid',
  'name',
  'driver_version',
  'memory.total',
  'power.min_limit',
  'power.default_limit',
  'power.max_limit',
  'enforced.power.limit',
  'temperature.gpu',
  'pcie.link.gen.current',
  'pcie.link.gen.max',
  'pcie.link.width.current',
  'pcie.link.width.max',
  'compute_cap',
  'pci.bus_id',
] as const;
export type GpuQueryField = (typeof GPU_QUERY_FIELDS)[number];

/** Drivers that predate `compute_cap` reject the whole query, so we ask again without it. */
export const GPU_QUERY_FIELDS_WITHOUT_COMPUTE_CAP: readonly GpuQueryField[] = GPU_QUERY_FIELDS.filter(
  (field) => field !== 'compute_cap',
);

export const gpuQueryArgs = (fields: readonly GpuQueryField[] = GPU_QUERY_FIELDS): string[] => [
  `--query-gpu=${fields.join(',')}`,
  '--format=csv,noheader,nounits',
];

/** The exact command line, for logs and documentation. */
export const GPU_QUERY_COMMAND = ['nvidia-smi', ...gpuQueryArgs()].join(' ');

/** True when nvidia-smi refused the query because it does not know `compute_cap`. */
export const rejectsComputeCap = (output: string): boolean => rejectedField(output) === 'compute_cap';

/** nvidia-smi's answer when the driver is loaded but no GPU is present (exit code 6). */
export const reportsNoDevices = (output: string): boolean => NO_DEVICES.test(output);

const UUID = /^(GPU|MIG)-[0-9a-fA-F-]+$/;

/**
 * Parses the stdout of the query above (one line per GPU). Anything that is not exactly
 * that shape throws AgentError: a half-parsed GPU would end up pinned to jobs.
 * `fields` must be the list the query was sent with (see GPU_QUERY_FIELDS_WITHOUT_COMPUTE_CAP).
 */
export function parseGpuQuery(stdout: string, fields: readonly GpuQueryField[] = GPU_QUERY_FIELDS): GpuInfo[] {
  const failure = nvidiaSmiFailure(stdout);
  if (failure) throw failure;
  const field = rejectedField(stdout);
  if (field) {
    throw new AgentError(
      'nvidia_smi_field_unsupported',
      `This NVIDIA driver does not know the nvidia-smi field "${field}".`,
      'Update the NVIDIA driver to a current release.',
    );
  }
  const lines = csvLines(stdout);
  if (lines.length === 1 && reportsNoDevices(lines[0] ?? '')) return [];
  // With GPUs present nvidia-smi always prints one line each; silence means it misbehaved.
  if (lines.length === 0) throw unparseable('it printed nothing');

  const gpus = lines.map((line, row) => parseRow(line, row, fields));
  const seen = new Set<string>();
  for (const gpu of gpus) {
    if (seen.has(gpu.uuid)) {
      throw unparseable(`two GPUs report the same UUID ${gpu.uuid}`);
    }
    seen.add(gpu.uuid);
  }
  return gpus;
}

function parseRow(line: string, row: number, fields: readonly GpuQueryField[]): GpuInfo {
  const cells = csvCells(line);
  if (cells.length !== fields.length) {
    throw unparseable(`line ${row + 1} has ${cells.length} values where ${fields.length} were asked for: "${truncate(line)}"`);
  }
  const cell = (name: GpuQueryField): string => {
    const at = fields.indexOf(name);
    return at === -1 ? '[N/A]' : (cells[at] ?? '');
  };
  const number = (name: GpuQueryField) => numberCell(cell(name), name);

  const index = number('index');
  if (index === null || !Number.isInteger(index) || index < 0) {
    throw unparseable(`line ${row + 1} has no valid GPU index: "${truncate(line)}"`);
  }
  const uuid = textCell(cell('uuid'));
  if (!uuid || !UUID.test(uuid)) {
    throw unparseable(`GPU ${index} has no valid UUID ("${cell('uuid')}")`);
  }
  const name = textCell(cell('name'));
  if (!name) throw unparseable(`GPU ${index} has no name`);

  const computeCapability = fields.includes('compute_cap') ? textCell(cell('compute_cap')) : null;
  if (computeCapability !== null && !/^\d+\.\d+$/.test(computeCapability)) {
    throw unparseable(`GPU ${index} reports compute capability "${computeCapability}"`);
  }
  return {
    index,
    uuid,
    name,
    driverVersion: textCell(cell('driver_version')),
    vramMiB: number('memory.total'),
    power: {
      min: number('power.min_limit'),
      default: number('power.default_limit'),
      max: number('power.max_limit'),
      enforced: number('enforced.power.limit'),
    },
    temperatureC: number('temperature.gpu'),
    pcie: {
      genCurrent: number('pcie.link.gen.current'),
      genMax: number('pcie.link.gen.max'),
      widthCurrent: number('pcie.link.width.current'),
      widthMax: number('pcie.link.width.max'),
    },
    computeCapability,
    pciBusId: textCell(cell('pci.bus_id')),
  };
}

const truncate = (text: string): string => (text.length > 120 ? `${text.slice(0, 117)}...` : text);

const unparseable = (detail: string): AgentError =>
  new AgentError(
    'nvidia_smi_unparseable',
    `nvidia-smi answered in a shape RigShift does not understand: ${detail}.`,
    'Update the NVIDIA driver; if it persists, report the output of `nvidia-smi -q`.',
  );
