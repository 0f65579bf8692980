import { describe, expect, it } from 'vitest';
import { startAutoUpdate, type UpdaterPort } from '../../../electron/main/auto-updater';

function fakeUpdater(options: { failCheck?: boolean } = {}) {
  let downloaded: ((info: { version: string }) => void) | null = null;
  const log: string[] = [];
  const updater: UpdaterPort = {
    checkForUpdates: async () => {
      log.push('check');
      if (options.failCheck) throw new Error('net::ERR_INTERNET_DISCONNECTED');
    },
    onUpdateDownloaded: (listener) => (downloaded = listener),
    onError: () => undefined,
    quitAndInstall: () => log.push('install'),
  };
  return { updater, log, download: (version: string) => downloaded?.({ version }) };
}

function harness(options: { busy: boolean; answer: boolean; failCheck?: boolean }) {
  const fake = fakeUpdater(options);
  let busy = options.busy;
  const busyListeners = new Set<() => void>();
  const prompts: { version: string; busy: boolean }[] = [];
  let tick: (() => void) | null = null;
  const warnings: string[] = [];
  const update = startAutoUpdate({
    updater: fake.updater,
    busy: () => busy,
    onBusyChange: (listener) => (busyListeners.add(listener), () => busyListeners.delete(listener)),
    prompt: async (version, isBusy) => (prompts.push({ version, busy: isBusy }), options.answer),
    logger: { info: () => undefined, warn: (message) => warnings.push(message) },
    intervalMs: 1000,
    timers: { setInterval: (fn) => ((tick = fn), 1), clearInterval: () => (tick = null) },
  });
  return {
    update,
    fake,
    prompts,
    warnings,
    tick: () => tick?.(),
    setBusy(next: boolean) {
      busy = next;
      for (const listener of [...busyListeners]) listener();
    },
    listeners: () => busyListeners.size,
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('auto-update', () => {
  it('checks at start and on every interval', async () => {
    const h = harness({ busy: false, answer: false });
    await settle();
    h.tick();
    h.tick();
    expect(h.fake.log).toEqual(['check', 'check', 'check']);
    h.update.stop();
    h.tick();
    expect(h.fake.log).toHaveLength(3);
  });

  it('asks when the update is ready, and installs at once when no job runs', async () => {
    const h = harness({ busy: false, answer: true });
    h.fake.download('0.2.0');
    await settle();
    expect(h.prompts).toEqual([{ version: '0.2.0', busy: false }]);
    expect(h.fake.log).toContain('install');
    expect(h.update.phase()).toEqual({ phase: 'installing', version: '0.2.0' });
  });

  it('never installs mid-job: waits until the running job ends', async () => {
    const h = harness({ busy: true, answer: true });
    h.fake.download('0.2.0');
    await settle();
    expect(h.prompts).toEqual([{ version: '0.2.0', busy: true }]);
    expect(h.update.phase()).toEqual({ phase: 'waiting-for-jobs', version: '0.2.0' });
    h.setBusy(true); // another event while the job still runs
    await settle();
    expect(h.fake.log).not.toContain('install');
    h.setBusy(false);
    await settle();
    expect(h.fake.log.filter((e) => e === 'install')).toHaveLength(1);
    expect(h.listeners()).toBe(0);
    h.setBusy(false);
    await settle();
    expect(h.fake.log.filter((e) => e === 'install')).toHaveLength(1);
  });

  it('"Later" installs nothing now and stops checking for more (the ready one installs on quit)', async () => {
    const h = harness({ busy: false, answer: false });
    await settle();
    h.fake.download('0.2.0');
    await settle();
    expect(h.fake.log).toEqual(['check']);
    expect(h.update.phase()).toEqual({ phase: 'ready', version: '0.2.0' });
    h.tick();
    expect(h.fake.log).toEqual(['check']);
    // The owner changes their mind (About page): installs when idle.
    h.update.installWhenIdle();
    await settle();
    expect(h.fake.log).toEqual(['check', 'install']);
  });

  it('a failed check (offline, no server) is logged and retried at the next interval', async () => {
    const h = harness({ busy: false, answer: false, failCheck: true });
    await settle();
    expect(h.warnings).toEqual(['update check failed']);
    h.tick();
    await settle();
    expect(h.fake.log).toEqual(['check', 'check']);
  });
});
