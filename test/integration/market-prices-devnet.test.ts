/**
 * Market prices read from a real chain: on a Hardhat devnet with the v2 market, the
 * requester module the CLI uses (requester/market-v2-requester.ts) posts jobs, providers bid
 * with the contract directly and anyone awards; the agent's path then reads the market's logs
 * (decoded with v2-events.ts, folded with v2-book.ts) into the price history over the real
 * SQLite store. It must find the uniform price of each auction (not the winner's ask), the
 * posted price of a fixed-price claim, each award's block time, the class from the document,
 * leave an unreadable document out, survive a restart without double counting, and rewind.
 */
import { join } from 'node:path';
import { Contract, type ContractTransactionResponse, JsonRpcProvider, NonceManager, Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_ABI } from '../../electron/agent/chain/market-abi';
import { MARKET_V2_ABI } from '../../electron/agent/chain/market-v2-abi';
import { deployMarket } from '../../electron/agent/deploy/deploy-market';
import { createMarketPriceHistory, type MarketPriceHistory } from '../../electron/agent/market-prices/market-price-history';
import type { PricePointStore } from '../../electron/agent/market-prices/price-store';
import { openSqlitePriceStore } from '../../electron/agent/market-prices/sqlite-price-store';
import { createV2Book, type V2Book } from '../../electron/agent/market-v2/v2-book';
import { decodeMarketV2Log, type V2JobEvent } from '../../electron/agent/market-v2/v2-events';
import { postV2Job, type PostV2Request } from '../../electron/agent/requester/market-v2-requester';
import type { GpuDetection } from '../../shared/domain/gpu';
import { startTestDevnet, type TestDevnet } from '../helpers/devnet';
import { recordingLogger } from '../helpers/silent-logger';
import { tempDir } from '../helpers/temp-dir';

const documentFor = (resources: { gpus: number; minVramMiB: number } | 'unreadable') => ({
  kind: 'rigshift-job' as const,
  version: 1 as const,
  job:
    resources === 'unreadable'
      ? { version: 1, name: 'no resources at all' }
      : {
          version: 1, name: 'train', image: `rigshift/demo-job@sha256:${'ab'.repeat(32)}`, command: ['hash', '20'], inputs: [],
          outputs: { maxTotalBytes: 1_048_576, maxFiles: 8 },
          resources: { ...resources, cpus: 1, memoryMiB: 256, scratchMiB: 64 },
          maxDurationSeconds: 120, preemptible: false,
        },
  upload: { url: 'http://127.0.0.1:9/up' },
});
const card24 = { gpus: [{ vramMiB: 24_564 }] } as unknown as GpuDetection;

describe('market prices from a real devnet\'s v2 auctions', () => {
  let devnet: TestDevnet;
  let provider: JsonRpcProvider;
  let market: string;
  let fromBlock: number;
  const dir = tempDir('rigshift-prices-devnet-');
  const file = join(dir.path, 'market-prices.sqlite');
  const stores: PricePointStore[] = [];
  const signers: NonceManager[] = [];
  const as = (account: number) => new Contract(market, MARKET_V2_ABI, signers[account]!);
  const tx = async (sent: Promise<unknown>) => {
    const receipt = await ((await sent) as ContractTransactionResponse).wait();
    expect(receipt?.status).toBe(1);
    return receipt!;
  };
  const advance = async (seconds: number) => {
    await provider.send('evm_increaseTime', [seconds]);
    await provider.send('evm_mine', []);
  };
  const post = async (document: PostV2Request['document'], over: Partial<PostV2Request>) => {
    const now = (await provider.getBlock('latest'))!.timestamp;
    const bidWindowSeconds = over.bidWindowSeconds ?? 20;
    const posted = await postV2Job(signers[1]!, market, {
      document, maxPricePerHourMicros: 200_000n, maxDurationSeconds: 180, bidWindowSeconds,
      claimBy: now + bidWindowSeconds + 600, runBy: now + bidWindowSeconds + 600 + 180 + 600, replicas: 1, deterministic: true, preemptible: false, minProviderSettled: 0,
      ...over,
    });
    return posted.jobId;
  };
  /** The book of every v2 log of the market so far, as the agent folds it. */
  const readBook = async (): Promise<{ book: V2Book; chainTime: number }> => {
    const logs = await provider.getLogs({ address: market, fromBlock, toBlock: 'latest' });
    const events = logs
      .map((l) => decodeMarketV2Log({ address: l.address, blockNumber: l.blockNumber, blockHash: l.blockHash, transactionHash: l.transactionHash, index: l.index, topics: [...l.topics], data: l.data, removed: l.removed }))
      .filter((e): e is V2JobEvent => e !== null && 'id' in e);
    const book = createV2Book();
    book.apply(events);
    return { book, chainTime: (await provider.getBlock('latest'))!.timestamp };
  };
  const historyOver = (book: V2Book, chainTime: number): { history: MarketPriceHistory; store: PricePointStore } => {
    const store = openSqlitePriceStore(file, { logger: recordingLogger().logger, now: () => new Date() });
    stores.push(store);
    const history = createMarketPriceHistory({
      store,
      source: { jobs: () => book.all(), chainTime: () => chainTime, chainId: () => 31337 },
      clock: { now: () => new Date() },
      blockTime: async (n) => (await provider.getBlock(n))?.timestamp ?? null,
      detection: () => card24,
      marketKey: () => `31337:${market.toLowerCase()}`,
    });
    return { history, store };
  };

  beforeAll(async () => {
    devnet = await startTestDevnet();
    provider = new JsonRpcProvider(devnet.rpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1, pollingInterval: 200 });
    const deployment = await deployMarket({ rpcUrl: devnet.rpcUrl, tokenAddress: devnet.tokenAddress, privateKey: devnet.privateKeys[0]!, marketVersion: 2, params: { minStakeMicros: 5_000_000n, challengeWindowSeconds: 120, feeBps: 100, reopenClaimWindowSeconds: 300 } });
    market = deployment.market;
    fromBlock = deployment.deploymentBlock;
    for (const key of devnet.privateKeys) signers.push(new NonceManager(new Wallet(key, provider)));
    for (const account of [4, 5, 6]) {
      await tx(new Contract(devnet.tokenAddress, TOKEN_ABI, signers[account]!).getFunction('approve')(market, 20_000_000n));
      await tx(as(account).getFunction('depositStake')(20_000_000n));
    }
  }, 120_000);
  afterAll(async () => {
    for (const s of stores) s.close();
    provider?.destroy();
    await devnet?.stop();
    dir.cleanup();
  });

  it('keeps each award\'s uniform price, block time and class; survives a restart; rewinds', async () => {
    // A 24 GB auction with asks 0.10 / 0.12 / 0.15: the winner is paid 0.12.
    const big = await post(documentFor({ gpus: 1, minVramMiB: 20_000 }), {});
    await tx(as(5).getFunction('bid')(big, 120_000n));
    await tx(as(4).getFunction('bid')(big, 100_000n));
    await tx(as(6).getFunction('bid')(big, 150_000n));
    // A 12 GB job with two replicas, asks 0.09 / 0.11 / 0.13: both winners are paid 0.13.
    const pair = await post(documentFor({ gpus: 1, minVramMiB: 12_000 }), { replicas: 2 });
    await tx(as(4).getFunction('bid')(pair, 90_000n));
    await tx(as(5).getFunction('bid')(pair, 110_000n));
    await tx(as(6).getFunction('bid')(pair, 130_000n));
    // An unreadable document, auctioned all the same.
    const junk = await post(documentFor('unreadable'), {});
    await tx(as(6).getFunction('bid')(junk, 50_000n));
    await advance(21);
    const bigAward = await tx(as(8).getFunction('award')(big));
    const pairAward = await tx(as(8).getFunction('award')(pair));
    await tx(as(8).getFunction('award')(junk));
    // A CPU job at a fixed price of 0.07, claimed at once.
    const fixed = await post(documentFor({ gpus: 0, minVramMiB: 0 }), { bidWindowSeconds: 0, maxPricePerHourMicros: 70_000n });
    const claim = await tx(as(4).getFunction('claim')(fixed));

    const { book, chainTime } = await readBook();
    const first = historyOver(book, chainTime);
    await first.history.update();
    const time = async (block: number) => (await provider.getBlock(block))!.timestamp;
    const points = first.store.list(`31337:${market.toLowerCase()}`, 0);
    expect(points.map((p) => [p.jobId, p.roundNo, p.hardwareClass, p.microsPerHour, p.kind, p.block])).toEqual([
      [big.toString(), 1, 'gpu-24', 120_000n, 'auction', bigAward.blockNumber],
      [pair.toString(), 1, 'gpu-12', 130_000n, 'auction', pairAward.blockNumber],
      [fixed.toString(), 1, 'cpu', 70_000n, 'fixed', claim.blockNumber],
    ]);
    expect(new Set(points.map((p) => p.requester))).toEqual(new Set([devnet.accounts[1]!.toLowerCase()]));
    expect(points.map((p) => p.time)).toEqual([await time(bigAward.blockNumber), await time(pairAward.blockNumber), await time(claim.blockNumber)]);
    const prices = first.history.prices();
    expect(prices).toMatchObject({
      status: 'ok',
      classes: ['gpu-8', 'gpu-12', 'gpu-16', 'gpu-24'],
      unclassified: 1,
      day: { count: 2, requesters: 1, topRequesterAwards: 2, medianMicros: '120000', minMicros: '120000', maxMicros: '130000' },
      week: { count: 2, medianMicros: '120000', minMicros: '120000', maxMicros: '130000' },
    });
    first.store.close();
    stores.pop();

    // A restart reads the whole chain again into the same file: nothing counted twice.
    const again = historyOver((await readBook()).book, chainTime);
    await again.history.update();
    expect(again.store.list(`31337:${market.toLowerCase()}`, 0)).toHaveLength(3);
    expect(again.history.prices().week.count).toBe(2);

    // A rewind below the 12 GB award drops it and the CPU claim, and keeps the 24 GB one.
    again.history.rewindTo(pairAward.blockNumber - 1);
    expect(again.store.list(`31337:${market.toLowerCase()}`, 0).map((p) => p.jobId)).toEqual([big.toString()]);
  }, 120_000);
});
