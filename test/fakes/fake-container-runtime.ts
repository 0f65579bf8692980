/**
 * A recording ContainerRuntime for unit tests: every call is logged in order, containers
 * play a scripted workload (stdout lines, exit code), and a container can be told to run
 * until it is stopped, to exercise cancellation.
 */
import { AgentError } from '../../shared/api/result';
import type {
  ContainerCreateOptions,
  ContainerExit,
  ContainerHandle,
  ContainerRuntime,
  ContainerStatsSample,
  EngineInfo,
} from '../../electron/agent/ports';

export interface FakeWorkloadScript {
  stdout?: string[];
  stderr?: string[];
  exit?: ContainerExit;
  /** Emit stdout, then keep running until stop() (exit 137 then, like SIGKILL after grace). */
  runUntilStopped?: boolean;
  /** What inspectRuntime reports; defaults to HostConfig.Runtime of the create call. */
  runtime?: string;
  stats?: ContainerStatsSample[];
}

export interface FakeRuntimeOptions {
  /** References the engine already has. */
  images?: string[];
  /** The reference a loadImage call makes available (null: load "succeeds" but adds nothing). */
  loadedReference?: string | null;
  loadError?: AgentError;
  createError?: AgentError;
  startError?: AgentError;
  script?: FakeWorkloadScript;
}

export type FakeCall = { method: string; args: unknown[] };

export const FAKE_ENGINE: EngineInfo = {
  serverVersion: '28.2.2',
  runtimes: ['io.containerd.runc.v2', 'runc', 'runsc'],
  defaultRuntime: 'runc',
  operatingSystem: 'Debian GNU/Linux 12 (bookworm)',
  osType: 'linux',
  platformName: '',
};

export interface FakeContainerRuntime extends ContainerRuntime {
  calls: FakeCall[];
  /** Create options in order. */
  created: ContainerCreateOptions[];
  /** Ids of containers created and not removed. */
  live: Set<string>;
  /** Resolves once the next container has started (for cancelling mid-run). */
  started: Promise<string>;
  methods(): string[];
}

export function createFakeContainerRuntime(options: FakeRuntimeOptions = {}): FakeContainerRuntime {
  const images = new Set(options.images ?? []);
  const calls: FakeCall[] = [];
  const created: ContainerCreateOptions[] = [];
  const live = new Set<string>();
  const labelsOf = new Map<string, Record<string, string>>();
  let nextId = 1;
  let signalStarted: (id: string) => void = () => undefined;
  const started = new Promise<string>((resolve) => (signalStarted = resolve));
  const record = (method: string, ...args: unknown[]) => calls.push({ method, args });
  const script = options.script ?? {};

  function handle(id: string, create: ContainerCreateOptions): ContainerHandle {
    let stopped = false;
    let release: () => void = () => undefined;
    const stoppedPromise = new Promise<void>((resolve) => (release = resolve));
    const finished = script.runUntilStopped ? stoppedPromise : Promise.resolve();
    return {
      id,
      async start() {
        record('start', id);
        if (options.startError) throw options.startError;
        signalStarted(id);
      },
      async followOutput(onLine) {
        record('followOutput', id);
        for (const line of script.stdout ?? []) {
          await Promise.resolve(); // lines arrive asynchronously, as from a stream
          if (stopped) break;
          onLine('stdout', line);
        }
        for (const line of script.stderr ?? []) onLine('stderr', line);
        await finished;
      },
      async wait() {
        record('wait', id);
        await finished;
        if (stopped && script.runUntilStopped) return { exitCode: 137, oomKilled: false };
        return script.exit ?? { exitCode: 0, oomKilled: false };
      },
      async stop(grace) {
        record('stop', id, grace);
        stopped = true;
        release();
      },
      async kill(signal) {
        record('kill', id, signal);
        stopped = true;
        release();
      },
      async remove() {
        record('remove', id);
        live.delete(id);
        release();
      },
      stats(onSample) {
        record('stats', id);
        for (const s of script.stats ?? []) onSample(s);
        return { stop: () => record('stats.stop', id) };
      },
      async inspectRuntime() {
        record('inspectRuntime', id);
        return script.runtime ?? String(create.HostConfig?.Runtime ?? 'runc');
      },
    };
  }

  return {
    calls,
    created,
    live,
    started,
    methods: () => calls.map((c) => c.method),
    async info() {
      record('info');
      return FAKE_ENGINE;
    },
    async hasImage(reference) {
      record('hasImage', reference);
      return images.has(reference);
    },
    async loadImage(path) {
      record('loadImage', path);
      if (options.loadError) throw options.loadError;
      if (options.loadedReference) images.add(options.loadedReference);
    },
    async createContainer(create) {
      record('createContainer', create);
      if (options.createError) throw options.createError;
      const id = `fake${nextId++}`;
      created.push(create);
      live.add(id);
      labelsOf.set(id, (create.Labels ?? {}) as Record<string, string>);
      return handle(id, create);
    },
    async listContainers(labels) {
      record('listContainers', labels);
      return [...live].map((id) => ({ id, state: 'running', labels: labelsOf.get(id) ?? {} }));
    },
    async removeContainer(id) {
      record('removeContainer', id);
      live.delete(id);
    },
  };
}
