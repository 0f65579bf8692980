/**
 * Three v2 provider loops (market-v2/v2-provider-loop.ts) on one real Hardhat devnet, each
 * reading the chain through the agent's chain port and signing its own calls, with floors of
 * 0.10, 0.12 and 0.15 USD/h; the requester side is the CLI's module (requester/market-v2-
 * requester.ts). The runs are stand-ins returning a digest (no containers here): this checks
 * the market path, not the runner. The 0.10 provider wins and is paid 0.12 per hour; the
 * others' bonds come back; a redelivery request is acted on; nobody reveals a single replica.
 */
import { Contract, type ContractTransactionResponse, JsonRpcProvider, NonceManager, Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEthersChainPort } from '../../electron/agent/chain/ethers-chain-port';
import { TOKEN_ABI } from '../../electron/agent/chain/market-abi';
import { MARKET_V2_ABI } from '../../electron/agent/chain/market-v2-abi';
import { deployMarket } from '../../electron/agent/deploy/deploy-market';
import { createV2ProviderLoop, type V2ProviderLoop } from '../../electron/agent/market-v2/v2-provider-loop';
import { acceptV2Job, postV2Job, redeliverV2Job } from '../../electron/agent/requester/market-v2-requester';
import { startTestDevnet, type TestDevnet } from '../helpers/devnet';

const DOCUMENT = {
  kind: 'rigshift-job' as const, version: 1 as const,
  job: {
    version: 1, name: 'hash for 20 s', image: `rigshift/demo-job@sha256:${'ab'.repeat(32)}`, command: ['hash', '20'], inputs: [],
    outputs: { maxTotalBytes: 1_048_576, maxFiles: 8 },
    resources: { gpus: 0, minVramMiB: 0, cpus: 1, memoryMiB: 256, scratchMiB: 64 },
    maxDurationSeconds: 120, preemptible: false,
  },
  upload: { url: 'http://127.0.0.1:9/up' },
};
const DIGEST = `0x${'5a'.repeat(32)}`;

describe('three v2 provider loops on one devnet', () => {
  let devnet: TestDevnet;
  let provider: JsonRpcProvider;
  let market: string;
  const loops: V2ProviderLoop[] = [];
  const lines: string[][] = [[], [], []];
  const delivered: string[][] = [[], [], []];
  const gasUsed: string[][] = [[], [], []];
  const signers: NonceManager[] = [];
  const advance = async (seconds: number) => {
    await provider.send('evm_increaseTime', [seconds]);
    await provider.send('evm_mine', []);
  };
  const tickAll = () => Promise.all(loops.map((l) => l.tick()));

  beforeAll(async () => {
    devnet = await startTestDevnet();
    provider = new JsonRpcProvider(devnet.rpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1, pollingInterval: 200 });
    const deployment = await deployMarket({ rpcUrl: devnet.rpcUrl, tokenAddress: devnet.tokenAddress, privateKey: devnet.privateKeys[0]!, marketVersion: 2, params: { minStakeMicros: 5_000_000n, challengeWindowSeconds: 120, feeBps: 100, reopenClaimWindowSeconds: 300 } });
    market = deployment.market;
    const floors = [100_000n, 120_000n, 150_000n];
    for (const [i, account] of [4, 5, 6].entries()) {
      const signer = new NonceManager(new Wallet(devnet.privateKeys[account]!, provider));
      signers.push(signer);
      const token = new Contract(devnet.tokenAddress, TOKEN_ABI, signer);
      const contract = new Contract(market, MARKET_V2_ABI, signer);
      await ((await token.getFunction('approve')(market, 10_000_000n)) as ContractTransactionResponse).wait();
      await ((await contract.getFunction('depositStake')(10_000_000n)) as ContractTransactionResponse).wait();
      loops.push(createV2ProviderLoop({
        port: createEthersChainPort(provider, { headPollMs: 200 }),
        market,
        fromBlock: deployment.deploymentBlock,
        me: devnet.accounts[account]!,
        floorPerHour: () => floors[i]!,
        challengeWindow: 120,
        minStake: 5_000_000n,
        freeStake: () => contract.getFunction('freeStake')(devnet.accounts[account]!) as Promise<bigint>,
        send: async (call) => {
          try {
            // Padded: bids estimated together race for the book's words (a later bid writes a fresh one).
            const gas = await contract.getFunction(call.method).estimateGas(...call.args);
            const receipt = await ((await contract.getFunction(call.method)(...call.args, { gasLimit: (gas * 3n) / 2n })) as ContractTransactionResponse).wait();
            if (receipt?.status !== 1) throw new Error(`${call.method} reverted`);
            gasUsed[i]!.push(`${call.method} ${receipt.gasUsed}`);
          } catch (error) {
            signer.reset();
            throw error;
          }
        },
        run: async () => ({ outputsDigest: DIGEST, seconds: 60 }),
        deliver: async (_job, url) => {
          delivered[i]!.push(url);
        },
        report: (line) => lines[i]!.push(line),
      }));
    }
  }, 120_000);
  afterAll(async () => {
    provider?.destroy();
    await devnet?.stop();
  });

  it('the 0.10 provider wins an auction with asks 0.10/0.12/0.15 and is paid 0.12 per hour; commits once, never reveals, redelivers', async () => {
    const requester = new NonceManager(new Wallet(devnet.privateKeys[1]!, provider));
    const now = (await provider.getBlock('latest'))!.timestamp;
    const posted = await postV2Job(requester, market, {
      document: DOCUMENT, maxPricePerHourMicros: 200_000n, maxDurationSeconds: 180, bidWindowSeconds: 20,
      claimBy: now + 20 + 600, runBy: now + 20 + 600 + 180 + 600, replicas: 1, deterministic: true, preemptible: false, minProviderSettled: 0,
    });
    const id = posted.jobId.toString();
    const first = await tickAll();
    expect(first.map((a) => a.map((x) => x.kind))).toEqual([['bid'], ['bid'], ['bid']]);
    expect(first.map((a) => (a[0]?.kind === 'bid' ? a[0].ask : null))).toEqual([100_000n, 120_000n, 150_000n]);
    // Nothing more to do while the window is open.
    expect((await tickAll()).flat()).toEqual([]);

    await advance(21);
    await tickAll();
    const contract = new Contract(market, MARKET_V2_ABI, provider);
    const job = await contract.getFunction('getJob')(posted.jobId);
    expect(job.price).toBe(120_000n);
    expect(Number(job.state)).toBe(2);
    // Each loop sees the award and only the winner runs.
    await tickAll();
    expect([...loops.map((l) => l.runs.has(id))]).toEqual([true, false, false]);
    expect(loops[0]!.book.get(id)!.auctions[0]).toMatchObject({ pricePerHour: 120_000n, winners: [devnet.accounts[4]] });
    for (const [i, account] of [5, 6].entries()) {
      expect(await contract.getFunction('freeStake')(devnet.accounts[account]!)).toBe(10_000_000n);
      expect(loops[i + 1]!.runs.size).toBe(0);
    }

    await advance(70);
    const commit = await tickAll();
    expect(commit[0]!.map((a) => a.kind)).toEqual(['commit']);
    await tickAll();
    expect(Number((await contract.getFunction('getJob')(posted.jobId)).state)).toBe(3);
    // A single replica's result waits out its window unrevealed: later ticks send nothing.
    await advance(30);
    expect((await tickAll()).flat()).toEqual([]);

    await redeliverV2Job(requester, market, posted.jobId, 'http://127.0.0.1:9/again');
    await tickAll();
    expect(delivered).toEqual([['http://127.0.0.1:9/again'], [], []]);
    expect((await tickAll()).flat()).toEqual([]);

    await acceptV2Job(requester, market, posted.jobId);
    await tickAll();
    const slot = loops[0]!.book.get(id)!.slots[0]!;
    // 0.12 USD/h for the 60 s billed = 2,000 micro-USD gross, 1 % fee.
    expect(slot).toMatchObject({ state: 'paid', billedSeconds: 60, gross: 2_000n, fee: 20n, pricePerHour: 120_000n });
    expect(await contract.getFunction('credit')(devnet.accounts[4]!)).toBe(1_980n);
    expect(lines[0]!.some((l) => /award (sent|refused)/.test(l))).toBe(true);
    expect(lines[0]).toContain(`job ${id}: commit sent`);
    expect(lines[0]!.some((l) => l.includes('reveal'))).toBe(false);
    // Figures, not assertions: what each provider's own calls cost (gas used).
    console.log(`v2 provider loops, gas used per call: winner ${gasUsed[0]!.join(', ')}; losers ${gasUsed[1]!.join(', ')} / ${gasUsed[2]!.join(', ')}`);
  }, 120_000);
});
