/**
 * Incoming transfers on a real v2 devnet: `rigshift headless` pointed at a v2 market follows
 * it with the v2 event log (the v1 log is not started), and tUSD sent to its wallet shows up
 * through `listIncomingTransfers`, the call the Wallet page's "Received" table makes. Before
 * the v2 log read the token's Transfer events, a v2 market listed none.
 */
import { join } from 'node:path';
import { Contract, type ContractTransactionResponse, JsonRpcProvider, Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_ABI } from '../../electron/agent/chain/market-abi';
import { TEST_SCRYPT_N_ENV } from '../../electron/agent/wallet/scrypt-params';
import type { IncomingTransfer } from '../../shared/domain/wallet';
import { agentApi, type AgentApi } from '../helpers/agent-api';
import { cliBundle } from '../helpers/cli';
import { startTestDevnet, type TestDevnet } from '../helpers/devnet';
import { type HeadlessProcess, startHeadlessAgent } from '../helpers/headless-process';
import { fileExists, need } from '../helpers/requirements';
import { tempDir } from '../helpers/temp-dir';

const built = need(fileExists(cliBundle, 'npm run build'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!built)('incoming transfers on a v2 market (headless agent, real devnet)', () => {
  let devnet: TestDevnet;
  let rpc: JsonRpcProvider;
  let agent: HeadlessProcess | null = null;
  let api: AgentApi;
  const dir = tempDir('rigshift-v2-incoming-');

  beforeAll(async () => {
    devnet = await startTestDevnet({ marketVersion: 2 });
    rpc = new JsonRpcProvider(devnet.rpcUrl, devnet.chainId, { staticNetwork: true, cacheTimeout: -1, pollingInterval: 200 });
    // A custom network on the devnet's v2 market: the chain hub probes which market it is.
    const network = ['--network', 'custom', '--rpc-url', devnet.rpcUrl, '--chain-id', String(devnet.chainId), '--market-address', devnet.marketAddress, '--deployment-block', String(devnet.deploymentBlock)];
    agent = await startHeadlessAgent(['--data-dir', join(dir.path, 'agent'), ...network], 60_000, {
      env: { ...process.env, [TEST_SCRYPT_N_ENV]: '1024' },
    });
    api = agentApi(agent);
  }, 120_000);

  afterAll(async () => {
    await agent?.stop();
    rpc?.destroy();
    await devnet?.stop();
    dir.cleanup();
  });

  it('tUSD sent to the wallet is listed by listIncomingTransfers, from the v2 event log', async () => {
    // A fresh wallet: every transfer to it is one this test made.
    const mine = Wallet.createRandom();
    await api('importWallet', { source: { kind: 'privateKey', privateKey: mine.privateKey }, password: 'v2 incoming test password' });
    const wait = async <T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean): Promise<T> => {
      const end = Date.now() + 60_000;
      for (;;) {
        const value = await read();
        if (ok(value)) return value;
        if (Date.now() > end) throw new Error(`${what}: ${JSON.stringify(value)}\n${agent!.output().slice(-3000)}`);
        await sleep(250);
      }
    };
    await wait('the agent never ran the v2 market', () => api<{ status: { marketVersion?: number } }>('getMarket', { limit: 1 }), (m) => m.status.marketVersion === 2);

    const sender = new Wallet(devnet.privateKeys[5]!, rpc);
    const token = new Contract(devnet.tokenAddress, TOKEN_ABI, sender);
    const sent = (await token.getFunction('transfer')(mine.address, 1_234_567n)) as ContractTransactionResponse;
    const receipt = await sent.wait();
    expect(receipt?.status).toBe(1);

    const rows = await wait('the transfer never showed', () => api<IncomingTransfer[]>('listIncomingTransfers', {}), (r) => r.some((t) => t.txHash === sent.hash));
    expect(rows.find((t) => t.txHash === sent.hash)).toMatchObject({ from: devnet.accounts[5], amount: '1234567', blockNumber: receipt!.blockNumber });

    // The devnet faucet's funding (TestUSD.mint, callable by anyone): a transfer from the zero address.
    const faucet = new Contract(devnet.tokenAddress, ['function mint(address,uint256)'], new Wallet(devnet.privateKeys[6]!, rpc));
    const minted = (await faucet.getFunction('mint')(mine.address, 50_000_000n)) as ContractTransactionResponse;
    await minted.wait();
    const after = await wait('the mint never showed', () => api<IncomingTransfer[]>('listIncomingTransfers', {}), (r) => r.some((t) => t.txHash === minted.hash));
    // Newest first; exactly the two this test made.
    expect(after.map((t) => [t.from, t.amount])).toEqual([
      ['0x0000000000000000000000000000000000000000', '50000000'],
      [devnet.accounts[5], '1234567'],
    ]);
  }, 120_000);
});
