/**
 * Updates through electron-updater, never mid-job. The update is checked at start and
 * every few hours and downloaded in the background; once it is ready the owner is asked
 * ("Restart now" / "Later"). "Restart now" installs at once when no job is in progress,
 * otherwise as soon as the last one ends (the prompt says so). "Later" leaves it to
 * electron-updater's install-on-quit, which runs when the owner quits RigShift.
 * The updater is injected (UpdaterPort) so the deferral is unit-tested.
 */

export interface UpdaterPort {
  checkForUpdates(): Promise<unknown>;
  onUpdateDownloaded(listener: (info: { version: string }) => void): void;
  onError(listener: (error: Error) => void): void;
  /** Quits the app and runs the installer. */
  quitAndInstall(): void;
}

export type UpdatePhase =
  | { phase: 'idle' }
  | { phase: 'ready'; version: string }
  | { phase: 'waiting-for-jobs'; version: string }
  | { phase: 'installing'; version: string };

export interface AutoUpdateDeps {
  updater: UpdaterPort;
  /** A job is running or being claimed/uploaded (agent-watch.ts). */
  busy(): boolean;
  /** Called whenever busy() may have changed. */
  onBusyChange(listener: () => void): () => void;
  /** Asks the owner; resolves true for "Restart now". `busy` lets the text say it will wait. */
  prompt(version: string, busy: boolean): Promise<boolean>;
  /** Runs right before quitAndInstall (stop the agent cleanly). */
  beforeInstall?(): Promise<void>;
  logger: { info(message: string, data?: Record<string, unknown>): void; warn(message: string, data?: Record<string, unknown>): void };
  intervalMs?: number;
  timers?: { setInterval(fn: () => void, ms: number): unknown; clearInterval(handle: unknown): void };
}

export const UPDATE_CHECK_INTERVAL_MS = 4 * 60 * 60 * 1000;

export interface AutoUpdate {
  phase(): UpdatePhase;
  /** Check now (also done at start and on the interval). */
  check(): Promise<void>;
  /** The owner chose "Restart now" (from the prompt, or later from the About page). */
  installWhenIdle(): void;
  stop(): void;
}

export function startAutoUpdate(deps: AutoUpdateDeps): AutoUpdate {
  const timers = deps.timers ?? {
    setInterval: (fn: () => void, ms: number) => setInterval(fn, ms),
    clearInterval: (handle: unknown) => clearInterval(handle as NodeJS.Timeout),
  };
  let phase: UpdatePhase = { phase: 'idle' };
  let offBusy: (() => void) | null = null;

  const install = async (version: string) => {
    if (phase.phase === 'installing') return;
    phase = { phase: 'installing', version };
    offBusy?.();
    offBusy = null;
    deps.logger.info('installing update', { version });
    await deps.beforeInstall?.().catch((error: unknown) => deps.logger.warn('stopping before the update failed', { error: String(error) }));
    deps.updater.quitAndInstall();
  };

  const installWhenIdle = () => {
    if (phase.phase !== 'ready' && phase.phase !== 'waiting-for-jobs') return;
    const { version } = phase;
    if (!deps.busy()) {
      void install(version);
      return;
    }
    phase = { phase: 'waiting-for-jobs', version };
    deps.logger.info('update ready; installing once the running job ends', { version });
    offBusy ??= deps.onBusyChange(() => {
      if (phase.phase === 'waiting-for-jobs' && !deps.busy()) void install(phase.version);
    });
  };

  deps.updater.onUpdateDownloaded(({ version }) => {
    if (phase.phase !== 'idle') return;
    phase = { phase: 'ready', version };
    void deps.prompt(version, deps.busy()).then((now) => {
      if (now) installWhenIdle();
    });
  });
  deps.updater.onError((error) => deps.logger.warn('update check failed', { error: error.message }));

  const check = async () => {
    if (phase.phase !== 'idle') return;
    try {
      await deps.updater.checkForUpdates();
    } catch (error) {
      // Offline, or no update server configured: try again at the next interval.
      deps.logger.warn('update check failed', { error: String(error) });
    }
  };
  void check();
  const interval = timers.setInterval(() => void check(), deps.intervalMs ?? UPDATE_CHECK_INTERVAL_MS);

  return {
    phase: () => phase,
    check,
    installWhenIdle,
    stop() {
      timers.clearInterval(interval);
      offBusy?.();
    },
  };
}
