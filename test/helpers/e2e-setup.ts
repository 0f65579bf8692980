/**
 * The set-up most e2e tests repeat: a fresh test devnet (test/helpers/devnet.ts), a
 * `rigshift headless` agent with its own data dir pointed at it (--network custom), a
 * settings patch, and a devnet key imported as the agent's wallet (cheap scrypt, test-only
 * RIGSHIFT_INSECURE_TEST_SCRYPT_N given to the agent process only). stop() undoes it all
 * and returns the agent's exit code.
 */
import { TEST_SCRYPT_N_ENV } from '../../electron/agent/wallet/scrypt-params';
import type { Settings, SettingsPatch } from '../../shared/domain/settings';
import { startTestDevnet, type TestDevnet } from './devnet';
import { type AgentApi, agentApi } from './agent-api';
import { type HeadlessProcess, startHeadlessAgent } from './headless-process';
import { tempDir } from './temp-dir';

export interface E2eSetupOptions {
  /** Temporary data dir prefix, e.g. 'rigshift-e2e-earnings-'. */
  prefix: string;
  /** Block interval of the test devnet (default 1000 ms; 0 mines on every transaction). */
  intervalMs?: number;
  /**
   * Applied with updateSettings before the wallet is imported (bidding off, say, before a key
   * the test also uses); a function gets the agent's settings first (to keep the rest of a section).
   */
  patch?: SettingsPatch | ((settings: Settings) => SettingsPatch);
  /** The devnet account whose PUBLIC test key becomes the agent's wallet; none when absent. */
  walletAccount?: number;
  password?: string;
  /** How long the agent may take to print its link (default 30 s). */
  agentTimeoutMs?: number;
}

export interface E2eSetup {
  devnet: TestDevnet;
  agent: HeadlessProcess;
  api: AgentApi;
  dataDir: string;
  /** Stops the agent (its exit code), then the devnet, and removes the data dir. */
  stop(): Promise<number | null>;
}

export async function startE2eSetup(options: E2eSetupOptions): Promise<E2eSetup> {
  const dir = tempDir(options.prefix);
  let devnet: TestDevnet | null = null;
  let agent: HeadlessProcess | null = null;
  const stop = async () => {
    const code = agent ? await agent.stop() : null;
    await devnet?.stop();
    dir.cleanup();
    return code;
  };
  try {
    devnet = await startTestDevnet({ intervalMs: options.intervalMs });
    const network = ['--network', 'custom', '--rpc-url', devnet.rpcUrl, '--chain-id', String(devnet.chainId), '--market-address', devnet.marketAddress];
    agent = await startHeadlessAgent(['--data-dir', dir.path, ...network], options.agentTimeoutMs ?? 30_000, {
      env: { ...process.env, [TEST_SCRYPT_N_ENV]: '1024' },
    });
    const api = agentApi(agent);
    if (options.patch) {
      const patch = typeof options.patch === 'function' ? options.patch(await api<Settings>('updateSettings', { patch: {} })) : options.patch;
      await api('updateSettings', { patch });
    }
    if (options.walletAccount !== undefined) {
      const privateKey = devnet.privateKeys[options.walletAccount]!;
      await api('importWallet', { source: { kind: 'privateKey', privateKey }, password: options.password ?? 'e2e wallet password' });
    }
    return { devnet, agent, api, dataDir: dir.path, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
