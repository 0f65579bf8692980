/**
 * `nvidia-smi pmon -c 1`: the fallback reading of which processes use each GPU where NVML
 * cannot be loaded through koffi. pmon lists graphics (G), compute (C) and both (C+G), with
 * each one's SM share over its one-second sample. Columns vary by driver (R535 added jpg
 * and ofa; `-s um` adds fb), so the header line names them:
 *
 *   # gpu         pid   type     sm    mem    enc    dec    jpg    ofa    command
 *   # Idx           #    C/G      %      %      %      %      %      %    name
 *       0       2364     G      -      -      -      -      -      -    Xorg
 *       0       3120     G     41      9      -      -      -      -    eldenring.exe
 *
 * "-" means no sample in that second (for sm: it drew nothing, so 0 %). A line of dashes
 * alone means no process on that GPU. pmon knows GPUs by index only: `--query-gpu=index,uuid`
 * gives the UUIDs the engine keys on.
 */
import { csvCells, csvLines } from '../gpu/nvidia-smi-csv';

export const PMON_ARGS = ['pmon', '-c', '1'];
export const GPU_INDEX_ARGS = ['--query-gpu=index,uuid', '--format=csv,noheader'];

export interface PmonProcess {
  gpuIndex: number;
  pid: number;
  /** "G", "C", "C+G" */
  type: string;
  /** SM share in percent; 0 where pmon printed "-". */
  smPercent: number;
  name: string;
}

export function parsePmon(stdout: string): PmonProcess[] {
  const lines = stdout.split(/\r?\n/);
  const header = lines.find((line) => /^#\s*gpu\b/i.test(line) && /\bpid\b/i.test(line));
  if (!header) return [];
  const columns = header.replace(/^#/, '').trim().toLowerCase().split(/\s+/);
  const at = (name: string) => columns.indexOf(name);
  const [gpuAt, pidAt, typeAt, smAt, commandAt] = [at('gpu'), at('pid'), at('type'), at('sm'), at('command')];
  if (gpuAt < 0 || pidAt < 0 || commandAt !== columns.length - 1) return [];
  const processes: PmonProcess[] = [];
  for (const line of lines) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const cells = line.trim().split(/\s+/);
    if (cells.length < columns.length) continue;
    // The command is the rest of the line: names may hold spaces ("Web Content").
    const name = cells.slice(commandAt).join(' ');
    const gpuIndex = Number(cells[gpuAt]);
    const pid = Number(cells[pidAt]);
    if (!Number.isInteger(gpuIndex) || !Number.isInteger(pid) || pid <= 0) continue;
    const sm = smAt >= 0 ? Number(cells[smAt]) : Number.NaN;
    processes.push({
      gpuIndex,
      pid,
      type: typeAt >= 0 ? cells[typeAt]! : '?',
      smPercent: Number.isFinite(sm) ? Math.min(100, Math.max(0, sm)) : 0,
      name,
    });
  }
  return processes;
}

/** "0, GPU-…" per line → index → UUID. */
export function parseGpuIndexes(stdout: string): Map<number, string> {
  const map = new Map<number, string>();
  for (const line of csvLines(stdout)) {
    const [index, uuid] = csvCells(line);
    if (index !== undefined && uuid && /^\d+$/.test(index) && /^(GPU|MIG)-/.test(uuid)) map.set(Number(index), uuid);
  }
  return map;
}
