import { describe, expect, it } from 'vitest';
import {
  ENV_MAX_ENTRIES,
  MAX_REASONS,
  imageRegistryHost,
  nonPublicAddressKind,
  validateJobSpec,
} from '../../../shared/domain/job-spec-validation';

const DIGEST = 'a'.repeat(64);
const SHA = 'b'.repeat(64);
const PUBLIC_ONLY = "inputs are downloaded by the owner's PC and must come from the public internet";

/** A GPU job that passes; each hostile case changes one thing. */
function gpuSpec(): Record<string, unknown> {
  return {
    version: 1,
    name: 'resnet-train',
    image: `ghcr.io/acme/trainer@sha256:${DIGEST}`,
    entrypoint: ['/usr/bin/python3'],
    command: ['train.py', '--epochs', '3'],
    env: { EPOCHS: '3', HF_HOME: '/scratch/hf', _PRIVATE: '' },
    inputs: [{ name: 'data.tar', url: 'https://data.example.com/data.tar', sha256: SHA, sizeBytes: 1024 }],
    outputs: { maxTotalBytes: 1024 ** 3, maxFiles: 100 },
    resources: { gpus: 1, minVramMiB: 8192, cpus: 4, memoryMiB: 16384, scratchMiB: 4096 },
    maxDurationSeconds: 3600,
    preemptible: true,
    network: 'none',
  };
}

function cpuSpec(): Record<string, unknown> {
  return {
    version: 1,
    name: 'hash-files',
    image: `busybox@sha256:${DIGEST}`,
    inputs: [],
    outputs: { maxTotalBytes: 0, maxFiles: 0 },
    resources: { gpus: 0, minVramMiB: 0, cpus: 0.5, memoryMiB: 64, scratchMiB: 0 },
    maxDurationSeconds: 60,
    preemptible: false,
  };
}

type Spec = Record<string, unknown>;
const patch = (change: (spec: Spec) => void): Spec => {
  const spec = structuredClone(gpuSpec());
  change(spec);
  return spec;
};
const withEnv = (env: Record<string, unknown>) => patch((s) => (s.env = env));
const withResources = (resources: Record<string, unknown>) =>
  patch((s) => (s.resources = { ...(s.resources as object), ...resources }));
const withInput = (input: Record<string, unknown>) =>
  patch((s) => (s.inputs = [{ name: 'in.bin', url: 'https://example.com/in.bin', sha256: SHA, sizeBytes: 1, ...input }]));
const REGISTRY_PUBLIC_ONLY = 'jobs may only pull from public registries';
const RESERVED_REASON =
  'inputs[0].name: is a device name on Windows (CON, PRN, AUX, NUL, COM0-9 and LPT0-9, with any extension): choose another file name';
const urlReason = (address: string, kind: string) => `inputs[0].url points at ${address}, ${kind} address: ${PUBLIC_ONLY}`;

describe('validateJobSpec: valid specs', () => {
  it('accepts a GPU spec and returns it as parsed', () => {
    const result = validateJobSpec(gpuSpec());
    expect(result).toEqual({ ok: true, spec: gpuSpec() });
  });

  it('accepts a CPU spec and fills network: none', () => {
    expect(validateJobSpec(cpuSpec())).toEqual({ ok: true, spec: { ...cpuSpec(), network: 'none' } });
  });

  it('accepts egress, public IP literal inputs over http, 256 env entries and exactly 64 KiB of env', () => {
    const env: Record<string, string> = {};
    for (let i = 0; i < ENV_MAX_ENTRIES - 1; i += 1) env[`V${String(i).padStart(3, '0')}`] = 'x';
    // Each entry costs "NAME=value\0": 255 x 7 bytes, then one filler up to exactly 64 KiB.
    const used = (ENV_MAX_ENTRIES - 1) * 7;
    env.FILL = 'y'.repeat(64 * 1024 - used - 'FILL='.length - 1);
    const spec = patch((s) => {
      s.network = 'egress';
      s.env = env;
      s.inputs = [
        { name: 'a', url: 'http://93.184.215.14/a', sha256: SHA, sizeBytes: 1 },
        { name: 'b', url: 'https://[2606:4700:4700::1111]/b', sha256: SHA, sizeBytes: 1 },
      ];
      s.resources = { gpus: 1, minVramMiB: 0, cpus: 1, memoryMiB: 4096, scratchMiB: 4096 };
    });
    expect(validateJobSpec(spec)).toMatchObject({ ok: true });
  });
});

/** [what the requester tried, the spec, the exact reasons]. */
const HOSTILE: Array<[string, unknown, string[]]> = [
  // Not a spec at all
  ['null', null, ['the job spec must be a JSON object']],
  ['an array', [gpuSpec()], ['the job spec must be a JSON object']],
  ['a string', '{"version":1}', ['the job spec must be a JSON object']],

  // Escalation through keys outside the allow-list (sandbox.md attack 16)
  ['privileged', patch((s) => (s.privileged = true)), ['"privileged" is not allowed: jobs never get extra privileges']],
  ['Privileged (Docker casing)', patch((s) => (s.Privileged = true)), ['"Privileged" is not allowed: jobs never get extra privileges']],
  ['binds', patch((s) => (s.binds = ['/:/host'])), ['"binds" is not allowed: jobs get no host folders']],
  ['mounts', patch((s) => (s.mounts = [{ source: '/var/run/docker.sock' }])), ['"mounts" is not allowed: jobs get no host folders']],
  ['volumes', patch((s) => (s.volumes = { '/host': {} })), ['"volumes" is not allowed: jobs get no host folders']],
  ['devices', patch((s) => (s.devices = ['/dev/mem'])), ['"devices" is not allowed: jobs get no host devices; RigShift assigns the GPU']],
  ['deviceRequests', patch((s) => (s.deviceRequests = [{ Count: -1 }])), ['"deviceRequests" is not allowed: jobs get no host devices; RigShift assigns the GPU']],
  ['capAdd', patch((s) => (s.capAdd = ['SYS_ADMIN'])), ['"capAdd" is not allowed: jobs get no Linux capabilities']],
  ['cap_add (snake case)', patch((s) => (s.cap_add = ['NET_RAW'])), ['"cap_add" is not allowed: jobs get no Linux capabilities']],
  ['networkMode host', patch((s) => (s.networkMode = 'host')), ['"networkMode" is not allowed: the network is chosen with "network": "none" or "egress"']],
  ['hostNetwork', patch((s) => (s.hostNetwork = true)), ['"hostNetwork" is not allowed: the network is chosen with "network": "none" or "egress"']],
  ['portBindings', patch((s) => (s.portBindings = { '22/tcp': [{}] })), ['"portBindings" is not allowed: jobs cannot publish ports on the owner\'s PC']],
  ['runtime', patch((s) => (s.runtime = 'runc')), ['"runtime" is not allowed: the sandbox runtime is chosen by the owner\'s RigShift']],
  ['user root', patch((s) => (s.user = '0:0')), ['"user" is not allowed: jobs always run as RigShift\'s unprivileged user']],
  ['securityOpt seccomp=unconfined', patch((s) => (s.securityOpt = ['seccomp=unconfined'])), ['"securityOpt" is not allowed: the security profile is fixed by RigShift']],
  ['pidMode host', patch((s) => (s.pidMode = 'host')), ['"pidMode" is not allowed: jobs never share the host\'s namespaces or cgroups']],
  ['ipcMode host', patch((s) => (s.ipcMode = 'host')), ['"ipcMode" is not allowed: jobs never share the host\'s namespaces or cgroups']],
  ['sysctls', patch((s) => (s.sysctls = { 'kernel.core_pattern': '|/x' })), ['"sysctls" is not allowed: jobs cannot change kernel settings']],
  ['HostConfig wholesale', patch((s) => (s.HostConfig = { Privileged: true })), ['"HostConfig" is not allowed: container settings are chosen by RigShift, never by the job']],
  ['gpus at the top level', patch((s) => (s.gpus = 'all')), ['"gpus" is not allowed: GPUs are requested with "resources.gpus"']],
  ['an unknown key', patch((s) => (s.colour = 'blue')), ['"colour" is not allowed: it is not a job spec field']],
  ['privileged nested in resources', withResources({ privileged: true }), ['"resources.privileged" is not allowed: jobs never get extra privileges']],
  ['an unknown key in an input', withInput({ mount: '/etc' }), ['"inputs[0].mount" is not allowed: jobs get no host folders']],
  ['an unknown key in outputs', patch((s) => (s.outputs = { maxTotalBytes: 1, maxFiles: 1, path: '../../etc' })), ['"outputs.path" is not allowed: it is not a job spec field']],

  // Environment
  ['NVIDIA_VISIBLE_DEVICES=all', withEnv({ NVIDIA_VISIBLE_DEVICES: 'all' }), ['env NVIDIA_VISIBLE_DEVICES is set by RigShift, not by the job']],
  ['NVIDIA_DRIVER_CAPABILITIES=all', withEnv({ NVIDIA_DRIVER_CAPABILITIES: 'all' }), ['env NVIDIA_DRIVER_CAPABILITIES is set by RigShift, not by the job']],
  ['NVIDIA_REQUIRE_CUDA', withEnv({ NVIDIA_DISABLE_REQUIRE: '1' }), ["env NVIDIA_DISABLE_REQUIRE is not allowed: NVIDIA_* variables configure the host's NVIDIA container hooks"]],
  ['CUDA_VISIBLE_DEVICES', withEnv({ CUDA_VISIBLE_DEVICES: '0,1' }), ['env CUDA_VISIBLE_DEVICES is not allowed: RigShift chooses the GPU the job sees']],
  ['LD_PRELOAD (NVIDIAScape)', withEnv({ LD_PRELOAD: '/evil.so' }), ["env LD_PRELOAD is not allowed: loader variables can inject code into the host's NVIDIA hooks (CVE-2025-23266)"]],
  ['LD_LIBRARY_PATH', withEnv({ LD_LIBRARY_PATH: '/x' }), ["env LD_LIBRARY_PATH is not allowed: loader variables can inject code into the host's NVIDIA hooks (CVE-2025-23266)"]],
  ['LD_AUDIT', withEnv({ LD_AUDIT: '/x.so' }), ["env LD_AUDIT is not allowed: loader variables can inject code into the host's NVIDIA hooks (CVE-2025-23266)"]],
  ['an env name starting with a digit', withEnv({ '1ABC': 'x' }), ['env name "1ABC" is not valid: use letters, digits and "_", not starting with a digit, at most 128 characters']],
  ['an env name with "="', withEnv({ 'A=B': 'x' }), ['env name "A=B" is not valid: use letters, digits and "_", not starting with a digit, at most 128 characters']],
  ['an empty env name', withEnv({ '': 'x' }), ['env name "" is not valid: use letters, digits and "_", not starting with a digit, at most 128 characters']],
  ['an env name of 129 characters', withEnv({ ['A'.repeat(129)]: 'x' }), [`env name "${'A'.repeat(61)}..." is not valid: use letters, digits and "_", not starting with a digit, at most 128 characters`]],
  ['__proto__ as an env name', JSON.parse(JSON.stringify(gpuSpec()).replace('"EPOCHS"', '"__proto__"')), ['env __proto__ is not allowed']],
  ['a NUL in an env value', withEnv({ PATH: '/bin\0/evil' }), ['env PATH contains a NUL character']],
  ['a non-string env value', withEnv({ WORKERS: 4 }), ['env.WORKERS must be text (a string)']],
  ['257 env entries', withEnv(Object.fromEntries(Array.from({ length: 257 }, (_, i) => [`V${i}`, '1']))), ['the environment has 257 variables; the limit is 256']],
  ['70 KiB of env', withEnv({ BIG: 'x'.repeat(70 * 1024 - 'BIG='.length - 1) }), ['the environment is 70 KiB; the limit is 64 KiB']],
  ['env as a list', withEnv(['A=B'] as unknown as Record<string, unknown>), ['env must be an object']],

  // Inputs (SSRF: the agent downloads them itself)
  ['an input over file:', withInput({ url: 'file:///etc/shadow' }), ['inputs[0].url must use http or https, not "file"']],
  ['an input over ftp:', withInput({ url: 'ftp://example.com/x' }), ['inputs[0].url must use http or https, not "ftp"']],
  ['an input with credentials', withInput({ url: 'https://user:pw@example.com/x' }), ['inputs[0].url must not carry a user name or password']],
  ['loopback', withInput({ url: 'http://127.0.0.1:2375/containers/json' }), [urlReason('127.0.0.1', 'a loopback')]],
  ['loopback in hex', withInput({ url: 'http://0x7f.1/' }), [urlReason('127.0.0.1', 'a loopback')]],
  ['loopback as one integer', withInput({ url: 'http://2130706433/' }), [urlReason('127.0.0.1', 'a loopback')]],
  ['localhost by name', withInput({ url: 'http://localhost:8080/' }), [`inputs[0].url points at localhost, this machine: ${PUBLIC_ONLY}`]],
  ['the home router', withInput({ url: 'http://192.168.1.1/admin' }), [urlReason('192.168.1.1', 'a private (192.168.0.0/16)')]],
  // Forms the attack run found accepted before the classification moved to ipaddr.js.
  ['IPv4-translated loopback', withInput({ url: 'http://[::ffff:0:7f00:1]:47412/' }), [urlReason('::ffff:0:7f00:1', 'a loopback')]],
  ['local-use NAT64', withInput({ url: 'http://[64:ff9b:1::a00:1]/' }), [urlReason('64:ff9b:1::a00:1', 'a local-use NAT64 (64:ff9b:1::/48)')]],
  ['Teredo', withInput({ url: 'http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/' }), [urlReason('2001:0:4136:e378:8000:63bf:3fff:fdd2', 'a Teredo (2001::/32) for client 192.0.2.45')]],
  ['documentation range', withInput({ url: 'http://192.0.2.10/x' }), [urlReason('192.0.2.10', 'a documentation (192.0.2.0/24)')]],
  ['a 10/8 host', withInput({ url: 'https://10.0.0.7/' }), [urlReason('10.0.0.7', 'a private (10.0.0.0/8)')]],
  ['a 172.16/12 host', withInput({ url: 'https://172.31.255.1/' }), [urlReason('172.31.255.1', 'a private (172.16.0.0/12)')]],
  ['CGNAT', withInput({ url: 'http://100.100.100.200/latest/meta-data' }), [urlReason('100.100.100.200', 'a carrier-grade NAT (100.64.0.0/10)')]],
  ['cloud metadata', withInput({ url: 'http://169.254.169.254/latest/meta-data/' }), [urlReason('169.254.169.254', 'a link-local or cloud metadata (169.254.0.0/16)')]],
  ['0.0.0.0', withInput({ url: 'http://0.0.0.0:9000/' }), [urlReason('0.0.0.0', 'a "this network" (0.0.0.0/8)')]],
  ['multicast', withInput({ url: 'http://239.255.255.250:1900/' }), [urlReason('239.255.255.250', 'a multicast')]],
  ['IPv6 loopback', withInput({ url: 'http://[::1]/' }), [urlReason('::1', 'a loopback')]],
  ['IPv4-mapped metadata', withInput({ url: 'http://[::ffff:169.254.169.254]/' }), [urlReason('::ffff:a9fe:a9fe', 'a link-local or cloud metadata (169.254.0.0/16)')]],
  ['IPv6 ULA (AWS metadata)', withInput({ url: 'http://[fd00:ec2::254]/' }), [urlReason('fd00:ec2::254', 'a unique local (fc00::/7)')]],
  ['IPv6 link-local', withInput({ url: 'http://[fe80::1]/' }), [urlReason('fe80::1', 'a link-local (fe80::/10)')]],
  ['not a URL', withInput({ url: 'not a url' }), ['inputs[0].url is not a valid URL']],
  ['a bad sha256', withInput({ sha256: 'ABC' }), ['inputs[0].sha256: sha256 must be 64 lowercase hex digits.']],
  ['path traversal in an input name', withInput({ name: '../../.ssh/authorized_keys' }), ['inputs[0].name: File names may use letters, digits, ".", "_" and "-", and no folders.']],
  ['a hidden input name', withInput({ name: '.bashrc' }), ['inputs[0].name: File names may use letters, digits, ".", "_" and "-", and no folders.']],
  // Device names on Windows: a file "COM1" in the owner's data folder would be a serial port there.
  ...['COM1', 'con', 'Nul.txt', 'aux.tar.gz', 'PRN.', 'LPT9..', 'com0.bin', 'lpt3.log.'].map(
    (name): [string, Spec, string[]] => [`the Windows device name ${name} as an input name`, withInput({ name }), [RESERVED_REASON]],
  ),
  [
    'a duplicated input name',
    patch((s) => (s.inputs = [1, 2].map((n) => ({ name: 'x.bin', url: `https://example.com/${n}`, sha256: SHA, sizeBytes: 1 })))),
    ['input name "x.bin" is used more than once: each input needs its own file name'],
  ],
  ['65 inputs', patch((s) => (s.inputs = Array.from({ length: 65 }, (_, i) => ({ name: `f${i}`, url: 'https://example.com/', sha256: SHA, sizeBytes: 1 })))), ['inputs has 65 entries; the limit is 64']],
  ['a negative input size', withInput({ sizeBytes: -1 }), ['inputs[0].sizeBytes is -1 bytes; the least allowed is 0 bytes']],
  ['a 100 GiB input', withInput({ sizeBytes: 100 * 1024 ** 3 }), ['inputs[0].sizeBytes is 107374182400 bytes; the most allowed is 68719476736 bytes']],

  // Resources
  ['two GPUs', withResources({ gpus: 2 }), ['resources.gpus is 2; a job gets at most 1 GPU']],
  ['all GPUs (-1)', withResources({ gpus: -1 }), ['resources.gpus is -1; the least allowed is 0']],
  ['half a GPU', withResources({ gpus: 0.5 }), ['resources.gpus must be a whole number']],
  ['VRAM for a CPU job', withResources({ gpus: 0, minVramMiB: 8192 }), ['resources.minVramMiB is 8192 MiB but resources.gpus is 0: a CPU job cannot ask for GPU memory']],
  [
    'scratch bigger than memory',
    withResources({ memoryMiB: 2048, scratchMiB: 4096 }),
    ['resources.memoryMiB (2048 MiB) is smaller than resources.scratchMiB (4096 MiB): /scratch is held in memory and counts against the memory limit'],
  ],
  ['1000 CPUs', withResources({ cpus: 1000 }), ['resources.cpus is 1000; the most allowed is 256']],
  ['zero CPUs', withResources({ cpus: 0 }), ['resources.cpus is 0; the least allowed is 0.1']],
  ['negative memory', withResources({ memoryMiB: -5 }), ['resources.memoryMiB is -5 MiB; the least allowed is 64 MiB']],
  ['2 TiB of memory', withResources({ memoryMiB: 2 * 1024 * 1024 }), ['resources.memoryMiB is 2097152 MiB; the most allowed is 1048576 MiB']],
  ['infinite memory', withResources({ memoryMiB: Infinity }), ['resources.memoryMiB must be a finite number']],
  ['memory as text', withResources({ memoryMiB: '16g' }), ['resources.memoryMiB must be a number']],
  ['missing scratch', patch((s) => delete (s.resources as Spec).scratchMiB), ['resources.scratchMiB is missing']],

  // The rest of the spec
  // The registry host: the owner's dockerd would contact it (attack run: GET /v2/ on loopback).
  ['an image on a loopback registry', patch((s) => (s.image = `127.0.0.1:47413/hidden/attack@sha256:${DIGEST}`)), [
    `image names the registry "127.0.0.1:47413", a loopback address: ${REGISTRY_PUBLIC_ONLY}`,
  ]],
  ['an image on a LAN registry', patch((s) => (s.image = `192.168.1.20:5000/x@sha256:${DIGEST}`)), [
    `image names the registry "192.168.1.20:5000", a private (192.168.0.0/16) address: ${REGISTRY_PUBLIC_ONLY}`,
  ]],
  ['an image on a registry named by one integer', patch((s) => (s.image = `2130706433:5000/x@sha256:${DIGEST}`)), [
    `image names the registry "2130706433:5000", a loopback address: ${REGISTRY_PUBLIC_ONLY}`,
  ]],
  ['an image on localhost', patch((s) => (s.image = `localhost:5000/x@sha256:${DIGEST}`)), [
    `image names the registry "localhost:5000", this machine: ${REGISTRY_PUBLIC_ONLY}`,
  ]],
  ['an image on a metadata address', patch((s) => (s.image = `169.254.169.254/x@sha256:${DIGEST}`)), [
    `image names the registry "169.254.169.254", a link-local or cloud metadata (169.254.0.0/16) address: ${REGISTRY_PUBLIC_ONLY}`,
  ]],
  ['an image by tag', patch((s) => (s.image = 'nvidia/cuda:latest')), ['image: The image must be pinned by digest: name@sha256:<64 hex digits>.']],
  ['version 2', patch((s) => (s.version = 2)), ['version must be 1 (the job spec version this RigShift understands)']],
  ['network host', patch((s) => (s.network = 'host')), ['network must be "none" or "egress"']],
  ['an empty name', patch((s) => (s.name = '')), ['name must not be empty']],
  ['a 200-character name', patch((s) => (s.name = 'n'.repeat(200))), ['name is 200 characters long; the limit is 128']],
  ['a deadline of a month', patch((s) => (s.maxDurationSeconds = 30 * 24 * 3600)), ['maxDurationSeconds is 2592000 seconds; the most allowed is 604800 seconds']],
  ['a zero deadline', patch((s) => (s.maxDurationSeconds = 0)), ['maxDurationSeconds is 0 seconds; the least allowed is 1 seconds']],
  ['preemptible as text', patch((s) => (s.preemptible = 'yes')), ['preemptible must be true or false']],
  ['a command that is not a list', patch((s) => (s.command = 'rm -rf /')), ['command must be a list']],
  ['1025 command arguments', patch((s) => (s.command = Array.from({ length: 1025 }, () => 'x'))), ['command has 1025 entries; the limit is 1024']],
  ['an output cap of 1 TiB', patch((s) => (s.outputs = { maxTotalBytes: 1024 ** 4, maxFiles: 1 })), ['outputs.maxTotalBytes is 1099511627776 bytes; the most allowed is 68719476736 bytes']],
  ['too many output files', patch((s) => (s.outputs = { maxTotalBytes: 1, maxFiles: 1e6 })), ['outputs.maxFiles is 1000000; the most allowed is 10000']],
  ['missing resources', patch((s) => delete s.resources), ['resources is missing']],
];

describe('validateJobSpec: hostile and malformed specs', () => {
  it('has a table of at least 40 cases', () => {
    expect(HOSTILE.length).toBeGreaterThanOrEqual(40);
  });

  it.each(HOSTILE)('refuses %s', (_what, spec, reasons) => {
    expect(validateJobSpec(spec)).toEqual({ ok: false, reasons });
  });

  it('reports every problem of a spec at once, schema issues first', () => {
    const spec = patch((s) => {
      s.privileged = true;
      s.env = { NVIDIA_VISIBLE_DEVICES: 'all' };
      s.resources = { gpus: 2, minVramMiB: 0, cpus: 1, memoryMiB: 64, scratchMiB: 128 };
    });
    expect(validateJobSpec(spec)).toEqual({
      ok: false,
      reasons: [
        'resources.gpus is 2; a job gets at most 1 GPU',
        '"privileged" is not allowed: jobs never get extra privileges',
        'env NVIDIA_VISIBLE_DEVICES is set by RigShift, not by the job',
        'resources.memoryMiB (64 MiB) is smaller than resources.scratchMiB (128 MiB): /scratch is held in memory and counts against the memory limit',
      ],
    });
  });

  it('caps the list of reasons so a pathological spec yields a readable answer', () => {
    const env = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`NVIDIA_X${i}`, '1']));
    const result = validateJobSpec(withEnv(env));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reasons).toHaveLength(MAX_REASONS);
    expect(result.reasons[MAX_REASONS - 1]).toBe(`... and ${200 - (MAX_REASONS - 1)} more problems`);
  });
});

describe('validateJobSpec: image registries', () => {
  const image = `127.0.0.1:5000/rigshift-test/tiny@sha256:${DIGEST}`;
  it('accepts a loopback registry only under an explicit policy (an owner or test setting)', () => {
    expect(validateJobSpec({ ...cpuSpec(), image }).ok).toBe(false);
    expect(validateJobSpec({ ...cpuSpec(), image }, { registryPolicy: { allowLoopback: true } }).ok).toBe(true);
    expect(validateJobSpec({ ...cpuSpec(), image: `10.0.0.1:5000/x@sha256:${DIGEST}` }, { registryPolicy: { allowLoopback: true } }).ok).toBe(false);
  });

  it.each([
    [`busybox@sha256:${DIGEST}`, null],
    [`library/busybox@sha256:${DIGEST}`, null],
    [`ghcr.io/acme/x@sha256:${DIGEST}`, 'ghcr.io'],
    [`registry.example:443/x@sha256:${DIGEST}`, 'registry.example:443'],
    [`localhost/x@sha256:${DIGEST}`, 'localhost'],
  ])('%s has the registry %s', (reference, host) => {
    expect(imageRegistryHost(reference)).toBe(host);
  });
});

describe('nonPublicAddressKind (also for the fetcher, on resolved addresses)', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.255.255.255', 'private (10.0.0.0/8)'],
    ['172.15.255.255', null],
    ['172.16.0.0', 'private (172.16.0.0/12)'],
    ['172.32.0.0', null],
    ['100.63.255.255', null],
    ['100.64.0.1', 'carrier-grade NAT (100.64.0.0/10)'],
    ['100.128.0.0', null],
    ['192.0.0.8', 'IETF protocol assignment (192.0.0.0/24)'],
    ['198.19.0.1', 'benchmarking (198.18.0.0/15)'],
    ['255.255.255.255', 'broadcast'],
    ['1.1.1.1', null],
    ['8.8.8.8', null],
    ['::', 'unspecified (::)'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:8.8.8.8', null],
    ['64:ff9b::a00:1', 'private (10.0.0.0/8)'],
    ['2002:c0a8:0101::', 'private (192.168.0.0/16)'],
    ['fc00::1', 'unique local (fc00::/7)'],
    ['FE80::abcd', 'link-local (fe80::/10)'],
    ['fec0::1', 'site-local (fec0::/10)'],
    ['ff02::fb', 'multicast'],
    ['100::1', 'discard-only (100::/64)'],
    ['2606:4700:4700::1111', null],
    ['1:2:3:4:5:6:7:8', 'unallocated IPv6 (outside 2000::/3)'],
    ['::ffff:0:7f00:1', 'loopback'],
    ['64:ff9b:1::a00:1', 'local-use NAT64 (64:ff9b:1::/48)'],
    ['192.0.2.1', 'documentation (192.0.2.0/24)'],
    ['example.com', null],
    ['1.2.3', null],
    ['01.2.3.4', null],
    ['1::2::3', null],
    ['fe80::1%eth0', 'link-local (fe80::/10)'],
  ] as const)('%s -> %s', (address, kind) => {
    expect(nonPublicAddressKind(address)).toBe(kind);
  });
});
