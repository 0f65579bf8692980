/**
 * A real local devnet for tests: the Hardhat node child process the app uses (resources/
 * devnet/devnet-node.cjs), on a free port, with TestUSD and RigShiftMarket deployed with the
 * devnet parameters and accounts #0-#9 holding tUSD. Each call is a fresh chain in its own
 * temporary folder; stop() ends the node (it also dies with the test process).
 *
 * The market is the legacy v1 contract unless a test asks for `marketVersion: 2`: the suites
 * that use this helper were written for v1, and they ask for it here explicitly rather than
 * through the devnet's default (v2 since the flip, deploy-devnet.ts).
 */
import { devnetAccounts } from '../../electron/agent/devnet/devnet-accounts';
import { ensureDevnet } from '../../electron/agent/devnet/devnet-supervisor';
import { recordingLogger } from './silent-logger';
import { tempDir } from './temp-dir';

/** The market version a test devnet deploys when the test names none: the legacy v1. */
export const LEGACY_TEST_MARKET_VERSION = 1;

export interface TestDevnet {
  rpcUrl: string;
  chainId: number;
  marketAddress: string;
  tokenAddress: string;
  deploymentBlock: number;
  genesisHash: string;
  /** Devnet accounts #0-#9 (index = account number), all holding tUSD; #0 is the fee recipient. */
  accounts: string[];
  /** Their PUBLIC test keys, same order. */
  privateKeys: string[];
  /** A data dir whose devnet/deployment.json describes this devnet (`rigshift market post --data-dir`). */
  dataDir: string;
  devnetDir: string;
  stop(): Promise<void>;
}

export async function startTestDevnet(options: { intervalMs?: number; marketVersion?: 1 | 2 } = {}): Promise<TestDevnet> {
  const marketVersion = options.marketVersion ?? LEGACY_TEST_MARKET_VERSION;
  const dir = tempDir('rigshift-devnet-');
  const devnetDir = `${dir.path}/devnet`;
  const running = await ensureDevnet({
    devnetDir,
    port: 0,
    reuse: false,
    intervalMs: options.intervalMs ?? 1000,
    marketVersion,
    logger: recordingLogger().logger,
  });
  const d = running.deployment;
  const accounts = devnetAccounts();
  return {
    rpcUrl: d.rpcUrl,
    chainId: d.chainId,
    marketAddress: d.market,
    tokenAddress: d.token,
    deploymentBlock: d.deploymentBlock,
    genesisHash: d.genesisHash,
    accounts: accounts.map((a) => a.address),
    privateKeys: accounts.map((a) => a.privateKey),
    dataDir: dir.path,
    devnetDir,
    stop: async () => {
      await running.stop();
      dir.cleanup();
    },
  };
}
