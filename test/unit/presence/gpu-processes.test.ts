import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  COMPUTE_APPS_ARGS,
  containerIdsInCgroup,
  createGpuProcessSource,
  parseComputeApps,
} from '../../../electron/agent/presence/gpu-processes';
import { exited, FakeCommandRunner } from '../../fakes/fake-command-runner';
import { recordingLogger } from '../../helpers/silent-logger';
import { tempDir } from '../../helpers/temp-dir';

const OURS = 'a'.repeat(64);
const OTHER = 'b'.repeat(64);
const UUID = 'GPU-12345678-1234-1234-1234-123456789abc';

describe('parseComputeApps', () => {
  it('reads pid, name, memory and GPU, keeping names with commas whole', () => {
    const stdout = `1234, /usr/bin/python3, 2048, ${UUID}\n777, /opt/my, app/bin/run, [N/A], ${UUID}\r\n`;
    expect(parseComputeApps(stdout)).toEqual([
      { pid: 1234, name: '/usr/bin/python3', gpuUuid: UUID, usedMiB: 2048 },
      { pid: 777, name: '/opt/my, app/bin/run', gpuUuid: UUID, usedMiB: null },
    ]);
  });

  it('empty output and message lines give no processes', () => {
    expect(parseComputeApps('')).toEqual([]);
    expect(parseComputeApps('No running processes found\n')).toEqual([]);
  });
});

describe('containerIdsInCgroup', () => {
  it('finds ids in cgroup v1, v2 systemd and nested layouts', () => {
    expect(containerIdsInCgroup(`12:pids:/docker/${OURS}\n0::/docker/${OURS}\n`)).toEqual([OURS]);
    expect(containerIdsInCgroup(`0::/system.slice/docker-${OURS}.scope\n`)).toEqual([OURS]);
    expect(containerIdsInCgroup(`0::/docker/${OTHER}/docker/${OURS}\n`)).toEqual([OTHER, OURS]);
    expect(containerIdsInCgroup('0::/user.slice/user-1000.slice/session-2.scope\n')).toEqual([]);
  });
});

describe('createGpuProcessSource', () => {
  let dir: ReturnType<typeof tempDir> | null = null;
  afterEach(() => dir?.cleanup());

  const docker = (ids: string[]) => ({
    calls: [] as Array<Record<string, string>>,
    async listContainers(labels: Record<string, string>) {
      this.calls.push(labels);
      return ids.map((id) => ({ id, state: 'running', labels }));
    },
  });

  it('sends the exact nvidia-smi query and leaves out processes of RigShift containers (Linux cgroups)', async () => {
    dir = tempDir();
    const cgroup = (pid: number, text: string) => {
      mkdirSync(join(dir!.path, String(pid)), { recursive: true });
      writeFileSync(join(dir!.path, String(pid), 'cgroup'), text);
    };
    cgroup(100, `0::/docker/${OURS}\n`); // rental
    cgroup(200, `0::/docker/${OTHER}\n`); // the owner's own container
    cgroup(300, '0::/user.slice/user-1000.slice/session-2.scope\n'); // the owner's app
    // pid 400 has no /proc entry: it exited meanwhile.
    const runner = new FakeCommandRunner().on(
      'nvidia-smi',
      COMPUTE_APPS_ARGS,
      exited(`100, python, 4000, ${UUID}\n200, ollama, 3000, ${UUID}\n300, blender, 1000, ${UUID}\n400, gone, 10, ${UUID}\n`),
    );
    const engine = docker([OURS]);
    const source = createGpuProcessSource({ platform: 'linux', runner, docker: engine, logger: recordingLogger().logger, procRoot: dir.path });
    expect((await source.read()).map((p) => p.name)).toEqual(['ollama', 'blender']);
    expect(runner.runs[0]).toMatchObject({
      command: 'nvidia-smi',
      args: ['--query-compute-apps=pid,process_name,used_gpu_memory,gpu_uuid', '--format=csv,noheader,nounits'],
    });
    expect(engine.calls).toEqual([{ 'io.rigshift.managed': 'true' }]);
  });

  it('does not ask Docker when no process uses the GPU', async () => {
    const runner = new FakeCommandRunner().on('nvidia-smi', null, exited(''));
    const engine = docker([]);
    const source = createGpuProcessSource({ platform: 'linux', runner, docker: engine, logger: recordingLogger().logger });
    expect(await source.read()).toEqual([]);
    expect(engine.calls).toEqual([]);
  });

  it('no nvidia-smi: empty list, not an error, and no respawn until the recheck is due', async () => {
    let now = 0;
    const runner = new FakeCommandRunner();
    const { logger, entries } = recordingLogger();
    const source = createGpuProcessSource({ platform: 'linux', runner, docker: docker([]), logger, nowMs: () => now, recheckMissingMs: 60_000 });
    expect(await source.read()).toEqual([]);
    now = 10_000;
    expect(await source.read()).toEqual([]);
    expect(runner.runs).toHaveLength(1);
    expect(entries).toEqual([]);
  });

  it('driver failure: empty list and one warning, not one per poll', async () => {
    const runner = new FakeCommandRunner().on('nvidia-smi', null, {
      kind: 'exited',
      code: 9,
      stdout: "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n",
      stderr: '',
    });
    const { logger, entries } = recordingLogger();
    const source = createGpuProcessSource({ platform: 'linux', runner, docker: docker([]), logger });
    expect(await source.read()).toEqual([]);
    expect(await source.read()).toEqual([]);
    expect(entries.filter((e) => e.level === 'warn')).toHaveLength(1);
  });

  it('Docker unreachable: every GPU process counts as the owner’s (the safe side)', async () => {
    const runner = new FakeCommandRunner().on('nvidia-smi', null, exited(`100, python, 4000, ${UUID}\n`));
    const { logger, entries } = recordingLogger();
    const broken = { listContainers: async () => Promise.reject(new Error('connect ENOENT /var/run/docker.sock')) };
    const source = createGpuProcessSource({ platform: 'linux', runner, docker: broken, logger, procRoot: '/nonexistent' });
    expect(await source.read()).toHaveLength(1);
    expect(entries[0]?.message).toMatch(/cannot list RigShift containers/);
  });

  it('Windows: no cgroups to read; the WSL VM process is left out', async () => {
    const runner = new FakeCommandRunner().on(
      'C:\\Windows\\System32\\nvidia-smi.exe',
      COMPUTE_APPS_ARGS,
      exited(`5000, C:\\Games\\x\\game.exe, [N/A], ${UUID}\r\n6000, vmmemWSL, [N/A], ${UUID}\r\n`),
    );
    const engine = docker([]);
    const source = createGpuProcessSource({
      platform: 'win32',
      runner,
      docker: engine,
      logger: recordingLogger().logger,
      nvidiaSmi: 'C:\\Windows\\System32\\nvidia-smi.exe',
    });
    expect(await source.read()).toEqual([{ pid: 5000, name: 'C:\\Games\\x\\game.exe', gpuUuid: UUID, usedMiB: null }]);
    expect(engine.calls).toEqual([]);
  });
});
