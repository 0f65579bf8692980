/**
 * Low-level reading of `nvidia-smi --format=csv,noheader,nounits` output, shared by the
 * inventory query and the telemetry stream.
 */
import { AgentError } from '../../../shared/api/result';

/**
 * Placeholders nvidia-smi prints instead of a value. Bracketed forms are what recent
 * drivers print; the bare `N/A` still shows up for some fields, and the deprecation text
 * appears for fields NVIDIA retired (real captures in test/fixtures/nvidia-smi).
 */
const NO_VALUE = /^\[?(N\/A|Not Supported|Unknown Error|Insufficient Permissions|GPU is lost|Requested functionality has been deprecated)\]?$/i;

export const isNoValue = (cell: string): boolean => cell === '' || NO_VALUE.test(cell);

/** Non-empty lines, CRLF-safe (Windows nvidia-smi.exe ends lines with \r\n). */
export function csvLines(stdout: string): string[] {
  return stdout
    .split(/\r?\n|\r/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

/**
 * nvidia-smi separates cells with ", ". GPU names never contain a comma, so a plain split
 * is exact; cells are trimmed because column padding varies between driver branches.
 */
export const csvCells = (line: string): string[] => line.split(',').map((cell) => cell.trim());

export function numberCell(cell: string, field: string): number | null {
  if (isNoValue(cell)) return null;
  // `nounits` is honoured by every driver we have captures of, but a stray unit would
  // otherwise turn into NaN silently; accept and drop it.
  const match = /^(-?\d+(?:\.\d+)?)(?:\s*(?:W|MiB|MHz|C|%|x))?$/.exec(cell);
  if (!match?.[1]) {
    throw new AgentError(
      'nvidia_smi_unparseable',
      `nvidia-smi returned "${cell}" for ${field}, which is not a number.`,
      'Update the NVIDIA driver; if it persists, report the output of `nvidia-smi -q`.',
    );
  }
  return Number(match[1]);
}

export const textCell = (cell: string): string | null => (isNoValue(cell) ? null : cell);

/**
 * Messages nvidia-smi prints (on stdout or stderr) instead of data. Seen in the wild:
 * driver not loaded, version mismatch after an update without reboot, no GPU, unknown field.
 */
const FAILURE_PATTERNS: Array<{ pattern: RegExp; message: string; hint: string }> = [
  {
    pattern: /couldn't communicate with the NVIDIA driver/i,
    message: 'nvidia-smi cannot talk to the NVIDIA driver (the driver is not loaded or not installed).',
    hint: 'Install the latest NVIDIA driver and reboot. On Linux: `sudo ubuntu-drivers install` (Ubuntu) then `sudo reboot`; check with `nvidia-smi`.',
  },
  {
    pattern: /Driver\/library version mismatch/i,
    message: 'The NVIDIA kernel driver and its user-space library have different versions (a driver update is waiting for a reboot).',
    hint: 'Reboot the computer so the updated NVIDIA driver is loaded.',
  },
  {
    pattern: /Unable to determine the device handle for GPU|GPU is lost/i,
    message: 'nvidia-smi lost contact with a GPU (the card fell off the bus or the driver crashed).',
    hint: 'Reboot; if it happens again, reseat the card and check its power cables.',
  },
  {
    pattern: /Insufficient Permissions/i,
    message: 'nvidia-smi was denied access to the GPU.',
    hint: 'Run RigShift as a normal desktop user with access to /dev/nvidia* (Linux) and do not block nvidia-smi with security software.',
  },
];

/** Returns an AgentError when the text is a known nvidia-smi failure message. */
export function nvidiaSmiFailure(text: string): AgentError | null {
  for (const { pattern, message, hint } of FAILURE_PATTERNS) {
    if (pattern.test(text)) return new AgentError('nvidia_smi_failed', message, hint);
  }
  return null;
}

export const NO_DEVICES = /No devices were found/i;

/** `Field "compute_cap" is not a valid field to query.` (drivers older than R510 or so). */
export function rejectedField(text: string): string | null {
  const match = /Field "([^"]+)" is not a valid field to query/i.exec(text);
  return match?.[1] ?? null;
}
