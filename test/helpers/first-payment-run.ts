/**
 * README's demo as a newcomer runs it, driven through the agent's API: `rigshift devnet
 * --demo` (its own data dir, a free port, published in an isolated runtime dir), then
 * `rigshift headless` with another data dir that finds that devnet, the wizard (checks,
 * optionally the benchmark, a new wallet with its words typed back, the default hours and
 * price), "Start renting", and then the way to the first money, followed on the ledger and
 * on the chain. Shared by the time-to-first-money figure (test/bench/first-payment-figures.ts)
 * and the integration test that the sequence works (test/integration/first-payment.docker.test.ts).
 * It runs the legacy v1 market, asked for explicitly (`--market-version 1`): its starter jobs
 * and first-claim path are v1's (the devnet's default is v2, whose demo is
 * test/integration/devnet-demo-v2.docker.test.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { Contract, JsonRpcProvider } from 'ethers';
import { MARKET_ABI, TOKEN_ABI } from '../../electron/agent/chain/market-abi';
import { readDeployment } from '../../electron/agent/devnet/deployment-file';
import { pickFreePort } from '../../electron/agent/devnet/ports-free';
import type { LedgerJob } from '../../shared/domain/earnings';
import type { WalletState } from '../../shared/domain/wallet';
import { type AgentApi, agentApi } from './agent-api';
import { cliShim, repoRoot } from './cli';
import { type HeadlessProcess, startHeadlessAgent } from './headless-process';
import { tempDir } from './temp-dir';

export interface DemoDevnetProcess {
  child: ChildProcess;
  rpcUrl: string;
  chainId: number;
  marketAddress: string;
  tokenAddress: string;
  output(): string;
}

export interface FirstPaymentSetup {
  devnet: DemoDevnetProcess;
  agent: HeadlessProcess;
  api: AgentApi;
  /** performance.now() when `rigshift devnet --demo` was spawned. */
  startedAt: number;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `rigshift devnet --demo` and `rigshift headless`, each with its own data dir, found through RIGSHIFT_RUNTIME_DIR. */
export async function startDemoAndAgent(options: { agentEnv?: NodeJS.ProcessEnv; readyTimeoutMs?: number } = {}): Promise<FirstPaymentSetup> {
  const devnetData = tempDir('rigshift-first-pay-devnet-');
  const agentData = tempDir('rigshift-first-pay-agent-');
  const runtime = tempDir('rigshift-first-pay-runtime-');
  const env = { ...process.env, RIGSHIFT_RUNTIME_DIR: runtime.path };
  const startedAt = performance.now();
  const port = await pickFreePort();
  const child = spawn(process.execPath, [cliShim, 'devnet', '--demo', '--market-version', '1', '--data-dir', devnetData.path, '--port', String(port)], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  let agent: HeadlessProcess | null = null;
  const stop = async () => {
    await agent?.stop();
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGINT');
      await Promise.race([exited, sleep(20_000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    for (const dir of [devnetData, agentData, runtime]) dir.cleanup();
  };
  try {
    const deadline = Date.now() + (options.readyTimeoutMs ?? 120_000);
    while (!out.includes('Press Ctrl-C to stop.')) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`rigshift devnet --demo did not get ready:\n${out}`);
      await sleep(100);
    }
    if (!out.includes('Demo requester: posting jobs')) throw new Error(`the demo requester did not start:\n${out}`);
    const deployment = readDeployment(join(devnetData.path, 'devnet'))!;
    // README's second command: the default network (the local devnet), another data dir.
    agent = await startHeadlessAgent(['--data-dir', agentData.path], 60_000, { devnet: true, env: { ...env, ...options.agentEnv } });
    const devnet: DemoDevnetProcess = {
      child,
      rpcUrl: deployment.rpcUrl,
      chainId: deployment.chainId,
      marketAddress: deployment.market,
      tokenAddress: deployment.token,
      output: () => out,
    };
    return { devnet, agent, api: agentApi(agent), startedAt, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The wizard through the API, as its pages call it: checks, the benchmark (when asked),
 * a new wallet (the words typed back), the hours and price left as suggested, then
 * "Start renting" (use-onboarding.ts finish(true)). Resolves when Start renting was pressed.
 */
export async function completeWizard(
  api: AgentApi,
  options: { benchmark: boolean; password: string; beforeStartRenting?: () => Promise<void> },
): Promise<void> {
  await api('runChecks');
  if (options.benchmark) {
    const before = (await api<unknown[]>('listBenchmarks', { limit: 5 })).length;
    await api('startBenchmark', { target: { kind: 'auto' } });
    const end = Date.now() + 300_000;
    while ((await api<unknown[]>('listBenchmarks', { limit: 5 })).length === before) {
      if (Date.now() > end) throw new Error('the benchmark never finished');
      await sleep(500);
    }
  }
  const created = await api<{ creationId: string; words: string[]; confirmIndexes: number[] }>('createWallet');
  const checks = created.confirmIndexes.map((index) => ({ index, word: created.words[index]! }));
  const wallet = await api<WalletState>('confirmWalletWords', { creationId: created.creationId, checks, password: options.password });
  if (wallet.state !== 'unlocked') throw new Error(`the new wallet is ${wallet.state}, not unlocked`);
  await options.beforeStartRenting?.();
  await api('updateSettings', {
    patch: { onboarding: { firstRunDone: true, skipped: options.benchmark ? [] : ['benchmark'] }, market: { bidding: true }, controls: { pause: { kind: 'none' } } },
  });
}

export interface FirstMoney {
  address: string;
  /** performance.now() of each step, the first time it was seen. */
  marks: { claimed: number; paid: number; inWallet: number; walletShows: number };
  paidJob: LedgerJob;
  /** The Withdrawn event that moved the first earnings into the wallet. */
  withdrawn: { amount: bigint; blockNumber: number; balanceBefore: bigint; balanceAfter: bigint };
}

/**
 * Follows the agent until its first earnings are in its wallet: the first job it claims
 * (its ledger), the first paid one (ledger state settled, or released with a payment), the
 * chain's Withdrawn event for its address (tUSD in the wallet from that block), and the
 * wallet view showing the withdrawal confirmed. Polls every `pollMs`.
 */
export async function followToFirstMoney(setup: FirstPaymentSetup, options: { timeoutMs: number; pollMs?: number }): Promise<FirstMoney> {
  const { api, devnet } = setup;
  const rpc = new JsonRpcProvider(devnet.rpcUrl, devnet.chainId, { staticNetwork: true, cacheTimeout: -1 });
  try {
    const address = (await api<WalletState>('getWallet')).address;
    if (!address) throw new Error('the agent has no wallet');
    const market = new Contract(devnet.marketAddress, MARKET_ABI, rpc);
    const token = new Contract(devnet.tokenAddress, TOKEN_ABI, rpc);
    const marks: Partial<FirstMoney['marks']> = {};
    let paidJob: LedgerJob | null = null;
    let withdrawn: FirstMoney['withdrawn'] | null = null;
    const end = Date.now() + options.timeoutMs;
    while (marks.walletShows === undefined || !paidJob) {
      if (Date.now() > end) {
        throw new Error(`no money in the wallet after ${options.timeoutMs / 1000} s (seen: ${JSON.stringify(marks)})\n${setup.agent.output().slice(-4000)}`);
      }
      const now = performance.now();
      const ledger = await api<{ jobs: LedgerJob[] }>('listLedgerJobs', { limit: 50 });
      if (marks.claimed === undefined && ledger.jobs.length > 0) marks.claimed = now;
      const paid = ledger.jobs.filter((j) => j.state === 'settled' || (j.state === 'released' && BigInt(j.grossMicros) > 0n));
      if (!paidJob && paid.length > 0) {
        paidJob = paid[paid.length - 1]!;
        marks.paid = now;
      }
      if (!withdrawn) {
        const logs = (await market.queryFilter(market.filters.Withdrawn!(address))) as unknown as Array<{ blockNumber: number; args: { amount: bigint } }>;
        const first = logs[0];
        if (first) {
          marks.inWallet = now;
          const at = (block: number) => token.getFunction('balanceOf')(address, { blockTag: block }) as Promise<bigint>;
          withdrawn = { amount: first.args.amount, blockNumber: first.blockNumber, balanceBefore: await at(first.blockNumber - 1), balanceAfter: await at(first.blockNumber) };
        }
      }
      if (withdrawn) {
        const txs = await api<Array<{ kind: string; status: string }>>('listWalletTxs', { limit: 100 });
        if (txs.some((t) => t.kind === 'withdraw' && t.status === 'confirmed')) marks.walletShows = now;
      }
      if (marks.walletShows === undefined || !paidJob) await sleep(options.pollMs ?? 250);
    }
    return { address, marks: marks as FirstMoney['marks'], paidJob: paidJob!, withdrawn: withdrawn! };
  } finally {
    rpc.destroy();
  }
}
