/**
 * The host side of every attack: what the test owns outside the sandbox and checks
 * afterwards, read straight from the kernel and the engine (never through the code under
 * test). A decoy file the job must not reach or change, the host's process table, its
 * available memory, the job's on-disk log and output folder while it runs, and anything
 * the job could have left behind in the engine.
 */
import { createHash, randomBytes } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { tempDir } from '../helpers/temp-dir';

const engine = new Docker();

/** A file the owner cares about, outside any workspace; its hash must never change. */
export interface Decoy {
  path: string;
  unchanged(): boolean;
  cleanup(): void;
}

export function createDecoy(): Decoy {
  const dir = tempDir('rigshift-decoy-');
  const path = join(dir.path, 'owner-secret.txt');
  writeFileSync(path, `owner secret ${randomBytes(16).toString('hex')}\n`, { mode: 0o644 });
  const hashOf = () => createHash('sha256').update(readFileSync(path)).digest('hex');
  const original = hashOf();
  return { path, unchanged: () => hashOf() === original, cleanup: dir.cleanup };
}

/** MemAvailable from /proc/meminfo (what the host can still give without swapping). */
export function availableMemoryBytes(): number {
  const match = /^MemAvailable:\s+(\d+) kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

function readOr(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/**
 * Host processes that belong to one of these containers: under runc the job's own
 * processes (their cgroup path names the container), under runsc the sandbox and gofer
 * (their command line and cgroup name it). After the container is removed there must be none.
 */
export function hostProcessesOf(containerIds: readonly string[]): Array<{ pid: number; cmdline: string }> {
  if (containerIds.length === 0) return [];
  const found: Array<{ pid: number; cmdline: string }> = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const cgroup = readOr(`/proc/${name}/cgroup`);
    const cmdline = readOr(`/proc/${name}/cmdline`).replace(/\0/g, ' ');
    // The shim (containerd-shim-runc-v2 -id <id>) is the engine's, not the job's, and exits with it.
    if (cmdline.includes('containerd-shim')) continue;
    if (containerIds.some((id) => cgroup.includes(id) || cmdline.includes(id))) found.push({ pid: Number(name), cmdline });
  }
  return found;
}

/** Bytes under `dir` (links not followed); 0 when it does not exist. */
export function diskUsage(dir: string): number {
  let total = 0;
  const walk = (path: string) => {
    let names: string[];
    try {
      names = readdirSync(path);
    } catch {
      return;
    }
    for (const name of names) {
      try {
        const st = lstatSync(join(path, name));
        if (st.isDirectory()) walk(join(path, name));
        else total += st.blocks * 512;
      } catch {
        // removed while we walked
      }
    }
  };
  walk(dir);
  return total;
}

export interface RunSamples {
  /** Every container the engine showed with the job's id label. */
  containerIds: string[];
  minAvailableMemory: number;
  /** Peak bytes of the job's out/ folder on the host disk. */
  maxOutputBytes: number;
  /** Peak size of the engine's json log (all rotated files) for the job's container. */
  maxEngineLogBytes: number;
  /** Peak host processes in the job's container (runc: the job's own processes). */
  maxHostProcesses: number;
  /** Peak resident memory of this process (the agent side: runner, log capture). */
  maxAgentRss: number;
}

/**
 * Samples the host every `everyMs` while a job runs. The container is found by the label
 * the runner puts on it; its LogPath comes from the engine.
 */
export function startSampler(options: { jobIdLabel: string; jobId: string; outDir: string; everyMs?: number }) {
  const samples: RunSamples = {
    containerIds: [],
    minAvailableMemory: Number.POSITIVE_INFINITY,
    maxOutputBytes: 0,
    maxEngineLogBytes: 0,
    maxHostProcesses: 0,
    maxAgentRss: 0,
  };
  const logPaths = new Map<string, string>();
  let busy = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      samples.minAvailableMemory = Math.min(samples.minAvailableMemory, availableMemoryBytes());
      samples.maxAgentRss = Math.max(samples.maxAgentRss, process.memoryUsage().rss);
      samples.maxOutputBytes = Math.max(samples.maxOutputBytes, diskUsage(options.outDir));
      const listed = await engine.listContainers({ all: true, filters: { label: [`${options.jobIdLabel}=${options.jobId}`] } });
      for (const c of listed) {
        if (!samples.containerIds.includes(c.Id)) samples.containerIds.push(c.Id);
        if (!logPaths.has(c.Id)) {
          const info = await engine.getContainer(c.Id).inspect().catch(() => null);
          if (info?.LogPath) logPaths.set(c.Id, info.LogPath);
        }
      }
      for (const logPath of logPaths.values()) {
        samples.maxEngineLogBytes = Math.max(samples.maxEngineLogBytes, rotatedSize(logPath));
      }
      samples.maxHostProcesses = Math.max(samples.maxHostProcesses, hostProcessesOf(samples.containerIds).length);
    } catch {
      // The engine is busy or the container just went: the next tick catches up.
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), options.everyMs ?? 100);
  void tick();
  return {
    /**
     * Measures out/ now. The harness calls it when the runner removes the job's container:
     * the job has exited, out/ only grew until then and is not yet removed, so this is the
     * peak however fast the job was stopped (a kill within one 100 ms tick escapes the timer).
     */
    sampleOutputs(): void {
      samples.maxOutputBytes = Math.max(samples.maxOutputBytes, diskUsage(options.outDir));
    },
    async stop(): Promise<RunSamples> {
      clearInterval(timer);
      while (busy) await new Promise((resolve) => setTimeout(resolve, 20));
      await tick();
      return samples;
    },
  };
}

/** json-file rotates to <path>.1, <path>.2 ...: the total on disk. */
function rotatedSize(logPath: string): number {
  let total = 0;
  for (const suffix of ['', '.1', '.2', '.3', '.4', '.5']) {
    try {
      total += statSync(`${logPath}${suffix}`).size;
    } catch {
      // not rotated that far
    }
  }
  return total;
}

/** Whatever of the job is still in the engine: containers, networks, volumes. */
export async function engineLeftovers(jobIdLabel: string, jobId: string, containerIds: readonly string[]): Promise<string[]> {
  const left: string[] = [];
  const labelled = await engine.listContainers({ all: true, filters: { label: [`${jobIdLabel}=${jobId}`] } });
  left.push(...labelled.map((c) => `container ${c.Id.slice(0, 12)} (label)`));
  const named = await engine.listContainers({ all: true, filters: { name: [jobId] } });
  left.push(...named.map((c) => `container ${c.Id.slice(0, 12)} (name ${c.Names.join(',')})`));
  for (const id of containerIds) {
    const exists = await engine
      .getContainer(id)
      .inspect()
      .then(() => true)
      .catch((error: { statusCode?: number }) => error.statusCode !== 404);
    if (exists) left.push(`container ${id.slice(0, 12)}`);
  }
  const mentions = (name: string, labels: Record<string, string> | null | undefined) =>
    name.includes(jobId) || Object.values(labels ?? {}).includes(jobId);
  for (const n of await engine.listNetworks()) if (mentions(n.Name, n.Labels)) left.push(`network ${n.Name}`);
  const volumes = (await engine.listVolumes()).Volumes ?? [];
  for (const v of volumes) if (mentions(v.Name, v.Labels)) left.push(`volume ${v.Name}`);
  return [...new Set(left)];
}

/** The docker0 bridge gateway (172.17.0.1 on a default engine), or null without one. */
export async function bridgeGateway(): Promise<string | null> {
  try {
    const bridge = await engine.getNetwork('bridge').inspect();
    return (bridge.IPAM?.Config?.[0]?.Gateway as string | undefined) ?? null;
  } catch {
    return null;
  }
}
