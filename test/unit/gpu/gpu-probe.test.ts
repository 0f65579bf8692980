import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createGpuProbe, NVIDIA_SMI_TIMEOUT_MS } from '../../../electron/agent/gpu/gpu-probe';
import { GpuDetectionSchema, type GraphicsAdapter } from '../../../shared/domain/gpu';
import { exited, FakeCommandRunner, fixedClock } from '../../fakes/fake-command-runner';

const fixture = (name: string) => readFileSync(join(__dirname, '../../fixtures/nvidia-smi', name), 'utf8');

const FULL_QUERY = [
  '--query-gpu=index,uuid,name,driver_version,memory.total,power.min_limit,power.default_limit,power.max_limit,enforced.power.limit,temperature.gpu,pcie.link.gen.current,pcie.link.gen.max,pcie.link.width.current,pcie.link.width.max,compute_cap,pci.bus_id',
  '--format=csv,noheader,nounits',
];
const QUERY_WITHOUT_COMPUTE_CAP = [
  '--query-gpu=index,uuid,name,driver_version,memory.total,power.min_limit,power.default_limit,power.max_limit,enforced.power.limit,temperature.gpu,pcie.link.gen.current,pcie.link.gen.max,pcie.link.width.current,pcie.link.width.max,pci.bus_id',
  '--format=csv,noheader,nounits',
];
const UUID = 'GPU-00000000-0000-0000-0000-000000000000';
const intelIgpu: GraphicsAdapter = { vendor: 'Intel Corporation', model: 'Raptor Lake-S GT1 [UHD Graphics 770]', vramMiB: null, busAddress: '00:02.0' };

function probe(commands: FakeCommandRunner, platform: NodeJS.Platform, adapters: GraphicsAdapter[] = []) {
  return createGpuProbe({
    commands,
    platform,
    clock: fixedClock(),
    graphics: async () => adapters,
    driverStoreNvidiaSmi: async () => [],
  });
}

describe('createGpuProbe().detect()', () => {
  it('runs exactly the documented query on Linux and reports the GPU', async () => {
    const commands = new FakeCommandRunner().on('nvidia-smi', FULL_QUERY, exited(fixture('geforce-rtx-4080-super__linux__595.71.05.csv')));
    const detection = await probe(commands, 'linux', [intelIgpu]).detect();

    expect(commands.runs).toEqual([{ command: 'nvidia-smi', args: FULL_QUERY, timeoutMs: NVIDIA_SMI_TIMEOUT_MS }]);
    expect(GpuDetectionSchema.parse(detection)).toEqual(detection);
    expect(detection.gpus.map((gpu) => gpu.name)).toEqual(['NVIDIA GeForce RTX 4080 SUPER']);
    expect(detection.nvidiaSmi).toEqual({ state: 'ok', path: 'nvidia-smi', driverVersion: '595.71.05' });
    expect(detection.adapters).toEqual([intelIgpu]);
    expect(detection.detectedAt).toBe('2026-11-23T10:00:00.000Z');
  });

  it('treats a machine without nvidia-smi as a normal CPU-only machine', async () => {
    const commands = new FakeCommandRunner();
    const detection = await probe(commands, 'linux', [intelIgpu]).detect();
    expect(detection).toEqual({
      gpus: [],
      adapters: [intelIgpu],
      nvidiaSmi: { state: 'missing' },
      detectedAt: '2026-11-23T10:00:00.000Z',
    });
  });

  it('tries System32 first on Windows, then PATH', async () => {
    const commands = new FakeCommandRunner().on('nvidia-smi', FULL_QUERY, exited(fixture('geforce-rtx-2080-super__windows__591.86.csv')));
    const detection = await probe(commands, 'win32').detect();
    expect(commands.runs.map((run) => [run.command, run.args])).toEqual([
      ['C:\\Windows\\System32\\nvidia-smi.exe', FULL_QUERY],
      ['nvidia-smi', FULL_QUERY],
    ]);
    expect(detection.nvidiaSmi).toEqual({ state: 'ok', path: 'nvidia-smi', driverVersion: '591.86' });
  });

  it('uses a DriverStore copy on Windows when System32 has none', async () => {
    const store = 'C:\\Windows\\System32\\DriverStore\\FileRepository\\nvdmi.inf_amd64_0123\\nvidia-smi.exe';
    const commands = new FakeCommandRunner().on(store, FULL_QUERY, exited(fixture('geforce-rtx-2080-super__windows__591.86.csv')));
    const detection = await createGpuProbe({
      commands,
      platform: 'win32',
      clock: fixedClock(),
      graphics: async () => [],
      driverStoreNvidiaSmi: async () => [store],
    }).detect();
    expect(commands.runs.map((run) => run.command)).toEqual(['C:\\Windows\\System32\\nvidia-smi.exe', store]);
    expect(detection.nvidiaSmi).toMatchObject({ state: 'ok', path: store });
  });

  it('retries without compute_cap on drivers that do not know it', async () => {
    const commands = new FakeCommandRunner()
      .on('nvidia-smi', FULL_QUERY, exited(fixture('error__compute-cap-unknown.txt'), 2))
      .on('nvidia-smi', QUERY_WITHOUT_COMPUTE_CAP, exited(fixture('geforce-rtx-4080-super__without-compute-cap.csv')));
    const detection = await probe(commands, 'linux').detect();
    expect(commands.runs.map((run) => run.args)).toEqual([FULL_QUERY, QUERY_WITHOUT_COMPUTE_CAP]);
    expect(detection.gpus[0]?.computeCapability).toBeNull();
    expect(detection.gpus[0]?.uuid).toBe(UUID);
  });

  it('reports several GPUs', async () => {
    const commands = new FakeCommandRunner().on('nvidia-smi', FULL_QUERY, exited(fixture('2x-geforce-rtx-3090__linux__595.71.05.csv')));
    const detection = await probe(commands, 'linux').detect();
    expect(detection.gpus.map((gpu) => gpu.index)).toEqual([0, 1]);
  });

  it('reports a driver that is not loaded as failed, with the fix', async () => {
    const commands = new FakeCommandRunner().on('nvidia-smi', FULL_QUERY, exited(fixture('error__driver-not-loaded.txt'), 9));
    const detection = await probe(commands, 'linux').detect();
    expect(detection.gpus).toEqual([]);
    expect(detection.nvidiaSmi.state).toBe('failed');
    expect(detection.nvidiaSmi.state === 'failed' && detection.nvidiaSmi.message).toMatch(/exited with code 9: .*cannot talk to the NVIDIA driver.*reboot/i);
  });

  it('reports "No devices were found" (exit 6) as zero GPUs, not as a failure', async () => {
    const commands = new FakeCommandRunner().on('nvidia-smi', FULL_QUERY, exited(fixture('error__no-devices.txt'), 6));
    const detection = await probe(commands, 'linux').detect();
    expect(detection.gpus).toEqual([]);
    expect(detection.nvidiaSmi).toEqual({ state: 'ok', path: 'nvidia-smi', driverVersion: null });
  });

  it('reports unparseable output and timeouts as failed', async () => {
    const garbage = new FakeCommandRunner().on('nvidia-smi', FULL_QUERY, exited('<html>proxy error</html>'));
    const failed = await probe(garbage, 'linux').detect();
    expect(failed.nvidiaSmi.state === 'failed' && failed.nvidiaSmi.message).toMatch(/shape RigShift does not understand/);

    const hung = new FakeCommandRunner().on('nvidia-smi', FULL_QUERY, { kind: 'timeout' });
    const timedOut = await probe(hung, 'linux').detect();
    expect(timedOut.nvidiaSmi.state === 'failed' && timedOut.nvidiaSmi.message).toMatch(/did not answer within 15 s/);
  });

  it('survives a failing adapter inventory', async () => {
    const detection = await createGpuProbe({
      commands: new FakeCommandRunner(),
      platform: 'linux',
      clock: fixedClock(),
      graphics: async () => {
        throw new Error('lspci: not found');
      },
    }).detect();
    expect(detection.adapters).toEqual([]);
  });
});

describe('createGpuProbe().streamTelemetry()', () => {
  const telemetry = readFileSync(join(__dirname, '../../fixtures/nvidia-smi/telemetry__geforce-rtx-4080-super__595.71.05.txt'), 'utf8')
    .split('\n')
    .filter(Boolean);

  it('starts one long-lived nvidia-smi with the exact argv and forwards parsed samples', async () => {
    const commands = new FakeCommandRunner().on('nvidia-smi', FULL_QUERY, exited(fixture('geforce-rtx-4080-super__linux__595.71.05.csv')));
    const gpus = probe(commands, 'linux');
    await gpus.detect();
    const samples: unknown[] = [];
    const handle = gpus.streamTelemetry(UUID, 500, (sample) => samples.push(sample));

    expect(commands.streams).toHaveLength(1);
    expect(commands.streams[0]?.command).toBe('nvidia-smi');
    expect(commands.streams[0]?.args).toEqual([
      '--query-gpu=uuid,power.draw,temperature.gpu,clocks.sm,clocks.mem,clocks_event_reasons.active',
      '--format=csv,noheader,nounits',
      '-lms',
      '500',
      '-i',
      UUID,
    ]);
    for (const line of telemetry) commands.streams[0]?.emit(line);
    commands.streams[0]?.emit('');
    commands.streams[0]?.emit('GPU-11111111-1111-1111-1111-111111111111, 1, 2, 3, 4, 0x0');
    expect(samples).toEqual([
      { powerW: 26.2, temperatureC: 43, smClockMHz: 210, memClockMHz: 405, throttleReasons: ['gpu_idle'] },
      { powerW: 84.24, temperatureC: 46, smClockMHz: 2805, memClockMHz: 11251, throttleReasons: [] },
    ]);

    handle.stop();
    expect(commands.streams[0]?.stopped).toBe(true);
    commands.streams[0]?.emit(telemetry[0] ?? '');
    expect(samples).toHaveLength(2);
  });

  it('uses the Windows System32 binary when detection has not run', () => {
    const commands = new FakeCommandRunner();
    probe(commands, 'win32').streamTelemetry(UUID, 1000, () => undefined);
    expect(commands.streams[0]?.command).toBe('C:\\Windows\\System32\\nvidia-smi.exe');
  });

  it('falls back to clocks_throttle_reasons.active on pre-R535 drivers', () => {
    const commands = new FakeCommandRunner();
    const samples: Array<{ throttleReasons?: string[] }> = [];
    const handle = probe(commands, 'linux').streamTelemetry(UUID, 500, (sample) => samples.push(sample));
    commands.streams[0]?.emit('Field "clocks_event_reasons.active" is not a valid field to query.');

    expect(commands.streams).toHaveLength(2);
    expect(commands.streams[0]?.stopped).toBe(true);
    expect(commands.streams[1]?.args[0]).toBe('--query-gpu=uuid,power.draw,temperature.gpu,clocks.sm,clocks.mem,clocks_throttle_reasons.active');
    commands.streams[1]?.emit(`${UUID}, 250.5, 70, 1800, 9501, 0x0000000000000004`);
    expect(samples).toEqual([{ powerW: 250.5, temperatureC: 70, smClockMHz: 1800, memClockMHz: 9501, throttleReasons: ['sw_power_cap'] }]);
    handle.stop();
    expect(commands.streams[1]?.stopped).toBe(true);
  });
});
