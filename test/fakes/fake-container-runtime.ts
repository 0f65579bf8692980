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
  ImageInfo,
  PullProgress,
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

/** How a scripted pull of one reference plays out. */
export interface FakePullScript {
  /** Engine progress messages, delivered one per macrotask, as from a stream. */
  progress?: PullProgress[];
  /** The image the engine holds once the pull ends; default: one pulled by exactly this reference. */
  result?: Partial<ImageInfo>;
  /** The pull fails with this after the progress messages. */
  error?: AgentError;
}

export interface FakeRuntimeOptions {
  /** Images the engine holds (inspectImage/listImages/removeImage work on these). */
  storedImages?: ImageInfo[];
  /** Scripted pulls by reference; an unscripted reference pulls a 1 MB single-layer image. */
  pulls?: Record<string, FakePullScript>;
  /** Image ids the engine refuses to remove because a container uses them. */
  imagesUsedByContainers?: string[];
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
  /** The images the engine holds now, by id. */
  storedImages: Map<string, ImageInfo>;
  methods(): string[];
}

let fakeImageCounter = 0;

/** A plausible ImageInfo for a digest reference (tests override what they care about). */
export function fakeImage(reference: string, overrides: Partial<ImageInfo> = {}): ImageInfo {
  fakeImageCounter += 1;
  return {
    id: `sha256:${fakeImageCounter.toString(16).padStart(64, '0')}`,
    repoDigests: reference.includes('@') ? [reference] : [],
    repoTags: reference.includes('@') ? [] : [reference],
    sizeBytes: 1_000_000,
    labels: {},
    ...overrides,
  };
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
  const storedImages = new Map<string, ImageInfo>((options.storedImages ?? []).map((i) => [i.id, { ...i }]));
  const findImage = (reference: string) =>
    [...storedImages.values()].find(
      (i) => i.id === reference || i.repoDigests.includes(reference) || i.repoTags.includes(reference),
    ) ?? null;

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
    storedImages,
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
    async pullImage(reference, onProgress, signal) {
      record('pullImage', reference);
      const pull = options.pulls?.[reference] ?? {};
      const cancelled = () => new AgentError('image_pull_cancelled', `The pull of ${reference} was cancelled.`);
      for (const message of pull.progress ?? []) {
        if (signal?.aborted) throw cancelled();
        await new Promise((resolve) => setImmediate(resolve));
        if (signal?.aborted) throw cancelled();
        onProgress(message);
      }
      if (signal?.aborted) throw cancelled();
      if (pull.error) throw pull.error;
      const image = fakeImage(reference, pull.result);
      const existing = storedImages.get(image.id);
      storedImages.set(image.id, existing ? { ...existing, repoDigests: [...new Set([...existing.repoDigests, ...image.repoDigests])] } : image);
    },
    async inspectImage(reference) {
      record('inspectImage', reference);
      const image = findImage(reference);
      return image ? { ...image } : null;
    },
    async removeImage(reference) {
      record('removeImage', reference);
      const image = findImage(reference);
      if (!image) return;
      if (options.imagesUsedByContainers?.includes(image.id)) {
        throw new AgentError('image_in_use', `The image ${reference} is still used by a container.`);
      }
      // Like the engine: removing one of several references only untags it.
      image.repoDigests = image.repoDigests.filter((r) => r !== reference);
      image.repoTags = image.repoTags.filter((r) => r !== reference);
      if (reference === image.id || image.repoDigests.length + image.repoTags.length === 0) storedImages.delete(image.id);
    },
    async listImages() {
      record('listImages');
      return [...storedImages.values()].map((i) => ({ ...i }));
    },
  };
}
