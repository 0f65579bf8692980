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
}
