/**
 * The v2 requester tools against a real Hardhat devnet (the node process the app uses): `rigshift
 * market deploy --market-version 2` puts v2 beside the devnet's v1 market, then a test harness
 * plays the providers with the contract directly (stake, bid, award, commit, reveal) while the
 * requester uses only the CLI: an auction with asks 0.10 / 0.12 / 0.15 is won by 0.10 at 0.12;
 * `show` tells the auction and the slots, `redeliver` is on chain, `dispute` of an honest result
 * loses the requester its bond to the verifier and provider; `accept` pays a fixed-price listing;
 * `reputation` reads the records; refusals are said in words.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AbiCoder, Contract, type ContractTransactionResponse, JsonRpcProvider, keccak256, NonceManager, Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_ABI } from '../../electron/agent/chain/market-abi';
import { MARKET_V2_ABI } from '../../electron/agent/chain/market-v2-abi';
import { readMarketDeployment } from '../../electron/agent/deploy/market-deployment-file';
import { cliBundle, runCli } from '../helpers/cli';
import { startTestDevnet, type TestDevnet } from '../helpers/devnet';
import { fileExists, need } from '../helpers/requirements';
import { tempDir } from '../helpers/temp-dir';

const built = need(fileExists(cliBundle, 'npm run build'));
const SPEC = {
  version: 1, name: 'hash for 20 s', image: `rigshift/demo-job@sha256:${'ab'.repeat(32)}`, command: ['hash', '20'], inputs: [],
  outputs: { maxTotalBytes: 1_048_576, maxFiles: 8 },
  resources: { gpus: 0, minVramMiB: 0, cpus: 1, memoryMiB: 256, scratchMiB: 64 },
  maxDurationSeconds: 120, preemptible: false,
};
const DIGEST = `0x${'5a'.repeat(32)}`;
const commitmentOf = (digest: string, salt: string, provider: string) => keccak256(AbiCoder.defaultAbiCoder().encode(['bytes32', 'bytes32', 'address'], [digest, salt, provider]));
const saltOf = (provider: string) => keccak256(AbiCoder.defaultAbiCoder().encode(['address'], [provider]));

describe.skipIf(!built)('rigshift market v2 requester tools on a real devnet', () => {
  let devnet: TestDevnet;
  let provider: JsonRpcProvider;
  const dir = tempDir('rigshift-v2-cli-');
  let deploymentFile: string;
  let specFile: string;
  let marketAddress: string;
  const wallets: NonceManager[] = [];
  const market = (account: number) => new Contract(marketAddress, MARKET_V2_ABI, wallets[account]!);
  const tx = async (sent: Promise<unknown>) => {
    const receipt = await ((await sent) as ContractTransactionResponse).wait();
    expect(receipt?.status).toBe(1);
  };
  const cli = async (args: string[]) => runCli(['market', ...args, '--deployment', deploymentFile], { timeoutMs: 60_000 });
  const json = async (args: string[]) => {
    const run = await cli([...args, '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    return JSON.parse(run.stdout) as Record<string, unknown>;
  };
  const advance = async (seconds: number) => {
    await provider.send('evm_increaseTime', [seconds]);
    await provider.send('evm_mine', []);
  };

  beforeAll(async () => {
    devnet = await startTestDevnet();
    provider = new JsonRpcProvider(devnet.rpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1 });
    for (const key of devnet.privateKeys) wallets.push(new NonceManager(new Wallet(key, provider)));
    specFile = join(dir.path, 'job.json');
    writeFileSync(specFile, JSON.stringify(SPEC));
    const keyFile = join(dir.path, 'deployer.key');
    writeFileSync(keyFile, `${devnet.privateKeys[0]}\n`, { mode: 0o600 });
    deploymentFile = join(dir.path, 'v2.json');
    const deployed = await runCli(['market', 'deploy', '--market-version', '2', '--rpc-url', devnet.rpcUrl, '--token', devnet.tokenAddress, '--private-key-file', keyFile, '--out', deploymentFile, '--challenge-seconds', '120', '--json']);
    expect(deployed.code, deployed.stderr).toBe(0);
    marketAddress = readMarketDeployment(deploymentFile).market;
    // Providers #4, #5, #6 and #7 each stake 20 USD (enough for four 5 USD bonds).
    for (const account of [4, 5, 6, 7]) {
      await tx(new Contract(devnet.tokenAddress, TOKEN_ABI, wallets[account]!).getFunction('approve')(marketAddress, 20_000_000n));
      await tx(market(account).getFunction('depositStake')(20_000_000n));
    }
  }, 180_000);
  afterAll(async () => {
    provider?.destroy();
    await devnet?.stop();
    dir.cleanup();
  });

  it('writes a deployment file that says v2, and refuses v2 commands on the v1 devnet market', async () => {
    expect(readMarketDeployment(deploymentFile).marketVersion).toBe(2);
    const v1 = await runCli(['market', 'show', '1', '--data-dir', devnet.dataDir]);
    expect(v1.code).toBe(1);
    expect(v1.stderr).toMatch(/^rigshift: The market at 0x[0-9a-fA-F]{40} is not a v2 market; market show needs one\./);
    for (const command of ['post', 'show', 'accept', 'dispute', 'redeliver', 'reputation']) {
      const help = await runCli(['market', command, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`rigshift market ${command}`);
      if (command === 'post') expect(help.stdout).toMatch(/--bid-window <s>[\s\S]*--replicas <n>[\s\S]*--deterministic[\s\S]*--min-provider-record <n>/);
    }
    const bad = await runCli(['market', 'reputation', 'nobody']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('rigshift: an address is 0x followed by 40 hex digits, not "nobody"\n');
  });

  it('an auction with asks 0.10, 0.12, 0.15 is won by 0.10 at 0.12; show, redeliver, and a dispute of the honest result', async () => {
    const posted = await json(['post', specFile, '--max-price', '0.2', '--max-hours', '0.05', '--bid-window', '30', '--deterministic', '--upload-url', 'http://127.0.0.1:9/up', '--account', '1']);
    const id = BigInt(posted.jobId as string);
    // One run = ceil(0.2 × 180 / 3600) = 0.01 USD; one replica plus one spare run.
    expect(posted.escrowMicros).toBe('20000');
    const [A, B, V] = [4, 5, 7].map((n) => devnet.accounts[n]!) as [string, string, string];
    await tx(market(5).getFunction('bid')(id, 120_000n));
    await tx(market(4).getFunction('bid')(id, 100_000n));
    await tx(market(6).getFunction('bid')(id, 150_000n));
    const open = await cli(['show', id.toString()]);
    expect(open.stdout).toMatch(/auction \(main round 1\): 0\.10 USD by 0x[0-9a-fA-F]+, 0\.12 USD by .*, 0\.15 USD by .*; bidding until/);
    const early = await cli(['accept', id.toString(), '--account', '1']);
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/^rigshift: The market refused accepting job \d+: Job \d+ has no result waiting \(it is open\)\./);

    await advance(31);
    await tx(market(8).getFunction('award')(id));
    const awarded = await json(['show', id.toString()]);
    const book = awarded.book as { auctions: Array<{ pricePerHour: string; winners: string[]; bids: unknown[] }>; slots: Array<Record<string, unknown>>; state: string };
    expect(book.auctions[0]).toMatchObject({ pricePerHour: '120000', winners: [A] });
    expect(book.auctions[0]!.bids).toHaveLength(3);
    expect((awarded.chain as { state: string; price: string }).state).toBe('running');
    expect((awarded.chain as { price: string }).price).toBe('120000');
    expect(book.slots).toEqual([expect.objectContaining({ slot: 0, provider: A, pricePerHour: '120000', state: 'running' })]);

    await advance(200);
    await tx(market(4).getFunction('commit')(id, 0, commitmentOf(DIGEST, saltOf(A), A), 180));
    const redeliver = await json(['redeliver', id.toString(), '--upload-url', 'http://127.0.0.1:9/again', '--account', '1']);
    expect(redeliver.uploadUrl).toBe('http://127.0.0.1:9/again');
    const notMine = await cli(['redeliver', id.toString(), '--upload-url', 'http://127.0.0.1:9/x', '--account', '2']);
    expect(notMine.stderr).toMatch(/Only job \d+'s requester can do that/);

    const disputed = await json(['dispute', id.toString(), '--account', '1']);
    expect(disputed.bondMicros).toBe('10000');
    // The verifier round: the disputed provider may not verify itself; #7 bids and wins.
    await expect(market(4).getFunction('bid')(id, 100_000n)).rejects.toThrow();
    wallets[4]!.reset(); // NonceManager counts the refused send
    await tx(market(7).getFunction('bid')(id, 110_000n));
    await advance(31);
    await tx(market(8).getFunction('award')(id));
    await advance(200);
    await tx(market(7).getFunction('commit')(id, 1, commitmentOf(DIGEST, saltOf(V), V), 180));
    await tx(market(4).getFunction('reveal')(id, 0, DIGEST, saltOf(A)));
    await tx(market(7).getFunction('reveal')(id, 1, DIGEST, saltOf(V)));

    const text = await cli(['show', id.toString()]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('auction (main round 1): 0.10 USD by ' + devnet.accounts[4] + ' (won), 0.12 USD by ' + devnet.accounts[5] + ', 0.15 USD by ' + devnet.accounts[6] + '; awarded at 0.12 USD/h to every winner');
    // The verifier's round had one bid: nobody lost, so it is paid the max price.
    expect(text.stdout).toContain('auction (verify round 2): 0.11 USD by ' + V + ' (won); awarded at 0.20 USD/h to every winner');
    expect(text.stdout).toContain('redelivery requested to http://127.0.0.1:9/again');
    expect(text.stdout).toContain('dispute: bond 0.01 USD; the result was upheld (the requester lost its bond)');
    expect(text.stdout).toMatch(/slot 0 \(main\): 0x[0-9a-fA-F]+ at 0\.12 USD\/h: paid for 180 s, digest 0x(5a){32}, paid 0\.006 USD \(fee 0\.00006 USD\)/);
    const done = await json(['show', id.toString()]);
    expect((done.chain as { state: string }).state).toBe('settled');

    const requester = await json(['reputation', devnet.accounts[1]!]);
    expect(requester.requester).toEqual({ posted: 1, accepted: 0, disputesWon: 0, disputesLost: 1, refunds: 0 });
    const winner = await json(['reputation', A]);
    expect(winner.provider).toMatchObject({ settled: 1, disputesWon: 1, disputesLost: 0, slashes: 0, billedSeconds: 180 });
    expect(winner.score).toBe(1);
    const loser = await json(['reputation', B]);
    expect(loser.provider).toMatchObject({ settled: 0 });
    expect(loser.freeStakeMicros).toBe('20000000');
  }, 180_000);

  it('a fixed-price listing: claimed at the max price, accepted through the CLI, and counted in the records', async () => {
    const posted = await json(['post', specFile, '--max-price', '0.3', '--max-hours', '0.05', '--min-provider-record', '1', '--upload-url', 'http://127.0.0.1:9/up', '--account', '2']);
    const id = BigInt(posted.jobId as string);
    // #6 has no settled run yet: refused by the job's minimum record; #4 has one.
    await expect(market(6).getFunction('claim')(id)).rejects.toThrow();
    wallets[6]!.reset();
    await tx(market(4).getFunction('claim')(id));
    await advance(100);
    await tx(market(4).getFunction('commit')(id, 0, commitmentOf(DIGEST, saltOf(devnet.accounts[4]!), devnet.accounts[4]!), 90));
    const disputeNonDeterministic = await cli(['dispute', id.toString(), '--account', '2']);
    expect(disputeNonDeterministic.code).toBe(1);
    expect(disputeNonDeterministic.stderr).toMatch(/cannot be disputed: only a single-replica deterministic job/);
    const accepted = await json(['accept', id.toString(), '--account', '2']);
    expect(accepted.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    const shown = await json(['show', id.toString()]);
    expect(shown.book).toMatchObject({ state: 'settled', settledByRequester: true, auctions: [] });
    const requester = await json(['reputation', devnet.accounts[2]!]);
    expect(requester.requester).toMatchObject({ posted: 1, accepted: 1 });
  }, 120_000);
});
