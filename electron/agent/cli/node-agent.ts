import { composeAgent } from '../compose';
import { createConfSettingsStore } from '../node-adapters/conf-settings-store';
import { createConsoleLogger, type LogLevel } from '../node-adapters/console-logger';
import { prepareDataDir } from '../node-adapters/data-dir';
import { cliPaths } from './cli-paths';

/** The agent as the CLI commands use it: conf settings in the data dir, logs on stderr. */
export function createNodeAgent(options: {
  dataDir?: string;
  quickBenchmarks?: boolean;
  logLevel?: LogLevel;
  /** 'off': the devnet network setting starts no devnet (headless --no-devnet). */
  devnet?: 'auto' | 'off';
  /** headless --wallet-password-file: the wallet unlocks at start with it. */
  walletUnlockPassword?: string;
}) {
  const dataDir = prepareDataDir(options.dataDir);
  const logger = createConsoleLogger(options.logLevel ?? (process.env.RIGSHIFT_LOG as LogLevel | undefined) ?? 'warn');
  const { resourcesDir, staticDir } = cliPaths();
  const agent = composeAgent({
    mode: 'headless',
    dataDir,
    resourcesDir,
    settingsStore: createConfSettingsStore(dataDir, logger),
    logger,
    quickBenchmarks: options.quickBenchmarks,
    devnet: options.devnet,
    walletUnlockPassword: options.walletUnlockPassword,
  });
  return { agent, logger, dataDir, staticDir };
}
