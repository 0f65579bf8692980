/**
 * Marketplace client figures (issue 6): indexer throughput (10,000 posted jobs ingested and
 * evaluated, target ≤ 10 s) and the time from a job posted to its container running on an
 * idle provider with a cached image (target ≤ 3 s). Both on a real Hardhat devnet.
 */
import { Contract, Interface, NonceManager, Wallet } from 'ethers';
import { composeAgent } from '../../electron/agent/compose';
import { MARKET_ABI, TOKEN_ABI } from '../../electron/agent/chain/market-abi';
import { createMarketIndexer } from '../../electron/agent/market/market-indexer';
import { evaluableOf } from '../../shared/domain/market-document-facts';
import { evaluateMarketJob } from '../../shared/domain/market-evaluation';
import { DEFAULT_SETTINGS } from '../../shared/domain/settings';
import { buildJobTestImage } from '../helpers/job-images';
import { recordingLogger } from '../helpers/silent-logger';
import { tempDir } from '../helpers/temp-dir';
import { jobDocument, startChainFixture } from '../unit/market/chain-fixture';
import { type BenchFigure, median, round } from './figure';

async function measureIndexer(jobs: number): Promise<BenchFigure> {
  const chain = await startChainFixture();
  const dir = tempDir('rigshift-bench-market-');
  try {
    const from = chain.accounts[1]!.address;
    const market = new Interface(MARKET_ABI);
    const token = new Interface(TOKEN_ABI);
    // Unlocked Hardhat account: the node signs, so posting is not bound by local signing.
    await chain.send('eth_sendTransaction', [{ from, to: chain.token, data: token.encodeFunctionData('approve', [chain.market, 2n ** 200n]) }]);
    await chain.send('evm_setAutomine', [false]);
    // Mine until a block comes out empty (a block takes what fits under its gas limit).
    const mineAll = async () => {
      for (let guard = 0; guard < 1000; guard++) {
        await chain.send('evm_mine');
        const block = (await chain.send('eth_getBlockByNumber', ['latest', false])) as { transactions: string[] };
        if (block.transactions.length === 0) return;
      }
    };
    const now = Math.floor(Date.now() / 1000);
    for (let i = 0; i < jobs; i++) {
      const spec = jobDocument({ name: `bench job ${i}` });
      const data = market.encodeFunctionData('post', [spec, 1_000_000n + BigInt(i), 600, now + 86_400, now + 2 * 86_400, i % 2 === 0]);
      await chain.send('eth_sendTransaction', [{ from, to: chain.market, data, gas: '0x7a120' }]);
      // Batched mining: the node's pool does not hold thousands of pending txs of one sender.
      if (i % 500 === 499) await mineAll();
    }
    await mineAll();
    await chain.send('evm_setAutomine', [true]);
    const next = (await chain.send('eth_call', [{ to: chain.market, data: market.encodeFunctionData('nextJobId', []) }, 'latest'])) as string;
    const posted = Number(BigInt(next)) - 1;
    if (posted < jobs) throw new Error(`only ${posted} of ${jobs} posts were mined`);
    const indexer = createMarketIndexer({
      connection: () => chain.connection,
      reportFailure: () => undefined,
      dataDir: dir.path,
      logger: recordingLogger().logger,
      clock: { now: () => new Date() },
      confirmations: () => 0,
      reopenClaimWindow: async () => 300,
      onUpdate: () => undefined,
    });
    const started = performance.now();
    await indexer.poll();
    let fitting = 0;
    for (const book of indexer.book.all()) {
      const verdict = evaluateMarketJob({
        job: { ...book, open: book.state === 'open' },
        document: evaluableOf(book.facts, () => indexer.document(book.id) ?? ''),
        devices: [{ deviceId: 'cpu', kind: 'cpu', name: 'CPU', vramMiB: null, fp32Tflops: null, powerW: 0, admission: { ok: true }, busy: false }],
        machine: { cpus: 8, memoryMiB: 16_384 },
        price: { ...DEFAULT_SETTINGS.controls.price, neverBelowBreakEven: false, floorMicrosPerHour: '1000000' },
        market: DEFAULT_SETTINGS.market,
        allowEgress: false,
        isDevnet: true,
        nowSeconds: Math.floor(Date.now() / 1000),
      });
      if (verdict.fits) fitting++;
    }
    const seconds = (performance.now() - started) / 1000;
    if (indexer.book.size() < jobs) throw new Error(`indexed ${indexer.book.size()} of ${jobs} jobs`);
    console.log(`      indexed ${indexer.book.size()} jobs, ${fitting} fitting`);
    await indexer.stop();
    return { name: `market indexer: ${jobs} posted jobs ingested and evaluated`, value: round(seconds), unit: 's', target: 10, better: 'lower' };
  } finally {
    await chain.stop();
    dir.cleanup();
  }
}

export async function measurePostToRunning(runs: number): Promise<BenchFigure> {
  process.env.RIGSHIFT_INSECURE_TEST_SCRYPT_N ??= '1024';
  // The throwaway loopback node gets devnet rules (no confirmations, loopback upload URL), as
  // vitest.config.ts gives every test; without it the custom network refuses the job's
  // loopback upload host and never claims (chain/local-chain-rules.ts).
  process.env.RIGSHIFT_LOOPBACK_DEVNET_RULES ??= '1';
  const chain = await startChainFixture();
  const image = buildJobTestImage();
  const dir = tempDir('rigshift-bench-market-agent-');
  const settings = structuredClone(DEFAULT_SETTINGS);
  settings.network = { kind: 'custom', rpcUrl: chain.rpcUrl, chainId: 31337, marketAddress: chain.market };
  settings.controls.price = { ...settings.controls.price, floorMicrosPerHour: '100000', neverBelowBreakEven: false };
  settings.controls.presence = { ...settings.controls.presence, idle: { enabled: false, minutes: 10 } };
  settings.market.bidding = true; // a new install waits for "Start renting"
  let stored: unknown = settings;
  const agent = composeAgent({
    mode: 'headless',
    dataDir: dir.path,
    resourcesDir: new URL('../../resources', import.meta.url).pathname,
    settingsStore: { read: () => stored, write: (doc) => (stored = doc) },
    logger: recordingLogger().logger,
    devnet: 'off',
  });
  const running = new Map<string, number>();
  agent.onEvent((event) => {
    if (event.name === 'jobProgress' && event.payload.state === 'running' && event.payload.jobId.startsWith('market-')) running.set(event.payload.jobId, performance.now());
  });
  try {
    await agent.start({ longRunning: true });
    // An idle provider is already funded and staked: deposit stake for every run up front
    // (each claim locks one minStake until its job settles), then hand the key to the agent.
    const key = Wallet.createRandom();
    await chain.send('hardhat_setBalance', [key.address, '0xDE0B6B3A7640000']);
    const minter = new Contract(chain.token, TOKEN_ABI, chain.signer(0));
    await (await minter.getFunction('mint')(key.address, 100_000_000n)).wait();
    const own = new NonceManager(key.connect(chain.direct));
    await (await new Contract(chain.token, TOKEN_ABI, own).getFunction('approve')(chain.market, 5_000_000n * BigInt(runs + 2))).wait();
    await (await new Contract(chain.market, MARKET_ABI, own).getFunction('depositStake')(5_000_000n * BigInt(runs + 2))).wait();
    await agent.call('importWallet', { source: { kind: 'privateKey', privateKey: key.privateKey }, password: 'bench password' });
    const times: number[] = [];
    const spec = jobDocument({ image: image.reference, command: ['sh', '-c', 'echo ok > /workspace/out/r.txt'], uploadUrl: 'http://127.0.0.1:9/none' });
    for (let i = 0; i <= runs; i++) {
      const before = running.size;
      const posted = performance.now();
      await chain.post({ spec, maxPricePerHour: 1_000_000n });
      const end = posted + 60_000;
      while (running.size === before && performance.now() < end) await new Promise((r) => setTimeout(r, 20));
      const at = [...running.values()].at(-1);
      if (running.size === before || at === undefined) throw new Error('the posted job never ran');
      // The first run stakes and funds the wallet; the figure is for an idle, staked provider.
      if (i > 0) times.push((at - posted) / 1000);
      // Let the job finish and the device free up before the next post.
      await new Promise((r) => setTimeout(r, 3000));
    }
    return { name: 'market: job posted → container running (idle provider, cached image)', value: round(median(times)), unit: 's', target: 3, better: 'lower' };
  } finally {
    await agent.stop();
    await chain.stop();
    image.remove();
    dir.cleanup();
  }
}

export async function measureMarketFigures(options: { jobs?: number; runs?: number } = {}): Promise<BenchFigure[]> {
  const indexer = await measureIndexer(options.jobs ?? 10_000);
  return [indexer, await measurePostToRunning(options.runs ?? 5)];
}
