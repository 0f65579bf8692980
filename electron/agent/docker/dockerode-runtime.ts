/**
 * The ContainerRuntime port (../ports.ts) over dockerode: each method is one Engine API
 * request (plus the stream it returns). Errors leave as AgentError with a stable code, so
 * callers never parse dockerode's error shapes.
 */
import { createReadStream } from 'node:fs';
import { Writable } from 'node:stream';
import Dockerode from 'dockerode';
import { AgentError } from '../../../shared/api/result';
import type {
  ContainerCreateOptions,
  ContainerExit,
  ContainerHandle,
  ContainerRuntime,
  ContainerStatsSample,
  EngineInfo,
  ImageInfo,
} from '../ports';
import { consumePullStream, PULL_FAILED_HINT, pullCancelled, realReferences } from '../images/docker-pull-stream';

interface EngineErrorShape {
  statusCode?: number;
  code?: string;
  message?: string;
  json?: { message?: string } | null;
  reason?: string;
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOENT', 'EACCES', 'EPERM', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE']);

function engineMessage(error: unknown): string {
  const e = error as EngineErrorShape;
  const fromJson = e?.json && typeof e.json === 'object' ? e.json.message : undefined;
  return (fromJson || e?.message || String(error)).trim();
}

function unreachableHint(): string {
  return process.platform === 'win32' || process.platform === 'darwin'
    ? 'Start Docker Desktop and wait until it says "Engine running".'
    : 'Start the engine (sudo systemctl start docker) and let your user use it (sudo usermod -aG docker $USER, then log in again).';
}

function isUnreachable(error: unknown): boolean {
  const e = error as EngineErrorShape;
  return e?.statusCode === undefined && typeof e?.code === 'string' && UNREACHABLE_CODES.has(e.code);
}

/** Maps any dockerode failure to an AgentError; `what` says what we were doing. */
function toAgentError(error: unknown, what: string, code = 'docker_error'): AgentError {
  if (error instanceof AgentError) return error;
  if (isUnreachable(error)) {
    return new AgentError('docker_unreachable', `The Docker engine does not answer (${engineMessage(error)}).`, unreachableHint());
  }
  return new AgentError(code, `${what}: ${engineMessage(error)}`);
}

const statusOf = (error: unknown) => (error as EngineErrorShape)?.statusCode;

/** Calls `onLine` once per complete line; `flush` emits a trailing line without a newline. */
/**
 * A container can print gigabytes without a newline: past `maxLineChars` the pending text
 * is emitted as a line of its own, so the agent's memory stays bounded whatever a job does.
 */
export const MAX_LINE_CHARS = 64 * 1024;

export function createLineSplitter(
  onLine: (line: string) => void,
  maxLineChars = MAX_LINE_CHARS,
): { push(chunk: Buffer | string): void; flush(): void } {
  let pending = '';
  return {
    push(chunk) {
      pending += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
      let nl = pending.indexOf('\n');
      while (nl !== -1) {
        onLine(pending.slice(0, nl).replace(/\r$/, ''));
        pending = pending.slice(nl + 1);
        nl = pending.indexOf('\n');
      }
      while (pending.length > maxLineChars) {
        onLine(pending.slice(0, maxLineChars));
        pending = pending.slice(maxLineChars);
      }
    },
    flush() {
      if (pending) onLine(pending.replace(/\r$/, ''));
      pending = '';
    },
  };
}

interface RawStats {
  cpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number; online_cpus?: number };
  precpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number };
  memory_stats?: { usage?: number; stats?: Record<string, number> };
}

/**
 * CPU % of one core between two stats frames, the way `docker stats` computes it:
 * container CPU time delta over host CPU time delta, times the number of CPUs.
 */
export function cpuPercentFromStats(current: RawStats, previous: RawStats | null): number | null {
  const cpu = current.cpu_stats;
  const prev = previous?.cpu_stats ?? current.precpu_stats;
  const total = cpu?.cpu_usage?.total_usage;
  const system = cpu?.system_cpu_usage;
  const prevTotal = prev?.cpu_usage?.total_usage;
  const prevSystem = prev?.system_cpu_usage;
  if (total == null || system == null || prevTotal == null || prevSystem == null) return null;
  const cpuDelta = total - prevTotal;
  const systemDelta = system - prevSystem;
  if (systemDelta <= 0 || cpuDelta < 0) return null;
  const cpus = cpu?.online_cpus || 1;
  return (cpuDelta / systemDelta) * cpus * 100;
}

/** Working-set memory: usage minus reclaimable page cache (cgroup v2 inactive_file, v1 cache). */
export function memoryBytesFromStats(s: RawStats): number | null {
  const usage = s.memory_stats?.usage;
  if (usage == null) return null;
  const stats = s.memory_stats?.stats ?? {};
  const cache = stats.inactive_file ?? stats.total_inactive_file ?? stats.cache ?? 0;
  return Math.max(0, usage - cache);
}

/** Reads the JSON-lines body of POST /images/load to the end; rejects on an `error` line. */
async function consumeLoadStream(stream: NodeJS.ReadableStream): Promise<string[]> {
  const messages: string[] = [];
  let failure: string | null = null;
  const splitter = createLineSplitter((line) => {
    if (!line.trim()) return;
    try {
      const m = JSON.parse(line) as { stream?: string; error?: string; errorDetail?: { message?: string } };
      if (m.error || m.errorDetail) failure ??= m.errorDetail?.message || m.error || line;
      else if (m.stream) messages.push(m.stream.trim());
    } catch {
      messages.push(line.trim());
    }
  });
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (chunk: Buffer) => splitter.push(chunk));
    stream.on('end', () => resolve());
    stream.on('error', reject);
  });
  splitter.flush();
  if (failure) throw new Error(failure);
  return messages;
}

function handleFor(docker: Dockerode, container: Dockerode.Container): ContainerHandle {
  return {
    id: container.id,

    async start() {
      try {
        await container.start();
      } catch (error) {
        throw toAgentError(error, 'Could not start the container', 'container_start_failed');
      }
    },

    async followOutput(onLine) {
      let stream: NodeJS.ReadableStream;
      try {
        // logs?follow replays from the container's start, so nothing is lost if the
        // workload printed before we attached (unlike /attach after start).
        stream = await container.logs({ follow: true, stdout: true, stderr: true });
      } catch (error) {
        throw toAgentError(error, 'Could not read the container output');
      }
      const out = createLineSplitter((line) => onLine('stdout', line));
      const err = createLineSplitter((line) => onLine('stderr', line));
      const sink = (s: ReturnType<typeof createLineSplitter>) =>
        new Writable({
          write(chunk: Buffer, _encoding, callback) {
            s.push(chunk);
            callback();
          },
        });
      await new Promise<void>((resolve, reject) => {
        docker.modem.demuxStream(stream, sink(out), sink(err));
        stream.on('end', () => resolve());
        stream.on('close', () => resolve());
        stream.on('error', reject);
      });
      out.flush();
      err.flush();
    },

    async wait(): Promise<ContainerExit> {
      try {
        const result = (await container.wait()) as { StatusCode?: number };
        let oomKilled = false;
        try {
          const info = await container.inspect();
          oomKilled = Boolean(info.State?.OOMKilled);
        } catch {
          // Already removed by someone else: the exit code is all we get.
        }
        return { exitCode: result.StatusCode ?? -1, oomKilled };
      } catch (error) {
        throw toAgentError(error, 'Waiting for the container failed');
      }
    },

    async stop(graceSeconds) {
      try {
        await container.stop({ t: Math.max(0, Math.round(graceSeconds)) });
      } catch (error) {
        // 304: already stopped; 404: already gone. Both are what we wanted.
        if (statusOf(error) === 304 || statusOf(error) === 404) return;
        throw toAgentError(error, 'Could not stop the container');
      }
    },

    async kill(signal) {
      try {
        await container.kill({ signal });
      } catch (error) {
        // 409: not running; 404: already gone. Both mean it no longer runs.
        if (statusOf(error) === 409 || statusOf(error) === 404 || statusOf(error) === 304) return;
        throw toAgentError(error, `Could not send ${signal} to the container`);
      }
    },

    async remove() {
      try {
        await container.remove({ force: true, v: true });
      } catch (error) {
        // 404: gone already; 409 "removal already in progress": it will be gone shortly.
        if (statusOf(error) === 404 || statusOf(error) === 409) return;
        throw toAgentError(error, 'Could not remove the container');
      }
    },

    stats(onSample: (sample: ContainerStatsSample) => void) {
      let stopped = false;
      let stream: (NodeJS.ReadableStream & { destroy?: () => void }) | null = null;
      let previous: RawStats | null = null;
      const splitter = createLineSplitter((line) => {
        if (stopped || !line.trim()) return;
        try {
          const raw = JSON.parse(line) as RawStats;
          onSample({ cpuPercent: cpuPercentFromStats(raw, previous), memoryBytes: memoryBytesFromStats(raw) });
          previous = raw;
        } catch {
          // A torn frame: skip it, the next one comes within a second.
        }
      });
      container
        .stats({ stream: true })
        .then((s) => {
          stream = s;
          if (stopped) return stream.destroy?.();
          s.on('data', (chunk: Buffer) => splitter.push(chunk));
          s.on('error', () => undefined); // stats are best-effort; the run does not depend on them
        })
        .catch(() => undefined);
      return {
        stop() {
          stopped = true;
          stream?.destroy?.();
        },
      };
    },

    async inspectRuntime() {
      try {
        const info = await container.inspect();
        return info.HostConfig?.Runtime ?? '';
      } catch (error) {
        throw toAgentError(error, 'Could not inspect the container');
      }
    },
  };
}

export function createDockerodeRuntime(docker: Dockerode = new Dockerode()): ContainerRuntime {
  return {
    async info(): Promise<EngineInfo> {
      try {
        const [info, version] = await Promise.all([docker.info(), docker.version()]);
        const runtimes = Object.keys((info.Runtimes as Record<string, unknown> | undefined) ?? {}).sort();
        return {
          serverVersion: String(info.ServerVersion ?? version.Version ?? ''),
          runtimes,
          defaultRuntime: String(info.DefaultRuntime ?? 'runc'),
          operatingSystem: String(info.OperatingSystem ?? ''),
          osType: String(info.OSType ?? version.Os ?? ''),
          platformName: String((version as { Platform?: { Name?: string } }).Platform?.Name ?? ''),
        };
      } catch (error) {
        // Any failure of these two calls means we cannot use the engine at all.
        const e = toAgentError(error, 'The Docker engine did not answer');
        if (e.code === 'docker_unreachable') throw e;
        throw new AgentError('docker_unreachable', e.message, unreachableHint());
      }
    },

    async hasImage(reference) {
      try {
        await docker.getImage(reference).inspect();
        return true;
      } catch (error) {
        if (statusOf(error) === 404) return false;
        throw toAgentError(error, `Could not look up image ${reference}`);
      }
    },

    async loadImage(tarballPath) {
      try {
        const stream = await docker.loadImage(createReadStream(tarballPath), { quiet: true });
        await consumeLoadStream(stream);
      } catch (error) {
        throw toAgentError(error, `Loading the image ${tarballPath} failed`, 'image_load_failed');
      }
    },

    async createContainer(options: ContainerCreateOptions) {
      try {
        const container = await docker.createContainer(options);
        return handleFor(docker, container);
      } catch (error) {
        throw toAgentError(error, 'The engine refused to create the container', 'container_create_failed');
      }
    },

    async listContainers(labels) {
      try {
        const list = await docker.listContainers({
          all: true,
          filters: { label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) },
        });
        return list.map((c) => ({ id: c.Id, state: c.State, labels: c.Labels ?? {} }));
      } catch (error) {
        throw toAgentError(error, 'Could not list containers');
      }
    },

    async removeContainer(id) {
      try {
        await docker.getContainer(id).remove({ force: true, v: true });
      } catch (error) {
        if (statusOf(error) === 404 || statusOf(error) === 409) return;
        throw toAgentError(error, `Could not remove container ${id}`);
      }
    },

    async pullImage(reference, onProgress, signal) {
      if (signal?.aborted) throw pullCancelled(reference);
      let stream: NodeJS.ReadableStream;
      try {
        stream = await docker.pull(reference, { abortSignal: signal });
      } catch (error) {
        if (signal?.aborted) throw pullCancelled(reference);
        const failed = toAgentError(error, `Pulling ${reference} failed`, 'image_pull_failed');
        if (failed.code !== 'image_pull_failed') throw failed;
        throw new AgentError(failed.code, failed.message, PULL_FAILED_HINT);
      }
      await consumePullStream(stream, reference, onProgress, signal);
    },

    async inspectImage(reference): Promise<ImageInfo | null> {
      try {
        const info = await docker.getImage(reference).inspect();
        return {
          id: info.Id,
          repoDigests: realReferences(info.RepoDigests),
          repoTags: realReferences(info.RepoTags),
          sizeBytes: Number(info.Size ?? 0),
          labels: (info.Config?.Labels as Record<string, string> | null | undefined) ?? {},
        };
      } catch (error) {
        if (statusOf(error) === 404) return null;
        throw toAgentError(error, `Could not look up image ${reference}`);
      }
    },

    async removeImage(reference) {
      try {
        // No force: the engine refuses (409) to delete an image a container still uses.
        await docker.getImage(reference).remove({ force: false });
      } catch (error) {
        if (statusOf(error) === 404) return;
        if (statusOf(error) === 409) {
          throw new AgentError('image_in_use', `The image ${reference} is still used: ${engineMessage(error)}`);
        }
        throw toAgentError(error, `Could not remove image ${reference}`, 'image_remove_failed');
      }
    },

    async listImages(): Promise<ImageInfo[]> {
      try {
        const list = await docker.listImages({ all: false });
        return list.map((i) => ({
          id: i.Id,
          repoDigests: realReferences(i.RepoDigests),
          repoTags: realReferences(i.RepoTags),
          sizeBytes: Number(i.Size ?? 0),
          labels: i.Labels ?? {},
        }));
      } catch (error) {
        throw toAgentError(error, 'Could not list images');
      }
    },
  };
}
