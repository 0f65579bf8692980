import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JobSpecSchema, type JobSpec } from '../../../shared/domain/job';
import { validateJobSpec } from '../../../shared/domain/job-spec-validation';
import {
  RUNSC_HOST_PIDS_LIMIT,
  buildHardenedHostConfig,
  tmpfsOptions,
} from '../../../electron/agent/containers/hardened-host-config';
import {
  EGRESS_DNS_SERVERS,
  buildJobContainerOptions,
  type JobContainerInput,
} from '../../../electron/agent/jobs/job-container-options';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const UUID = 'GPU-8f6c3b1e-2a4d-4c1b-9e7f-0123456789ab';
const IMAGE = `ghcr.io/acme/trainer@sha256:${'a'.repeat(64)}`;
const WORKSPACE = { inputsDir: '/data/rigshift/jobs/j-1/in', outputsDir: '/data/rigshift/jobs/j-1/out' };

function gpuSpec(): JobSpec {
  return JobSpecSchema.parse({
    version: 1,
    name: 'train',
    image: IMAGE,
    entrypoint: ['/usr/bin/python3'],
    command: ['train.py', '--epochs', '3'],
    env: { EPOCHS: '3', HF_HOME: '/scratch/hf' },
    inputs: [],
    outputs: { maxTotalBytes: 8 * GiB, maxFiles: 100 },
    resources: { gpus: 1, minVramMiB: 8192, cpus: 4, memoryMiB: 16384, scratchMiB: 4096 },
    maxDurationSeconds: 3600,
    preemptible: true,
  });
}

function cpuSpec(): JobSpec {
  return JobSpecSchema.parse({
    version: 1,
    name: 'hash',
    image: IMAGE,
    inputs: [],
    outputs: { maxTotalBytes: 10 * MiB, maxFiles: 10 },
    resources: { gpus: 0, minVramMiB: 0, cpus: 0.5, memoryMiB: 256, scratchMiB: 0 },
    maxDurationSeconds: 60,
    preemptible: false,
  });
}

function input(overrides: Partial<JobContainerInput> = {}): JobContainerInput {
  return {
    jobId: 'j-1',
    spec: gpuSpec(),
    device: { kind: 'gpu', gpuUuid: UUID },
    runtime: 'runc',
    workspace: WORKSPACE,
    user: '10001:10001',
    network: { mode: 'none' },
    ownerPid: 4242,
    ...overrides,
  };
}

const workspaceMounts = [
  { Type: 'bind', Source: WORKSPACE.inputsDir, Target: '/workspace/in', ReadOnly: true, BindOptions: { Propagation: 'rprivate' } },
  { Type: 'bind', Source: WORKSPACE.outputsDir, Target: '/workspace/out', ReadOnly: false, BindOptions: { Propagation: 'rprivate' } },
];

/** Every HostConfig field, written out by hand from sandbox.md section 3. */
function expectedHostConfig(o: { runtime: string; memory: number; nanoCpus: number; tmpfs: Record<string, string>; fsize: number }) {
  return {
    Runtime: o.runtime,
    Privileged: false,
    CapDrop: ['ALL'],
    CapAdd: [],
    SecurityOpt: ['no-new-privileges:true'],
    ReadonlyRootfs: true,
    Tmpfs: o.tmpfs,
    // runc: the job's processes. runsc: the pids cgroup counts the gVisor sandbox's own host
    // threads, and 512 kills the sandbox itself (see RUNSC_HOST_PIDS_LIMIT).
    PidsLimit: o.runtime === 'runsc' ? 4096 : 512,
    Memory: o.memory,
    MemorySwap: o.memory,
    OomKillDisable: false,
    NanoCpus: o.nanoCpus,
    Ulimits: [
      { Name: 'nofile', Soft: 4096, Hard: 4096 },
      { Name: 'core', Soft: 0, Hard: 0 },
      { Name: 'fsize', Soft: o.fsize, Hard: o.fsize },
    ],
    LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '2' } },
    NetworkMode: 'none',
    IpcMode: 'private',
    ShmSize: 64 * MiB,
    Init: true,
    RestartPolicy: { Name: 'no' },
    AutoRemove: false,
    Binds: [],
    Mounts: workspaceMounts,
    Devices: [],
  };
}

const ATTACH = { AttachStdin: false, AttachStdout: true, AttachStderr: true, Tty: false, OpenStdin: false };

describe('buildJobContainerOptions', () => {
  it.each(['runc', 'runsc'] as const)('GPU job under %s: every field', (runtime) => {
    const options = buildJobContainerOptions(input({ runtime }));
    expect(options).toStrictEqual({
      Image: IMAGE,
      Entrypoint: ['/usr/bin/python3'],
      Cmd: ['train.py', '--epochs', '3'],
      Env: [
        'HOME=/scratch',
        'EPOCHS=3',
        'HF_HOME=/scratch/hf',
        `NVIDIA_VISIBLE_DEVICES=${UUID}`,
        'NVIDIA_DRIVER_CAPABILITIES=compute,utility',
      ],
      User: '10001:10001',
      WorkingDir: '/workspace',
      Hostname: 'job',
      StopSignal: 'SIGTERM',
      Labels: {
        'io.rigshift.managed': 'true',
        'io.rigshift.owner-pid': '4242',
        'io.rigshift.role': 'job',
        'io.rigshift.job-id': 'j-1',
      },
      NetworkDisabled: true,
      ...ATTACH,
      HostConfig: {
        ...expectedHostConfig({
          runtime,
          memory: 16 * GiB,
          nanoCpus: 4e9,
          tmpfs: { '/tmp': 'rw,nosuid,nodev,size=64m', '/scratch': 'rw,nosuid,nodev,size=4096m' },
          fsize: 8 * GiB, // the output cap is the largest of the three
        }),
        DeviceRequests: [{ Driver: 'nvidia', DeviceIDs: [UUID], Capabilities: [['gpu', 'compute', 'utility']] }],
      },
    });
    expect(options).not.toHaveProperty('Domainname');
    expect(options).not.toHaveProperty('ExposedPorts');
    expect(options.HostConfig).not.toHaveProperty('PortBindings');
    expect(options.HostConfig?.DeviceRequests?.[0]).not.toHaveProperty('Count');
  });

  it.each(['runc', 'runsc'] as const)('CPU job under %s: every field, no GPU, no scratch', (runtime) => {
    const options = buildJobContainerOptions(input({ runtime, spec: cpuSpec(), device: { kind: 'cpu' } }));
    expect(options).toStrictEqual({
      Image: IMAGE,
      // No entrypoint or command in the spec: the image's own stay in force.
      Env: ['HOME=/tmp', 'NVIDIA_VISIBLE_DEVICES=void'],
      User: '10001:10001',
      WorkingDir: '/workspace',
      Hostname: 'job',
      StopSignal: 'SIGTERM',
      Labels: {
        'io.rigshift.managed': 'true',
        'io.rigshift.owner-pid': '4242',
        'io.rigshift.role': 'job',
        'io.rigshift.job-id': 'j-1',
      },
      NetworkDisabled: true,
      ...ATTACH,
      HostConfig: expectedHostConfig({
        runtime,
        memory: 256 * MiB,
        nanoCpus: 5e8,
        // scratchMiB 0 means no /scratch at all: a tmpfs of size=0 would be unlimited.
        tmpfs: { '/tmp': 'rw,nosuid,nodev,size=64m' },
        fsize: 64 * MiB, // /tmp is larger than the 10 MiB output cap
      }),
    });
    expect(options.HostConfig).not.toHaveProperty('DeviceRequests');
  });

  it('egress: the job network by name, public resolvers, network enabled', () => {
    const options = buildJobContainerOptions(input({ network: { mode: 'egress', networkName: 'rigshift-job-j-1' } }));
    expect(options.NetworkDisabled).toBe(false);
    expect(options.HostConfig?.NetworkMode).toBe('rigshift-job-j-1');
    expect(options.HostConfig?.Dns).toEqual(['1.1.1.1', '9.9.9.9']);
    expect(EGRESS_DNS_SERVERS).toEqual(['1.1.1.1', '9.9.9.9']);
    const { NetworkMode: _a, Dns: _b, ...rest } = options.HostConfig ?? {};
    const { NetworkMode: _c, ...none } = buildJobContainerOptions(input()).HostConfig ?? {};
    expect(rest).toEqual(none);
  });

  it('an explicit empty entrypoint and command are passed as given', () => {
    const spec = { ...gpuSpec(), entrypoint: [], command: [] };
    const options = buildJobContainerOptions(input({ spec }));
    expect(options.Entrypoint).toEqual([]);
    expect(options.Cmd).toEqual([]);
  });

  it('the job cannot override NVIDIA_*, CUDA_VISIBLE_DEVICES or LD_* even past the validator', () => {
    const env = {
      NVIDIA_VISIBLE_DEVICES: 'all',
      NVIDIA_DRIVER_CAPABILITIES: 'all',
      NVIDIA_DISABLE_REQUIRE: '1',
      CUDA_VISIBLE_DEVICES: '0,1',
      LD_PRELOAD: '/evil.so',
      LD_LIBRARY_PATH: '/evil',
      'BAD=NAME': 'x',
      NUL: 'a\0b',
      HOME: '/scratch/home',
      KEEP: 'yes',
    };
    const spec = { ...gpuSpec(), env };
    expect(validateJobSpec(spec).ok).toBe(false); // the validator refuses it first
    const gpu = buildJobContainerOptions(input({ spec }));
    expect(gpu.Env).toEqual([
      'HOME=/scratch',
      'HOME=/scratch/home', // the job may move its own home; the last one wins
      'KEEP=yes',
      `NVIDIA_VISIBLE_DEVICES=${UUID}`,
      'NVIDIA_DRIVER_CAPABILITIES=compute,utility',
    ]);
    const cpu = buildJobContainerOptions(input({ spec: { ...cpuSpec(), env }, device: { kind: 'cpu' } }));
    expect(cpu.Env).toEqual(['HOME=/tmp', 'HOME=/scratch/home', 'KEEP=yes', 'NVIDIA_VISIBLE_DEVICES=void']);
    // What the engine does with the list: image ENV first, then ours, the last of a name wins.
    const effective = (list: string[]) => new Map(list.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
    const imageEnv = ['NVIDIA_VISIBLE_DEVICES=all', 'NVIDIA_DRIVER_CAPABILITIES=all', 'LD_PRELOAD=/image.so'];
    const seen = effective([...imageEnv, ...(gpu.Env ?? [])]);
    expect(seen.get('NVIDIA_VISIBLE_DEVICES')).toBe(UUID);
    expect(seen.get('NVIDIA_DRIVER_CAPABILITIES')).toBe('compute,utility');
  });

  it('the caller cannot loosen the labels', () => {
    const options = buildJobContainerOptions(input({ jobId: 'j-2', ownerPid: 7 }));
    expect(options.Labels).toEqual({
      'io.rigshift.managed': 'true',
      'io.rigshift.owner-pid': '7',
      'io.rigshift.role': 'job',
      'io.rigshift.job-id': 'j-2',
    });
    const { ownerPid: _omit, ...withoutPid } = input();
    expect(buildJobContainerOptions(withoutPid).Labels?.['io.rigshift.owner-pid']).toBe(String(process.pid));
  });

  it('fields a hostile spec smuggles past the type system reach nothing', () => {
    const hostile = {
      ...gpuSpec(),
      privileged: true,
      Privileged: true,
      binds: ['/:/host'],
      HostConfig: { Privileged: true, NetworkMode: 'host', Binds: ['/:/host'] },
      devices: ['/dev/mem'],
      capAdd: ['SYS_ADMIN'],
      runtime: 'nvidia',
      user: '0:0',
      securityOpt: ['seccomp=unconfined'],
      networkMode: 'host',
      resources: { ...gpuSpec().resources, privileged: true, memorySwap: -1, pidsLimit: 0 },
    } as unknown as JobSpec;
    expect(buildJobContainerOptions(input({ spec: hostile }))).toStrictEqual(buildJobContainerOptions(input()));
  });

  it('property: only the resources, the output cap and the GPU reach the HostConfig', () => {
    const envName = fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,15}$/).filter((n) => !/^(NVIDIA_|LD_|CUDA_VISIBLE_DEVICES$|HOME$)/.test(n));
    const spec = fc
      .record({
        gpus: fc.constantFrom(0, 1),
        cpus: fc.double({ min: 0.1, max: 256, noNaN: true }),
        memoryMiB: fc.integer({ min: 64, max: 1024 * 1024 }),
        scratchFraction: fc.double({ min: 0, max: 1, noNaN: true }),
        maxTotalBytes: fc.integer({ min: 0, max: 64 * 1024 ** 3 }),
        env: fc.dictionary(envName, fc.string({ maxLength: 20 }).filter((v) => !v.includes('\0')), { maxKeys: 5 }),
        command: fc.option(fc.array(fc.string({ maxLength: 10 }), { maxLength: 4 }), { nil: undefined }),
        network: fc.constantFrom('none', 'egress'),
        preemptible: fc.boolean(),
        maxDurationSeconds: fc.integer({ min: 1, max: 7 * 24 * 3600 }),
      })
      .map((r) => {
        const scratchMiB = Math.floor(Math.min(r.memoryMiB, 256 * 1024) * r.scratchFraction);
        const parsed = validateJobSpec({
          version: 1,
          name: 'p',
          image: IMAGE,
          ...(r.command ? { command: r.command } : {}),
          env: r.env,
          inputs: [],
          outputs: { maxTotalBytes: r.maxTotalBytes, maxFiles: 1 },
          resources: { gpus: r.gpus, minVramMiB: 0, cpus: r.cpus, memoryMiB: r.memoryMiB, scratchMiB },
          maxDurationSeconds: r.maxDurationSeconds,
          preemptible: r.preemptible,
          network: r.network,
        });
        if (!parsed.ok) throw new Error(parsed.reasons.join('; '));
        return parsed.spec;
      });
    fc.assert(
      fc.property(spec, fc.constantFrom('runc', 'runsc' as const), (s, runtime) => {
        const device = s.resources.gpus === 1 ? ({ kind: 'gpu', gpuUuid: UUID } as const) : ({ kind: 'cpu' } as const);
        const options = buildJobContainerOptions(input({ spec: s, device, runtime }));
        const scratch = s.resources.scratchMiB * MiB;
        const memory = s.resources.memoryMiB * MiB;
        const tmpfs: Record<string, string> = { '/tmp': 'rw,nosuid,nodev,size=64m' };
        if (scratch > 0) tmpfs['/scratch'] = `rw,nosuid,nodev,size=${s.resources.scratchMiB}m`;
        const expected: Record<string, unknown> = expectedHostConfig({
          runtime,
          memory,
          nanoCpus: Math.round(s.resources.cpus * 1e9),
          tmpfs,
          fsize: Math.max(s.outputs.maxTotalBytes, scratch, 64 * MiB),
        });
        if (device.kind === 'gpu') {
          expected.DeviceRequests = [{ Driver: 'nvidia', DeviceIDs: [UUID], Capabilities: [['gpu', 'compute', 'utility']] }];
        }
        expect(options.HostConfig).toStrictEqual(expected);
        const env = options.Env ?? [];
        expect(env.slice(-(device.kind === 'gpu' ? 2 : 1))).toEqual(
          device.kind === 'gpu' ? [`NVIDIA_VISIBLE_DEVICES=${UUID}`, 'NVIDIA_DRIVER_CAPABILITIES=compute,utility'] : ['NVIDIA_VISIBLE_DEVICES=void'],
        );
        expect(env.filter((e) => e.startsWith('NVIDIA_')).length).toBe(device.kind === 'gpu' ? 2 : 1);
      }),
      { numRuns: 200 },
    );
  });

  it.each([
    ['root by number', { user: '0' }, 'jobs never run as root'],
    ['root group', { user: '10001:0' }, 'jobs never run as root'],
    ['root by name', { user: 'root' }, 'job user must be a numeric uid[:gid], got "root"'],
    ['an empty user', { user: '' }, 'job user must be a numeric uid[:gid], got ""'],
    ['a relative inputs folder', { workspace: { ...WORKSPACE, inputsDir: 'in' } }, 'the job\'s inputs folder must be an absolute path, got "in"'],
    ['the host root as outputs', { workspace: { ...WORKSPACE, outputsDir: '/' } }, 'the job\'s outputs folder must be a plain folder below a root, got "/"'],
    ['a drive root as outputs', { workspace: { ...WORKSPACE, outputsDir: 'C:\\' } }, 'the job\'s outputs folder must be a plain folder below a root, got "C:\\"'],
    ['".." in a folder', { workspace: { ...WORKSPACE, inputsDir: '/data/../etc' } }, 'the job\'s inputs folder must be a plain folder below a root, got "/data/../etc"'],
    ['one folder for both', { workspace: { inputsDir: '/data/x', outputsDir: '/data/x' } }, 'inputs and outputs must be different folders'],
  ] as const)('refuses to build with %s', (_what, overrides, message) => {
    expect(() => buildJobContainerOptions(input(overrides as Partial<JobContainerInput>))).toThrow(message);
  });

  it('accepts Windows workspace folders (Docker Desktop)', () => {
    const workspace = { inputsDir: 'C:\\Users\\o\\AppData\\RigShift\\jobs\\j-1\\in', outputsDir: 'C:\\Users\\o\\AppData\\RigShift\\jobs\\j-1\\out' };
    expect(buildJobContainerOptions(input({ workspace })).HostConfig?.Mounts?.map((m) => m.Source)).toEqual([
      workspace.inputsDir,
      workspace.outputsDir,
    ]);
  });
});

describe('hardened host config guards', () => {
  const base = { runtime: 'runc', memoryBytes: GiB, cpus: 1, pidsLimit: 64, tmpfs: {}, nofile: 64, network: { mode: 'none' } } as const;

  it.each([
    [0, 'tmpfs size must be a positive number of bytes, got 0'],
    [-1, 'tmpfs size must be a positive number of bytes, got -1'],
    [1.5, 'tmpfs size must be a positive number of bytes, got 1.5'],
  ])('tmpfsOptions refuses size %s (size=0 would be unlimited)', (size, message) => {
    expect(() => tmpfsOptions(size, { exec: false })).toThrow(message);
  });

  it('tmpfsOptions writes whole MiB as "m" and other sizes in bytes', () => {
    expect(tmpfsOptions(64 * MiB, { exec: false })).toBe('rw,nosuid,nodev,noexec,size=64m');
    expect(tmpfsOptions(1000, { exec: true })).toBe('rw,nosuid,nodev,size=1000');
  });

  it.each([
    [{ memoryBytes: 0 }, 'memory limit must be a positive number of bytes, got 0'],
    [{ cpus: 0 }, 'cpus must be positive, got 0'],
    [{ cpus: Number.NaN }, 'cpus must be positive, got NaN'],
    [{ pidsLimit: -1 }, 'pids limit must be a positive integer, got -1'],
    [{ pidsLimit: 0 }, 'pids limit must be a positive integer, got 0'],
    [{ tmpfs: { '/tmp': 'rw,nosuid,nodev' } }, 'tmpfs /tmp has no size limit'],
    [{ tmpfs: { '/tmp': 'rw,size=0' } }, 'tmpfs /tmp has no size limit'],
  ])('buildHardenedHostConfig refuses %j', (patch, message) => {
    expect(() => buildHardenedHostConfig({ ...base, ...patch })).toThrow(message);
  });

  it('PidsLimit: the caller\'s figure under runc; under runsc raised to the sandbox floor, never lowered', () => {
    expect(buildHardenedHostConfig({ ...base, runtime: 'runc', pidsLimit: 64 }).PidsLimit).toBe(64);
    expect(buildHardenedHostConfig({ ...base, runtime: 'runsc', pidsLimit: 64 }).PidsLimit).toBe(RUNSC_HOST_PIDS_LIMIT);
    expect(buildHardenedHostConfig({ ...base, runtime: 'runsc', pidsLimit: 10_000 }).PidsLimit).toBe(10_000);
    // The guard still applies under runsc: 0 would not be raised, it is refused.
    expect(() => buildHardenedHostConfig({ ...base, runtime: 'runsc', pidsLimit: 0 })).toThrow('pids limit must be a positive integer');
  });
});
