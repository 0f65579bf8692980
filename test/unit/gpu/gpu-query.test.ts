import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  GPU_QUERY_COMMAND,
  GPU_QUERY_FIELDS_WITHOUT_COMPUTE_CAP,
  parseGpuQuery,
  rejectsComputeCap,
} from '../../../electron/agent/gpu/gpu-query';
import { AgentError } from '../../../shared/api/result';
import { GpuInfoSchema } from '../../../shared/domain/gpu';

const fixture = (name: string) => readFileSync(join(__dirname, '../../fixtures/nvidia-smi', name), 'utf8');

function parseError(stdout: string): AgentError {
  try {
    parseGpuQuery(stdout);
  } catch (error) {
    expect(error).toBeInstanceOf(AgentError);
    return error as AgentError;
  }
  throw new Error('parseGpuQuery accepted broken output');
}

describe('GPU_QUERY_COMMAND', () => {
  it('is exactly the query RigShift documents', () => {
    expect(GPU_QUERY_COMMAND).toBe(
      'nvidia-smi --query-gpu=index,uuid,name,driver_version,memory.total,power.min_limit,power.default_limit,power.max_limit,enforced.power.limit,temperature.gpu,pcie.link.gen.current,pcie.link.gen.max,pcie.link.width.current,pcie.link.width.max,compute_cap,pci.bus_id --format=csv,noheader,nounits',
    );
  });
});

describe('parseGpuQuery on real card outputs', () => {
  it('reads an RTX 4080 SUPER on Linux (idle link at Gen1)', () => {
    const [gpu, ...rest] = parseGpuQuery(fixture('geforce-rtx-4080-super__linux__595.71.05.csv'));
    expect(rest).toEqual([]);
    expect(gpu).toEqual({
      index: 0,
      uuid: 'GPU-00000000-0000-0000-0000-000000000000',
      name: 'NVIDIA GeForce RTX 4080 SUPER',
      driverVersion: '595.71.05',
      vramMiB: 16376,
      power: { min: 150, default: 320, max: 400, enforced: 320 },
      temperatureC: 43,
      pcie: { genCurrent: 1, genMax: 4, widthCurrent: 16, widthMax: 16 },
      computeCapability: '8.9',
      pciBusId: '00000000:01:00.0',
    });
  });

  it('reads an RTX 2080 SUPER from Windows nvidia-smi.exe (CRLF)', () => {
    const text = fixture('geforce-rtx-2080-super__windows__591.86.csv');
    expect(text.endsWith('\r\n')).toBe(true);
    const [gpu] = parseGpuQuery(text);
    expect(gpu?.name).toBe('NVIDIA GeForce RTX 2080 SUPER');
    expect(gpu?.driverVersion).toBe('591.86');
    expect(gpu?.power).toEqual({ min: 105, default: 250, max: 350, enforced: 250 });
    expect(gpu?.pciBusId).toBe('00000000:0C:00.0');
    expect(gpu?.computeCapability).toBe('7.5');
  });

  it('reads a datacenter H100', () => {
    const [gpu] = parseGpuQuery(fixture('h100-80gb-hbm3__linux__590.48.01.csv'));
    expect(gpu).toMatchObject({
      name: 'NVIDIA H100 80GB HBM3',
      vramMiB: 81559,
      power: { min: 200, default: 700, max: 700, enforced: 700 },
      pcie: { genCurrent: 5, genMax: 5, widthCurrent: 16, widthMax: 16 },
      computeCapability: '9.0',
    });
  });

  it('reads two RTX 3090s, keeping [N/A] cells as null', () => {
    const gpus = parseGpuQuery(fixture('2x-geforce-rtx-3090__linux__595.71.05.csv'));
    expect(gpus.map((gpu) => [gpu.index, gpu.uuid, gpu.pciBusId])).toEqual([
      [0, 'GPU-00000000-0000-0000-0000-000000000000', '00000000:09:00.0'],
      [1, 'GPU-00000000-0000-0000-0000-000000000001', '00000000:41:00.0'],
    ]);
    expect(gpus[1]?.power).toEqual({ min: 100, default: 350, max: 365, enforced: 280 });
    expect(gpus[0]?.temperatureC).toBeNull();
    expect(gpus[0]?.pcie.genCurrent).toBeNull();
    expect(gpus[0]?.pcie.genMax).toBe(3);
  });

  it('reads an RTX 5090 (compute capability 12.0)', () => {
    const [gpu] = parseGpuQuery(fixture('geforce-rtx-5090__linux__580.76.05.csv'));
    expect(gpu).toMatchObject({ name: 'NVIDIA GeForce RTX 5090', vramMiB: 32607, computeCapability: '12.0', temperatureC: 31 });
    expect(gpu?.pcie).toEqual({ genCurrent: null, genMax: null, widthCurrent: null, widthMax: null });
  });

  it('produces objects valid under GpuInfoSchema for every fixture', () => {
    for (const name of [
      'geforce-rtx-4080-super__linux__595.71.05.csv',
      'geforce-rtx-2080-super__windows__591.86.csv',
      'h100-80gb-hbm3__linux__590.48.01.csv',
      '2x-geforce-rtx-3090__linux__595.71.05.csv',
      'geforce-rtx-5090__linux__580.76.05.csv',
    ]) {
      for (const gpu of parseGpuQuery(fixture(name))) expect(GpuInfoSchema.parse(gpu)).toEqual(gpu);
    }
  });

  it('parses the answer of the retry without compute_cap', () => {
    const [gpu] = parseGpuQuery(fixture('geforce-rtx-4080-super__without-compute-cap.csv'), GPU_QUERY_FIELDS_WITHOUT_COMPUTE_CAP);
    expect(gpu?.computeCapability).toBeNull();
    expect(gpu?.pciBusId).toBe('00000000:01:00.0');
    expect(gpu?.vramMiB).toBe(16376);
  });

  it('accepts [Not Supported], [Unknown Error], bare N/A and ragged whitespace', () => {
    const [gpu] = parseGpuQuery(
      '  0 ,GPU-4c2d1c2e-8d7b-3b0e-1f5c-9a7e6e5b2c11,   NVIDIA GeForce RTX 3060 Laptop GPU , 560.35.03, 6144, [Not Supported], [Not Supported], [Not Supported], [Unknown Error], N/A, 4, 4, 8, 16, 8.6, 00000000:01:00.0   \r\n\r\n',
    );
    expect(gpu).toMatchObject({
      name: 'NVIDIA GeForce RTX 3060 Laptop GPU',
      power: { min: null, default: null, max: null, enforced: null },
      temperatureC: null,
      pcie: { genCurrent: 4, genMax: 4, widthCurrent: 8, widthMax: 16 },
    });
  });

  it('returns no GPUs for "No devices were found"', () => {
    expect(parseGpuQuery(fixture('error__no-devices.txt'))).toEqual([]);
  });
});

describe('parseGpuQuery on broken outputs', () => {
  it('names the driver problem when nvidia-smi cannot reach the driver', () => {
    const error = parseError(fixture('error__driver-not-loaded.txt'));
    expect(error.code).toBe('nvidia_smi_failed');
    expect(error.message).toMatch(/cannot talk to the NVIDIA driver/);
    expect(error.hint).toMatch(/reboot/i);
  });

  it('asks for a reboot on a driver/library version mismatch', () => {
    const error = parseError(fixture('error__version-mismatch.txt'));
    expect(error.message).toMatch(/different versions/);
    expect(error.hint).toMatch(/Reboot/);
  });

  it('rejects a line with the wrong number of columns', () => {
    const line = fixture('geforce-rtx-4080-super__linux__595.71.05.csv').trim().split(', ').slice(0, 15).join(', ');
    const error = parseError(line);
    expect(error.code).toBe('nvidia_smi_unparseable');
    expect(error.message).toMatch(/15 values where 16 were asked for/);
    expect(error.hint).toBeTruthy();
  });

  it('rejects garbage', () => {
    expect(parseError('Segmentation fault (core dumped)').message).toMatch(/1 values where 16/);
  });

  it('rejects an empty UUID', () => {
    const broken = fixture('geforce-rtx-4080-super__linux__595.71.05.csv').replace('GPU-00000000-0000-0000-0000-000000000000', '');
    expect(parseError(broken).message).toMatch(/no valid UUID/);
  });

  it('rejects a [N/A] UUID and a non-numeric field', () => {
    const base = fixture('geforce-rtx-4080-super__linux__595.71.05.csv');
    expect(parseError(base.replace('GPU-00000000-0000-0000-0000-000000000000', '[N/A]')).message).toMatch(/UUID/);
    expect(parseError(base.replace('16376', 'lots')).message).toMatch(/"lots" for memory.total/);
  });

  it('rejects a half-parsed multi-GPU answer (second line cut short)', () => {
    const two = fixture('2x-geforce-rtx-3090__linux__595.71.05.csv');
    const cut = two.slice(0, two.length - 30);
    expect(parseError(cut).message).toMatch(/line 2/);
  });

  it('rejects duplicate UUIDs and empty output', () => {
    const one = fixture('h100-80gb-hbm3__linux__590.48.01.csv').trim();
    expect(parseError(`${one}\n${one.replace(/^0,/, '1,')}`).message).toMatch(/same UUID/);
    expect(parseError('\r\n').message).toMatch(/printed nothing/);
  });

  it('reports an unknown field (old driver) and recognises compute_cap specifically', () => {
    const text = fixture('error__compute-cap-unknown.txt');
    expect(rejectsComputeCap(text)).toBe(true);
    expect(rejectsComputeCap('Field "power.min_limit" is not a valid field to query.')).toBe(false);
    expect(parseError(text).code).toBe('nvidia_smi_field_unsupported');
  });
});
