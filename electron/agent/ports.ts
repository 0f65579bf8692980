/**
 * The agent's ports: everything it needs from the outside world, as small interfaces.
 * The agent never imports 'electron'; the desktop shell and the headless CLI each pass
 * their own implementations (electron/main/ and electron/agent/node-adapters/), and
 * tests pass recording fakes (test/fakes/).
 */
import type Docker from 'dockerode';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface Clock {
  now(): Date;
}

/** Raw persistence of the settings document; validation and migrations live in the agent. */
export interface SettingsStore {
  /** The stored document, or undefined when nothing was ever saved. */
  read(): unknown;
  write(document: unknown): void;
  /** Set when the file could not be parsed at open: it was moved aside to `keptAt`. */
  damaged?(): { keptAt: string; error: string } | null;
  /** Copies the file as it is aside (it parsed but did not validate); the copy's path. */
  keepAside?(): string | null;
  /** The last good copy (written after every successful save), or undefined. */
  readLastGood?(): { document: unknown; savedAt: string | null; path: string } | undefined;
  writeLastGood?(document: unknown): void;
}

/** Result of running a host command (nvidia-smi, nvidia-ctk, runsc ...). */
export type CommandResult =
  | { kind: 'exited'; code: number; stdout: string; stderr: string }
  /** The executable does not exist on this machine (ENOENT). */
  | { kind: 'missing' }
  | { kind: 'timeout' }
  | { kind: 'error'; message: string };

export interface CommandRunner {
  run(command: string, args: readonly string[], options?: { timeoutMs?: number }): Promise<CommandResult>;
  /**
   * Start a long-lived child (e.g. `nvidia-smi ... -lms 500`) and get its stdout line by line.
   * Returns a stop function.
   */
  stream(command: string, args: readonly string[], onLine: (line: string) => void): { stop(): void };
}

/** What the agent needs to know about the container engine. */
export interface EngineInfo {
  serverVersion: string;
  /** Names of registered OCI runtimes (`runc`, `runsc`, `nvidia`, ...). */
  runtimes: string[];
  defaultRuntime: string;
  operatingSystem: string;
  osType: string;
  /** `GET /version` Platform.Name, e.g. "Docker Desktop 4.44.3 (...)"; empty on plain engines. */
  platformName: string;
}

export interface ContainerExit {
  exitCode: number;
  oomKilled: boolean;
}

export interface ContainerStatsSample {
  /** CPU use in percent of one core since the previous sample. */
  cpuPercent: number | null;
  memoryBytes: number | null;
}

/** A created container. Every method maps to one Engine API request. */
export interface ContainerHandle {
  readonly id: string;
  start(): Promise<void>;
  /** stdout/stderr, demultiplexed, split into lines. Resolves when the stream ends. */
  followOutput(onLine: (stream: 'stdout' | 'stderr', line: string) => void): Promise<void>;
  wait(): Promise<ContainerExit>;
  /** SIGTERM, then SIGKILL after `graceSeconds`. */
  stop(graceSeconds: number): Promise<void>;
  /** Sends one signal now (the yield path uses sub-second graces that `stop` cannot). */
  kill(signal: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  remove(): Promise<void>;
  /** Streams stats until the container stops; returns a stop function. */
  stats(onSample: (sample: ContainerStatsSample) => void): { stop(): void };
  /** `HostConfig.Runtime` as the engine recorded it (the runtime really used). */
  inspectRuntime(): Promise<string>;
}

export type ContainerCreateOptions = Docker.ContainerCreateOptions;

/**
 * One progress message of an image pull, as the engine sent it (Docker's JSON progress:
 * one per layer event). Aggregation into one figure is the caller's job (images/).
 */
export interface PullProgress {
  /** "Pulling fs layer", "Downloading", "Download complete", "Extracting", "Pull complete", "Already exists", ... */
  status: string;
  /** The layer (short id) the message is about; absent for messages about the whole pull. */
  layerId?: string;
  /** Bytes so far for this layer and action (downloaded or extracted). */
  current?: number;
  /** The layer's size for this action, when the engine knows it. */
  total?: number;
}

/** What the agent needs to know about a local image. */
export interface ImageInfo {
  /** `sha256:...` image (config) id. */
  id: string;
  /** `name@sha256:<manifest digest>` references the image was pulled by. */
  repoDigests: string[];
  /** `name:tag` references; empty for an image known only by digest. */
  repoTags: string[];
  /** Unpacked size on disk (shared layers counted in full). */
  sizeBytes: number;
  labels: Record<string, string>;
}

export interface ContainerRuntime {
  /** Resolves to EngineInfo, or throws AgentError('docker_unreachable', ...). */
  info(): Promise<EngineInfo>;
  hasImage(reference: string): Promise<boolean>;
  /** `docker load` of an image tarball (docker save / docker import format). */
  loadImage(tarballPath: string): Promise<void>;
  createContainer(options: ContainerCreateOptions): Promise<ContainerHandle>;
  /** Containers carrying all of these labels (running or not), with all their labels. */
  listContainers(
    labels: Record<string, string>,
  ): Promise<Array<{ id: string; state: string; labels: Record<string, string> }>>;
  removeContainer(id: string): Promise<void>;
  /**
   * Pulls an image, reporting each engine progress message. Aborting the signal closes the
   * HTTP stream (the engine then cancels the pull) and rejects with
   * AgentError('image_pull_cancelled'); an engine error rejects with 'image_pull_failed'.
   */
  pullImage(reference: string, onProgress: (p: PullProgress) => void, signal?: AbortSignal): Promise<void>;
  /** The image, or null when the engine does not have it. */
  inspectImage(reference: string): Promise<ImageInfo | null>;
  /** Removes the reference (without force: an image a container uses is refused); a missing one is fine. */
  removeImage(reference: string): Promise<void>;
  listImages(): Promise<ImageInfo[]>;
}
