/**
 * `rigshift devnet --demo`'s rival providers as the CLI runs them: each rival is the agent
 * `rigshift headless` composes (compose.ts: the same v2 market client, job runner and wallet),
 * in this process, with its own data dir (locked like any agent's), settings store and
 * logger (warnings on stderr, prefixed with its name). Prints what the newcomer needs to know:
 * who the rivals are and what they ask, or why there are none.
 */
import { composeAgent } from '../compose';
import type { DemoRival } from '../devnet/demo-rival-plan';
import { defaultCpuAsk } from '../devnet/demo-rival-plan';
import { type DemoRivals, type RivalAgent, startDemoRivals } from '../devnet/demo-rivals';
import type { DevnetDeployment } from '../devnet/deployment-file';
import { createDockerodeRuntime } from '../docker/dockerode-runtime';
import { createConfSettingsStore } from '../node-adapters/conf-settings-store';
import { createConsoleLogger } from '../node-adapters/console-logger';
import { acquireDataDirLock } from '../node-adapters/data-dir-lock';
import { formatUsdMicros } from '../../../shared/domain/money-format';
import { cliPaths } from './cli-paths';

export type { DemoRivals } from '../devnet/demo-rivals';

function composeRival(dataDir: string, rival: DemoRival): RivalAgent {
  // One agent per data dir, as for any agent: a second devnet --demo for this data dir skips it.
  const lock = acquireDataDirLock(dataDir, `devnet demo ${rival.name}`);
  try {
    const logger = createConsoleLogger('warn', (line) => process.stderr.write(`${rival.name}: ${line}`));
    const agent = composeAgent({ mode: 'headless', dataDir, resourcesDir: cliPaths().resourcesDir, settingsStore: createConfSettingsStore(dataDir, logger), logger });
    return {
      start: (options) => agent.start(options),
      call: (name, request) => agent.call(name, request),
      stop: async () => {
        try {
          await agent.stop();
        } finally {
          lock.release();
        }
      },
    };
  } catch (error) {
    lock.release();
    throw error;
  }
}

export async function startRivalsFor(options: { deployment: DevnetDeployment; devnetDir: string; out: (line?: string) => void }): Promise<DemoRivals | null> {
  const { out } = options;
  const logger = createConsoleLogger('warn', (line) => process.stderr.write(`demo rivals: ${line}`));
  let started;
  try {
    started = await startDemoRivals({ deployment: options.deployment, devnetDir: options.devnetDir, compose: composeRival, docker: createDockerodeRuntime(), logger });
  } catch (error) {
    // The demo goes on without rivals: they make it richer, not possible.
    process.stderr.write(`rigshift: the demo rivals could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    return null;
  }
  out();
  if (started.kind === 'no-docker') {
    out(`Demo rivals: none. Docker is not reachable (${started.reason}), and a rival runs each job it wins in a container.`);
    out('  Your agent has the demo market to itself: it wins every auction it bids in, and replicated jobs wait for a second provider.');
    return null;
  }
  const { rivals } = started;
  if (rivals.running.length > 0) {
    out(`Demo rivals: ${rivals.running.length} other providers bid on the same jobs (the agent's own code, real containers; data under ${options.devnetDir}/rivals).`);
    out(`  A newcomer's agent asks ${formatUsdMicros(defaultCpuAsk())} per CPU-hour with the default settings (100 %); the lowest asks win and are paid the lowest losing ask.`);
    for (const rival of rivals.running) out(`  ${rival.summary}`);
  }
  for (const { rival, reason } of rivals.skipped) out(`  ${rival.name} did not start: ${reason}`);
  return rivals;
}
