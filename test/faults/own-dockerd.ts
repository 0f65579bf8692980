/**
 * A Docker engine of the fault harness's own, so that "the engine restarted mid-job" never
 * touches the shared engine other tests and people use: its own socket, data root, exec
 * root, pid file and containerd namespace under one folder (default /tmp/faults-docker),
 * in a network namespace of its own (so it cannot touch the host's docker0), no bridge and no
 * iptables (jobs run with NetworkMode none), and gVisor's runsc registered
 * as "runsc" the way .ci/start-dockerd.sh does. Needs root and dockerd; `available()` says
 * why not otherwise.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface OwnDockerd {
  /** DOCKER_HOST for clients of this engine. */
  host: string;
  pid(): number | null;
  /** SIGTERM the engine (it stops its containers, as a host restart or an upgrade does), then start it again. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const which = (tool: string): string | null => {
  try {
    return execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
};

export function ownDockerdAvailable(): { ok: boolean; reason: string } {
  if (process.platform !== 'linux') return { ok: false, reason: 'an own dockerd for the engine-restart fault needs Linux' };
  if (process.getuid?.() !== 0) return { ok: false, reason: 'an own dockerd for the engine-restart fault needs root' };
  if (!which('dockerd')) return { ok: false, reason: 'dockerd is not installed, so the engine-restart fault cannot run' };
  if (!which('unshare')) return { ok: false, reason: 'unshare (util-linux) is missing: the own dockerd must run in a network namespace of its own' };
  return { ok: true, reason: '' };
}

export async function startOwnDockerd(root = '/tmp/faults-docker'): Promise<OwnDockerd> {
  mkdirSync(root, { recursive: true });
  const socket = join(root, 'docker.sock');
  const host = `unix://${socket}`;
  const pidFile = join(root, 'docker.pid');
  const config = join(root, 'daemon.json');
  const runsc = which('runsc');
  writeFileSync(config, JSON.stringify(runsc ? { runtimes: { runsc: { path: runsc, runtimeArgs: ['--network=none'] } } } : {}));
  // A previous harness killed mid-way may have left its engine running: end it by its pid file.
  await stopByPidFile(pidFile);
  let child: ChildProcess | null = null;
  const args = [
    '--host', host,
    '--data-root', join(root, 'data'),
    '--exec-root', join(root, 'exec'),
    '--pidfile', pidFile,
    '--config-file', config,
    '--bridge', 'none',
    '--iptables=false',
    '--ip6tables=false',
    '--containerd-namespace', 'rigshift-faults',
    '--containerd-plugins-namespace', 'rigshift-faults-plugins',
  ];
  const start = async () => {
    // In a network namespace of its own: a dockerd with `--bridge none` deletes the host's
    // docker0 at start (libnetwork's removeDefaultBridgeInterface), which would cut the
    // shared engine's bridge from under the other tests. The API is a unix socket, and jobs
    // run with no network, so nothing here needs the host's network.
    child = spawn('unshare', ['--net', 'dockerd', ...args], { stdio: 'ignore', detached: true });
    child.unref();
    const until = Date.now() + 60_000;
    for (;;) {
      try {
        execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { env: { ...process.env, DOCKER_HOST: host }, stdio: 'pipe', timeout: 5_000 });
        return;
      } catch {
        if (Date.now() > until) throw new Error(`own dockerd at ${host} did not answer within 60 s`);
        await new Promise((r) => setTimeout(r, 300));
      }
    }
  };
  const stopNow = async () => {
    const running = child as ChildProcess | null;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((r) => running.once('exit', r));
    running.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
    if (running.exitCode === null && running.signalCode === null) running.kill('SIGKILL');
  };
  await start();
  return {
    host,
    pid: () => (child as ChildProcess | null)?.pid ?? null,
    restart: async () => {
      await stopNow();
      await start();
    },
    stop: stopNow,
  };
}

async function stopByPidFile(pidFile: string): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 1) return;
  try {
    // Only a dockerd of ours: the pid file is in our own folder, and the command line must match.
    if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(pidFile)) return;
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  for (let i = 0; i < 100; i += 1) {
    if (!existsSync(`/proc/${pid}`)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}
