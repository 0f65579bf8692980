import { describe, expect, it } from 'vitest';
import {
  buildBenchmarkContainerOptions,
  chooseRuntime,
  defaultBenchmarkLimits,
} from '../../../electron/agent/benchmark/container-options';

const GiB = 1024 ** 3;
const uuid = 'GPU-8f6c3b1e-2a4d-4c1b-9e7f-0123456789ab';

function expectedHostConfig(runtime: string, memory: number, nanoCpus: number) {
  return {
    Runtime: runtime,
    Privileged: false,
    CapDrop: ['ALL'],
    CapAdd: [],
    SecurityOpt: ['no-new-privileges:true'],
    ReadonlyRootfs: true,
    Tmpfs: { '/tmp': 'rw,nosuid,nodev,noexec,size=64m' },
    // runsc: the pids cgroup counts the gVisor sandbox's own host threads (RUNSC_HOST_PIDS_LIMIT).
    PidsLimit: runtime === 'runsc' ? 4096 : 256,
    Memory: memory,
    MemorySwap: memory,
    OomKillDisable: false,
    NanoCpus: nanoCpus,
    Ulimits: [
      { Name: 'nofile', Soft: 1024, Hard: 1024 },
      { Name: 'core', Soft: 0, Hard: 0 },
    ],
    LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '2' } },
    NetworkMode: 'none',
    IpcMode: 'private',
    Init: true,
    RestartPolicy: { Name: 'no' },
    AutoRemove: false,
    Binds: [],
    Mounts: [],
    Devices: [],
  };
}

describe('buildBenchmarkContainerOptions', () => {
  it.each(['runc', 'runsc'] as const)('CPU under %s: hardened, no GPU, no network', (runtime) => {
    const options = buildBenchmarkContainerOptions({ kind: 'cpu' }, 'rigshift/bench-cpu:1', runtime, { 'io.rigshift.run-id': 'r1' }, {
      limits: { cpus: 2, memoryBytes: 3 * GiB },
      cmd: ['--quick'],
      name: 'rigshift-bench-r1',
    });
    expect(options).toEqual({
      name: 'rigshift-bench-r1',
      Image: 'rigshift/bench-cpu:1',
      Cmd: ['--quick'],
      Env: [],
      User: '10001:10001',
      WorkingDir: '/tmp',
      Labels: { 'io.rigshift.run-id': 'r1', 'io.rigshift.managed': 'true', 'io.rigshift.role': 'benchmark' },
      NetworkDisabled: true,
      AttachStdin: false,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
      OpenStdin: false,
      HostConfig: expectedHostConfig(runtime, 3 * GiB, 2e9),
    });
    expect(options.HostConfig).not.toHaveProperty('DeviceRequests');
  });

  it.each(['runc', 'runsc'] as const)('GPU under %s: one DeviceRequest pinned to the UUID, env overrides the image', (runtime) => {
    const options = buildBenchmarkContainerOptions({ kind: 'gpu', gpuUuid: uuid }, 'rigshift/bench-gpu:1', runtime, {}, {
      limits: { cpus: 2, memoryBytes: 4 * GiB },
    });
    expect(options.Env).toEqual([`NVIDIA_VISIBLE_DEVICES=${uuid}`, 'NVIDIA_DRIVER_CAPABILITIES=compute,utility']);
    expect(options.HostConfig).toEqual({
      ...expectedHostConfig(runtime, 4 * GiB, 2e9),
      DeviceRequests: [{ Driver: 'nvidia', DeviceIDs: [uuid], Capabilities: [['gpu', 'compute', 'utility']] }],
    });
    expect(options.HostConfig?.DeviceRequests?.[0]).not.toHaveProperty('Count');
    expect(options.Cmd).toEqual([]);
    expect(options).not.toHaveProperty('name');
  });

  it('caller labels can never override the managed/role labels', () => {
    const options = buildBenchmarkContainerOptions({ kind: 'cpu' }, 'x', 'runc', { 'io.rigshift.role': 'job', 'io.rigshift.managed': 'false' });
    expect(options.Labels).toEqual({ 'io.rigshift.managed': 'true', 'io.rigshift.role': 'benchmark' });
  });
});

describe('defaultBenchmarkLimits', () => {
  it.each([
    ['cpu', 8, { cpus: 8, memoryBytes: 3 * GiB }],
    ['cpu', 0.5, { cpus: 1, memoryBytes: 3 * GiB }],
    ['gpu', 16, { cpus: 2, memoryBytes: 4 * GiB }],
    ['gpu', 1, { cpus: 1, memoryBytes: 4 * GiB }],
  ] as const)('%s with %d host CPUs', (kind, cpus, expected) => {
    expect(defaultBenchmarkLimits(kind, cpus)).toEqual(expected);
  });
});

describe('chooseRuntime', () => {
  it.each([
    [['runc', 'runsc'], true, 'runsc'],
    [['runc', 'runsc'], false, 'runc'],
    [['runc'], true, 'runc'],
    [['runc', 'nvidia'], true, 'runc'],
  ] as const)('registered %j, preferGvisor %s -> %s', (registered, prefer, expected) => {
    expect(chooseRuntime(registered, prefer)).toBe(expected);
  });
});
