import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DOCKER_INFO_TIMEOUT_MS, runEnvironmentChecks } from '../../../electron/agent/checks/environment-checks';
import { loadSecurityPolicy } from '../../../electron/agent/checks/security-policy';
import { parseGpuQuery } from '../../../electron/agent/gpu/gpu-query';
import type { EngineInfo } from '../../../electron/agent/ports';
import { AgentError } from '../../../shared/api/result';
import { ChecksReportSchema, CheckIdSchema, type EnvironmentCheck } from '../../../shared/domain/checks';
import type { GpuDetection } from '../../../shared/domain/gpu';
import { exited, FakeCommandRunner } from '../../fakes/fake-command-runner';

const policy = loadSecurityPolicy(join(__dirname, '../../../resources/security-policy.json'));
const smiFixture = (name: string) => readFileSync(join(__dirname, '../../fixtures/nvidia-smi', name), 'utf8');
const toolkitFixture = (name: string) => readFileSync(join(__dirname, '../../fixtures/toolkit', name), 'utf8');

const rtx4080: GpuDetection = {
  gpus: parseGpuQuery(smiFixture('geforce-rtx-4080-super__linux__595.71.05.csv')),
  adapters: [{ vendor: 'NVIDIA Corporation', model: 'AD103 [GeForce RTX 4080 SUPER]', vramMiB: 16376, busAddress: '01:00.0' }],
  nvidiaSmi: { state: 'ok', path: 'nvidia-smi', driverVersion: '595.71.05' },
  detectedAt: '2026-11-23T10:00:00.000Z',
};
const rtx2080Windows: GpuDetection = {
  ...rtx4080,
  gpus: parseGpuQuery(smiFixture('geforce-rtx-2080-super__windows__591.86.csv')),
  nvidiaSmi: { state: 'ok', path: 'C:\\Windows\\System32\\nvidia-smi.exe', driverVersion: '591.86' },
};
const noNvidia: GpuDetection = {
  gpus: [],
  adapters: [{ vendor: 'Intel Corporation', model: 'Raptor Lake-S GT1 [UHD Graphics 770]', vramMiB: null, busAddress: '00:02.0' }],
  nvidiaSmi: { state: 'missing' },
  detectedAt: '2026-11-23T10:00:00.000Z',
};

const linuxEngine: EngineInfo = {
  serverVersion: '28.5.1',
  runtimes: ['io.containerd.runc.v2', 'nvidia', 'runc', 'runsc', 'runsc-gpu'],
  defaultRuntime: 'runc',
  operatingSystem: 'Ubuntu 24.04.3 LTS',
  osType: 'linux',
  platformName: 'Docker Engine - Community',
};
const desktopEngine = (version: string): EngineInfo => ({
  serverVersion: '28.3.2',
  runtimes: ['io.containerd.runc.v2', 'nvidia', 'runc'],
  defaultRuntime: 'runc',
  operatingSystem: 'Docker Desktop',
  osType: 'linux',
  platformName: `Docker Desktop ${version} (202357)`,
});

const reachable = (engine: EngineInfo) => ({ info: async () => engine });
const unreachable = {
  info: async (): Promise<EngineInfo> => {
    throw new AgentError('docker_unreachable', 'connect ENOENT /var/run/docker.sock');
  },
};

const withToolkit = (file: string) => new FakeCommandRunner().on('nvidia-ctk', ['--version'], exited(toolkitFixture(file)));

const byId = (checks: EnvironmentCheck[]) => Object.fromEntries(checks.map((check) => [check.id, check]));

function expectContract(report: Awaited<ReturnType<typeof runEnvironmentChecks>>) {
  expect(ChecksReportSchema.parse(report)).toEqual(report);
  expect(report.checks.map((check) => check.id)).toEqual(CheckIdSchema.options);
  for (const check of report.checks) {
    if (check.state === 'warn' || check.state === 'fail') {
      expect(check.fix?.linux, `${check.id} linux fix`).toBeTruthy();
      expect(check.fix?.windows, `${check.id} windows fix`).toBeTruthy();
    }
    expect(check.summary).not.toContain('\n');
  }
}

describe('runEnvironmentChecks', () => {
  it('no NVIDIA GPU: GPU checks are grey, CPU path still checked, no GPU jobs', async () => {
    const commands = new FakeCommandRunner();
    const report = await runEnvironmentChecks({ commands, docker: reachable(linuxEngine), detection: noNvidia, platform: 'linux', policy });
    expectContract(report);
    const checks = byId(report.checks);
    for (const id of ['nvidia-driver', 'nvidia-smi', 'nvidia-container-runtime'] as const) {
      expect(checks[id]).toMatchObject({ state: 'info', summary: 'No NVIDIA GPU found: RigShift will run CPU benchmarks only' });
    }
    expect(checks['docker-engine']?.state).toBe('ok');
    expect(checks['gvisor-runsc']?.state).toBe('ok');
    expect(report.gpuJobsAllowed).toBe(false);
    expect(commands.runs).toEqual([]);
  });

  it('healthy Linux with a patched toolkit and runsc: all green, GPU jobs allowed', async () => {
    const commands = withToolkit('nvidia-ctk__1.19.1.txt');
    const report = await runEnvironmentChecks({ commands, docker: reachable(linuxEngine), detection: rtx4080, platform: 'linux', policy });
    expectContract(report);
    expect(report.checks.map((check) => [check.id, check.state, check.summary])).toEqual([
      ['nvidia-driver', 'ok', 'Driver 595.71.05'],
      ['nvidia-smi', 'ok', '1 GPU: NVIDIA GeForce RTX 4080 SUPER'],
      ['docker-engine', 'ok', 'Docker 28.5.1 reachable (Ubuntu 24.04.3 LTS, Docker Engine - Community)'],
      ['nvidia-container-runtime', 'ok', 'NVIDIA Container Toolkit 1.19.1 (nvidia-ctk)'],
      ['gvisor-runsc', 'ok', 'gVisor registered as runsc, runsc-gpu'],
    ]);
    expect(report.gpuJobsAllowed).toBe(true);
    expect(commands.runs).toEqual([{ command: 'nvidia-ctk', args: ['--version'], timeoutMs: 10_000 }]);
  });

  it.each([
    ['nvidia-ctk__1.17.3.txt', ['CVE-2025-23359', 'CVE-2025-23266', 'CVE-2025-23267']],
    ['nvidia-ctk__1.17.7.txt', ['CVE-2025-23266', 'CVE-2025-23267']],
  ])('vulnerable toolkit %s: red, names the CVEs and the version to install', async (file, cves) => {
    const report = await runEnvironmentChecks({
      commands: withToolkit(file),
      docker: reachable(linuxEngine),
      detection: rtx4080,
      platform: 'linux',
      policy,
    });
    expectContract(report);
    const toolkit = byId(report.checks)['nvidia-container-runtime'];
    expect(toolkit?.state).toBe('fail');
    for (const cve of cves) expect(toolkit?.summary).toContain(cve);
    expect(toolkit?.summary).toMatch(/install 1\.19\.1 or newer$/);
    expect(toolkit?.detail).toMatch(/NVIDIAScape/);
    expect(toolkit?.fix?.linux).toMatch(/apt-get install -y --only-upgrade nvidia-container-toolkit .*must print 1\.19\.1 or newer/s);
    expect(report.gpuJobsAllowed).toBe(false);
  });

  it('toolkit 1.17.8 (fixes NVIDIAScape) is amber for the unconfirmed CVE-2026-24260, not red', async () => {
    const report = await runEnvironmentChecks({
      commands: withToolkit('nvidia-ctk__1.17.8.txt'),
      docker: reachable(linuxEngine),
      detection: rtx4080,
      platform: 'linux',
      policy,
    });
    const toolkit = byId(report.checks)['nvidia-container-runtime'];
    expect(toolkit?.state).toBe('warn');
    expect(toolkit?.summary).toContain('CVE-2026-24260');
    expect(toolkit?.summary).toMatch(/install 1\.19\.1 or newer/);
    expect(report.gpuJobsAllowed).toBe(true);
  });

  it('falls back to nvidia-container-cli when nvidia-ctk is absent', async () => {
    const commands = new FakeCommandRunner().on('nvidia-container-cli', ['--version'], exited(toolkitFixture('nvidia-container-cli__1.16.1.txt')));
    const report = await runEnvironmentChecks({ commands, docker: reachable(linuxEngine), detection: rtx4080, platform: 'linux', policy });
    expect(commands.runs.map((run) => [run.command, ...run.args])).toEqual([
      ['nvidia-ctk', '--version'],
      ['nvidia-container-cli', '--version'],
    ]);
    const toolkit = byId(report.checks)['nvidia-container-runtime'];
    expect(toolkit?.state).toBe('fail');
    expect(toolkit?.summary).toMatch(/^NVIDIA Container Toolkit 1\.16\.1 \(nvidia-container-cli\) is vulnerable to CVE-2024-0132, CVE-2024-0133, CVE-2024-0134/);
  });

  it('no toolkit at all: red with the install commands', async () => {
    const report = await runEnvironmentChecks({
      commands: new FakeCommandRunner(),
      docker: reachable(linuxEngine),
      detection: rtx4080,
      platform: 'linux',
      policy,
    });
    const toolkit = byId(report.checks)['nvidia-container-runtime'];
    expect(toolkit?.state).toBe('fail');
    expect(toolkit?.fix?.linux).toContain('sudo nvidia-ctk runtime configure --runtime=docker');
    expect(report.gpuJobsAllowed).toBe(false);
  });

  it('Docker unreachable: red with the exact fix for both OSes; gVisor cannot be checked', async () => {
    const report = await runEnvironmentChecks({
      commands: withToolkit('nvidia-ctk__1.19.1.txt'),
      docker: unreachable,
      detection: rtx4080,
      platform: 'linux',
      policy,
    });
    expectContract(report);
    const checks = byId(report.checks);
    expect(checks['docker-engine']).toMatchObject({ state: 'fail', summary: 'Docker engine is not reachable' });
    expect(checks['docker-engine']?.detail).toContain('docker.sock');
    expect(checks['docker-engine']?.fix?.linux).toContain('sudo systemctl enable --now docker');
    expect(checks['docker-engine']?.fix?.linux).toContain('usermod -aG docker');
    expect(checks['docker-engine']?.fix?.windows).toContain('wsl --update');
    expect(checks['docker-engine']?.fix?.windows).toContain('Docker.DockerDesktop');
    expect(checks['nvidia-container-runtime']?.state).toBe('ok');
    expect(checks['gvisor-runsc']?.state).toBe('warn');
    expect(report.gpuJobsAllowed).toBe(false);
  });

  it('a Docker engine that never answers is reported as unreachable, not awaited forever', async () => {
    const hanging = { info: () => new Promise<EngineInfo>(() => undefined) };
    expect(DOCKER_INFO_TIMEOUT_MS).toBe(10_000);
    const report = await runEnvironmentChecks({
      commands: new FakeCommandRunner(),
      docker: hanging,
      detection: noNvidia,
      platform: 'linux',
      policy,
      dockerTimeoutMs: 200,
    });
    expect(byId(report.checks)['docker-engine']).toMatchObject({ state: 'fail' });
    expect(byId(report.checks)['docker-engine']?.detail).toMatch(/did not answer within 0\.2 s/);
  });

  it('DefaultRuntime nvidia: amber with the reason, even with a patched toolkit', async () => {
    const report = await runEnvironmentChecks({
      commands: withToolkit('nvidia-ctk__1.19.1.txt'),
      docker: reachable({ ...linuxEngine, defaultRuntime: 'nvidia' }),
      detection: rtx4080,
      platform: 'linux',
      policy,
    });
    expectContract(report);
    const toolkit = byId(report.checks)['nvidia-container-runtime'];
    expect(toolkit?.state).toBe('warn');
    expect(toolkit?.summary).toMatch(/default runtime is "nvidia"/);
    expect(toolkit?.detail).toMatch(/NVIDIA_VISIBLE_DEVICES/);
    expect(toolkit?.fix?.linux).toContain('del(."default-runtime")');
    expect(report.gpuJobsAllowed).toBe(true);
  });

  it('DefaultRuntime nvidia on a vulnerable toolkit stays red and explains both', async () => {
    const report = await runEnvironmentChecks({
      commands: withToolkit('nvidia-ctk__1.17.7.txt'),
      docker: reachable({ ...linuxEngine, defaultRuntime: 'nvidia' }),
      detection: rtx4080,
      platform: 'linux',
      policy,
    });
    const toolkit = byId(report.checks)['nvidia-container-runtime'];
    expect(toolkit?.state).toBe('fail');
    expect(toolkit?.detail).toMatch(/CVE-2025-23266[\s\S]*NVIDIA_VISIBLE_DEVICES/);
  });

  it('Windows, Docker Desktop 4.34.3: red (bundled toolkit 1.16.2 and CVE-2025-9074)', async () => {
    const commands = new FakeCommandRunner();
    const report = await runEnvironmentChecks({ commands, docker: reachable(desktopEngine('4.34.3')), detection: rtx2080Windows, platform: 'win32', policy });
    expectContract(report);
    const checks = byId(report.checks);
    const toolkit = checks['nvidia-container-runtime'];
    expect(toolkit?.state).toBe('fail');
    expect(toolkit?.summary).toMatch(/^Docker Desktop 4\.34\.3 \(bundles NVIDIA Container Toolkit 1\.16\.2 or newer\) is vulnerable to /);
    for (const cve of ['CVE-2025-9074', 'CVE-2025-23266', 'CVE-2025-23359']) expect(toolkit?.summary).toContain(cve);
    expect(toolkit?.summary).toMatch(/update Docker Desktop to 4\.44\.3 or newer$/);
    expect(toolkit?.fix?.windows).toContain('winget upgrade -e --id Docker.DockerDesktop');
    expect(checks['gvisor-runsc']?.state).toBe('info');
    expect(report.gpuJobsAllowed).toBe(false);
    // On Windows the toolkit lives inside Docker Desktop: no host commands are run.
    expect(commands.runs).toEqual([]);
  });

  it('Windows, Docker Desktop 4.45.0: not red; amber only for the unconfirmed 2026 CVE', async () => {
    const report = await runEnvironmentChecks({
      commands: new FakeCommandRunner(),
      docker: reachable(desktopEngine('4.45.0')),
      detection: rtx2080Windows,
      platform: 'win32',
      policy,
    });
    expectContract(report);
    const toolkit = byId(report.checks)['nvidia-container-runtime'];
    expect(toolkit?.state).toBe('warn');
    expect(toolkit?.summary).toMatch(/^Docker Desktop 4\.45\.0 \(bundles NVIDIA Container Toolkit 1\.17\.8 or newer\) may be affected by CVE-2026-24260/);
    expect(toolkit?.summary).not.toContain('CVE-2025-9074');
    expect(report.gpuJobsAllowed).toBe(true);
  });

  it('Windows, once CVE-2026-24260 is confirmed in the policy, 4.45.0 turns red', async () => {
    const confirmed = { ...policy, cves: policy.cves.map((cve) => (cve.id === 'CVE-2026-24260' ? { ...cve, confirmed: true } : cve)) };
    const report = await runEnvironmentChecks({
      commands: new FakeCommandRunner(),
      docker: reachable(desktopEngine('4.45.0')),
      detection: rtx2080Windows,
      platform: 'win32',
      policy: confirmed,
    });
    expect(byId(report.checks)['nvidia-container-runtime']?.state).toBe('fail');
  });

  it('NVIDIA card without a working driver: red driver and nvidia-smi checks with the right fixes', async () => {
    const report = await runEnvironmentChecks({
      commands: withToolkit('nvidia-ctk__1.19.1.txt'),
      docker: reachable(linuxEngine),
      detection: {
        gpus: [],
        adapters: [{ vendor: 'NVIDIA Corporation', model: 'GA102 [GeForce RTX 3090]', vramMiB: null, busAddress: '01:00.0' }],
        nvidiaSmi: {
          state: 'failed',
          message:
            'nvidia-smi exited with code 9: nvidia-smi cannot talk to the NVIDIA driver (the driver is not loaded or not installed).',
        },
        detectedAt: '2026-11-23T10:00:00.000Z',
      },
      platform: 'linux',
      policy,
    });
    expectContract(report);
    const checks = byId(report.checks);
    expect(checks['nvidia-driver']).toMatchObject({ state: 'fail', summary: 'The NVIDIA driver is not working' });
    expect(checks['nvidia-driver']?.fix?.linux).toContain('ubuntu-drivers install');
    expect(checks['nvidia-smi']?.state).toBe('fail');
    expect(checks['nvidia-container-runtime']?.state).toBe('ok');
    expect(report.gpuJobsAllowed).toBe(false);
  });

  it('NVIDIA card present but no nvidia-smi (nouveau): red, not grey', async () => {
    const report = await runEnvironmentChecks({
      commands: new FakeCommandRunner(),
      docker: reachable(linuxEngine),
      detection: {
        ...noNvidia,
        adapters: [{ vendor: 'NVIDIA Corporation', model: 'AD102 [GeForce RTX 4090]', vramMiB: null, busAddress: '01:00.0' }],
      },
      platform: 'linux',
      policy,
    });
    const checks = byId(report.checks);
    expect(checks['nvidia-driver']?.summary).toMatch(/NVIDIA card found \(AD102 \[GeForce RTX 4090\]\)/);
    expect(checks['nvidia-smi']).toMatchObject({ state: 'fail', summary: 'nvidia-smi was not found' });
    expect(checks['nvidia-smi']?.fix?.linux).toContain('nvidia-utils-');
  });

  it('Linux without runsc: amber with the runsc install incl. the nvproxy runtime for GPUs', async () => {
    const report = await runEnvironmentChecks({
      commands: withToolkit('nvidia-ctk__1.19.1.txt'),
      docker: reachable({ ...linuxEngine, runtimes: ['io.containerd.runc.v2', 'runc'] }),
      detection: rtx4080,
      platform: 'linux',
      policy,
    });
    const gvisor = byId(report.checks)['gvisor-runsc'];
    expect(gvisor?.state).toBe('warn');
    expect(gvisor?.fix?.linux).toContain('runsc install --runtime runsc-gpu -- --nvproxy=true');
    expect(report.gpuJobsAllowed).toBe(true);
  });
});
