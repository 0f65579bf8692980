/**
 * The checks against the real Docker engine and the real machine (no NVIDIA GPU here):
 * real CommandRunner, real GPU probe, real `GET /info` + `GET /version`.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import { describe, expect, it } from 'vitest';
import { runEnvironmentChecks } from '../../../electron/agent/checks/environment-checks';
import { loadSecurityPolicy } from '../../../electron/agent/checks/security-policy';
import { createGpuProbe } from '../../../electron/agent/gpu/gpu-probe';
import { createNodeCommandRunner } from '../../../electron/agent/node-adapters/command-runner';
import type { ContainerRuntime, EngineInfo } from '../../../electron/agent/ports';
import { ChecksReportSchema } from '../../../shared/domain/checks';
import { dockerEngine, need } from '../../helpers/requirements';

/**
 * Only `info()` is needed by the checks; the full adapter (electron/agent/docker/
 * dockerode-runtime.ts) is being written separately, so this maps the same two
 * Engine API calls inline.
 */
function engineInfoOnly(docker = new Dockerode()): Pick<ContainerRuntime, 'info'> {
  return {
    async info(): Promise<EngineInfo> {
      const [info, version] = await Promise.all([docker.info(), docker.version()]);
      return {
        serverVersion: String(info.ServerVersion),
        runtimes: Object.keys(info.Runtimes ?? {}),
        defaultRuntime: String(info.DefaultRuntime ?? ''),
        operatingSystem: String(info.OperatingSystem ?? ''),
        osType: String(info.OSType ?? ''),
        platformName: version.Platform?.Name ?? '',
      };
    },
  };
}

describe.skipIf(!need(dockerEngine()))('runEnvironmentChecks against the real Docker engine', () => {
  it('reports this machine: engine reachable, runsc as registered, no NVIDIA GPU', async () => {
    const commands = createNodeCommandRunner();
    const detection = await createGpuProbe({ commands, platform: process.platform, clock: { now: () => new Date() } }).detect();
    const report = await runEnvironmentChecks({
      commands,
      docker: engineInfoOnly(),
      detection,
      platform: process.platform,
      policy: loadSecurityPolicy(join(__dirname, '../../../resources/security-policy.json')),
    });

    expect(ChecksReportSchema.parse(report)).toEqual(report);
    const checks = Object.fromEntries(report.checks.map((check) => [check.id, check]));
    const serverVersion = execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8' }).trim();
    expect(checks['docker-engine']?.state).toBe('ok');
    expect(checks['docker-engine']?.summary).toContain(`Docker ${serverVersion} reachable`);

    const runtimes = execFileSync('docker', ['info', '--format', '{{json .Runtimes}}'], { encoding: 'utf8' });
    const hasRunsc = Object.keys(JSON.parse(runtimes) as Record<string, unknown>).some((name) => name.startsWith('runsc'));
    expect(checks['gvisor-runsc']?.state).toBe(process.platform === 'linux' ? (hasRunsc ? 'ok' : 'warn') : 'info');

    if (detection.gpus.length === 0) {
      expect(checks['nvidia-driver']?.state).toMatch(/info|fail/);
      expect(report.gpuJobsAllowed).toBe(false);
    }
  });
});
