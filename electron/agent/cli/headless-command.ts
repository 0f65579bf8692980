import { AgentError } from '../../../shared/api/result';
import type { NetworkSettings } from '../../../shared/domain/settings';
import { startHeadlessServer } from '../headless/server';
import { acquireDataDirLock } from '../node-adapters/data-dir-lock';
import { prepareDataDir } from '../node-adapters/data-dir';
import { readWalletPasswordFile } from '../wallet/password-file';
import { rendererBuilt } from './cli-paths';
import { readJobSpec } from './run-job-command';
import { createNodeAgent } from './node-agent';
import { jobsLostByStopping } from '../../../shared/domain/stopping-jobs';
import { escapeUntrusted } from '../../../shared/domain/untrusted-text';
import { untilDelivered } from '../jobs/until-delivered';

export async function runHeadless(options: {
  port: number;
  dataDir?: string;
  quickBench: boolean;
  runJob?: string;
  /** Written into settings.network before the agent starts (--network ...). */
  network?: NetworkSettings;
  /** --no-devnet: never start a local devnet (the chain status says so). */
  noDevnet?: boolean;
  /** --wallet-password-file: unlock the wallet at start (the file must be 0600). */
  walletPasswordFile?: string;
  /** --allow-lan [--lan-address A] [--lan-port N]: a watch-only dashboard for the LAN, behind a pairing token. */
  lan?: { host: string; port: number };
}): Promise<number> {
  // Read the test job first: a bad spec is a usage error, before anything starts.
  const testJob = options.runJob === undefined ? null : readJobSpec(options.runJob);
  // Same for the password file: refused at once when others can read it.
  const walletUnlockPassword = options.walletPasswordFile === undefined ? undefined : readWalletPasswordFile(options.walletPasswordFile);
  // One agent per data dir (the desktop app's or another headless): refused here, before
  // anything touches the wallet. Released on stop; a kill -9 leaves it stale for the next start.
  const lock = acquireDataDirLock(prepareDataDir(options.dataDir), 'headless');
  try {
    return await runLocked(options, walletUnlockPassword, testJob);
  } finally {
    lock.release();
  }
}

async function runLocked(
  options: Parameters<typeof runHeadless>[0],
  walletUnlockPassword: string | undefined,
  testJob: ReturnType<typeof readJobSpec> | null,
): Promise<number> {
  const { agent, logger, dataDir, staticDir } = createNodeAgent({
    dataDir: options.dataDir,
    quickBenchmarks: options.quickBench,
    logLevel: 'info',
    devnet: options.noDevnet ? 'off' : 'auto',
    walletUnlockPassword,
  });
  if (!rendererBuilt(staticDir)) {
    throw new AgentError('renderer_missing', `The dashboard is not built (${staticDir}).`, 'Run: npm run build');
  }
  // One line per chain state change, so a console user sees the devnet start and the chain
  // come and go (the dashboard shows the same status).
  let lastChainState = '';
  agent.onEvent((event) => {
    if (event.name !== 'chainStatus' || event.payload.state === lastChainState) return;
    lastChainState = event.payload.state;
    const status = event.payload;
    const line =
      status.state === 'online'
        ? `online: ${status.network.label} (chain ${status.network.chainId}, ${status.network.rpcUrl}, market ${status.network.marketAddress})`
        : `${status.state}: ${status.message}`;
    process.stdout.write(`Chain ${line}\n`);
  });
  if (options.network) {
    const saved = await agent.call('updateSettings', { patch: { network: options.network } });
    if (!saved.ok) throw new AgentError(saved.error.code, saved.error.message, saved.error.hint);
  }
  await agent.start({ longRunning: true });
  let server;
  try {
    server = await startHeadlessServer({ agent, staticDir, logger, port: options.port, lan: options.lan });
  } catch (error) {
    await agent.stop();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new AgentError(
        'port_in_use',
        `Port ${options.port}${options.lan ? ` or LAN port ${options.lan.port}` : ''} is already in use.`,
        'Pick another with --port (or --lan-port), or leave it out for a free one.',
      );
    }
    if (code === 'EADDRNOTAVAIL' && options.lan) {
      throw new AgentError('lan_address', `${options.lan.host} is not an address of this machine.`, 'Use one shown by `ip -4 addr`, or leave --lan-address out for every interface.');
    }
    throw error;
  }
  // performance.now() counts from process start: this is start-to-ready.
  const readyMs = Math.round(performance.now());
  process.stdout.write(
    `RigShift agent ready in ${readyMs} ms (data: ${dataDir})\nOpen the dashboard: ${server.url}\n`,
  );
  if (server.lan) {
    process.stdout.write(
      `Watch from other devices on your network (read-only): ${server.lan.pairingUrl}\n` +
        `  Anyone with this link on your network can see the dashboard; it changes at every start.\n`,
    );
  }
  if (testJob) {
    await agent.settled();
    const gpu = agent.snapshot().detection?.gpus[0];
    const deviceId = testJob.resources.gpus > 0 ? gpu?.uuid : 'cpu';
    if (!deviceId) {
      process.stderr.write('rigshift: the test job needs a GPU and none was found; it was not started\n');
    } else {
      try {
        const { jobId, done } = await agent.startJob(testJob, deviceId);
        process.stdout.write(`Test job ${jobId} started: see the Jobs page\n`);
        void done.then((record) => process.stdout.write(`Test job ${jobId} ended: ${record.reason} (${escapeUntrusted(record.message)})\n`));
      } catch (error) {
        // The dashboard keeps running: the owner can read why on the console.
        process.stderr.write(`rigshift: the test job could not start: ${escapeUntrusted(error instanceof Error ? error.message : String(error))}\n`);
      }
    }
  }
  await nextStopSignal();
  const restorePause = await finishRunningJobs(agent);
  process.stderr.write('rigshift: stopping…\n');
  await server.close();
  await agent.stop();
  await restorePause();
  return 0;
}

type HeadlessAgent = ReturnType<typeof createNodeAgent>['agent'];

function nextStopSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (signal: string) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

/**
 * The first SIGINT/SIGTERM never throws away a job's unpaid work silently: renting pauses
 * (nothing new is claimed), a preemptible job is released (paid for the time served) and a
 * non-preemptible one runs to its end; a second signal stops at once. Returns what puts the
 * owner's own pause back, so a Ctrl-C does not leave the next start paused.
 */
async function finishRunningJobs(agent: HeadlessAgent): Promise<() => Promise<void>> {
  const running = agent.snapshot().jobs.active;
  if (running.length === 0) return async () => undefined;
  const before = agent.snapshot().settings.controls.pause;
  const restore = async () => {
    await agent.call('updateSettings', { patch: { controls: { pause: before } } }).catch(() => undefined);
  };
  const finishing = jobsLostByStopping(running);
  const released = running.filter((job) => job.preemptible);
  const names = (jobs: typeof running) => jobs.map((job) => `"${escapeUntrusted(job.name)}"`).join(', ');
  if (released.length > 0) process.stderr.write(`rigshift: releasing the preemptible job ${names(released)} (paid for the time it ran)\n`);
  if (finishing.length > 0) {
    process.stderr.write(
      `rigshift: finishing the running job ${names(finishing)} before stopping; nothing new is claimed. ` +
        'Press Ctrl-C again to stop now and lose its unpaid work.\n',
    );
  }
  await agent.call('pauseRenting', { duration: 'indefinite', finishRunningJob: true });
  const drained = untilDelivered(agent, running.map((job) => job.id)).then(() => 'drained' as const);
  const outcome = await Promise.race([drained, nextStopSignal()]);
  if (outcome === 'drained') {
    if (finishing.length > 0) process.stderr.write(`rigshift: the job ${names(finishing)} finished and its result was handed in\n`);
  } else {
    process.stderr.write('rigshift: stopping now; the running job is cancelled and its unpaid work is lost\n');
  }
  return restore;
}
