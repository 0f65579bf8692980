/**
 * The earnings ledger on a v2 market, end to end: the shipped headless agent with its
 * embedded devnet deploying v2 (RIGSHIFT_DEVNET_MARKET_VERSION=2), a busybox job in real
 * Docker. The requester posts an auction, the agent wins, runs, commits; the requester
 * accepts. The Earnings API (listLedgerJobs, getEarnings: what the Earnings page calls) then
 * shows the job paid what the contract credited (SlotPaid: gross − fee, the same amount the
 * agent's withdrawal brought into its wallet), the gas of the txs the agent sent (their
 * receipts), the electricity of the run, and net = gross − fee − electricity − gas.
 */
import { Contract, NonceManager, Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_ABI } from '../../electron/agent/chain/market-abi';
import { devnetAccounts } from '../../electron/agent/devnet/devnet-accounts';
import { acceptV2Job, showV2Job } from '../../electron/agent/requester/market-v2-requester';
import { type EarningsReport, gasWeiToMicros, type LedgerJob } from '../../shared/domain/earnings';
import { cliBundle } from '../helpers/cli';
import { busyboxAvailable } from '../helpers/job-images';
import { dockerEngine, fileExists, need } from '../helpers/requirements';
import { startV2Agent, type V2AgentRun, waitOnAgent } from '../helpers/v2-agent-run';

const ready = need(fileExists(cliBundle, 'npm run build')) && need(dockerEngine()) && need(busyboxAvailable());
const FLOOR = 100_000n;
/** 2,000 USD per gas coin: gas becomes part of net. */
const GAS_COIN_MICROS = 2_000_000_000n;

describe.skipIf(!ready)('the earnings ledger of an agent on a v2 market (devnet v2, Docker)', () => {
  let run: V2AgentRun;

  beforeAll(async () => {
    run = await startV2Agent(FLOOR);
  }, 300_000);

  afterAll(async () => {
    await run?.stop();
  });

  const waitFor = <T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs?: number) =>
    waitOnAgent(run, what, probe, { timeoutMs, state: { label: 'ledger', read: () => run.api('listLedgerJobs', { limit: 10 }) } });

  it('a paid v2 job shows in the earnings: what the contract credited, our gas, the electricity, net', async () => {
    const { rpc, market, token, me } = run;
    const requester = new NonceManager(new Wallet(devnetAccounts()[1]!.privateKey, rpc));
    const upload = run.uploads.newUploadUrl();
    const tokenContract = new Contract(token, TOKEN_ABI, rpc);
    const id = await run.postAuction(requester, upload.url, { maxPrice: 500_000n });
    const show = () => showV2Job(rpc, { rpcUrl: '', chainId: 31337, marketAddress: market, fromBlock: 0 }, id);
    await waitFor('the commit', async () => (await show()).book.slots.find((s) => s.provider === me && s.state === 'committed'));
    await waitFor('the upload', async () => run.received.find((u) => u.token === upload.token));
    // Read after the agent's stake deposit, before anything is paid.
    const balanceBefore = (await tokenContract.getFunction('balanceOf')(me)) as bigint;
    await acceptV2Job(requester, market, id);
    const paid = await waitFor('the payment', async () => (await show()).book.slots.find((s) => s.provider === me && s.state === 'paid'));

    // The ledger's row: paid, with the run's electricity (the marketJob note of the run window).
    const row = await waitFor('the ledger row, paid, with its electricity', async () => {
      const { jobs } = await run.api<{ jobs: LedgerJob[] }>('listLedgerJobs', { limit: 50 });
      const found = jobs.find((j) => j.chainJobId === id.toString());
      return found && found.state === 'settled' && found.electricityMicros !== null && found;
    });
    expect(row).toMatchObject({ attempt: paid.slot, grossMicros: paid.gross!.toString(), feeMicros: paid.fee!.toString(), settledBy: 'requester', askMicrosPerHour: '500000' });
    expect(row.billedSeconds).toBe(paid.billedSeconds);
    // What the contract credited came into the wallet with the agent's withdrawal: gross − fee.
    await waitFor('the withdrawal', async () => ((await tokenContract.getFunction('balanceOf')(me)) as bigint) > balanceBefore);
    expect(((await tokenContract.getFunction('balanceOf')(me)) as bigint) - balanceBefore).toBe(BigInt(row.grossMicros) - BigInt(row.feeMicros));

    // Gas: the receipts of the txs we sent for it (bid, award, commit); the requester's accept is not ours.
    const ours = row.txs.filter((tx) => tx.byUs);
    expect(ours.map((tx) => tx.kind)).toEqual(expect.arrayContaining(['bid', 'commit']));
    expect(row.txs.find((tx) => tx.kind === 'accept')?.byUs).toBe(false);
    let gas = 0n;
    for (const tx of ours) {
      const receipt = (await rpc.getTransactionReceipt(tx.hash))!;
      expect(receipt.from).toBe(me);
      gas += receipt.gasUsed * receipt.gasPrice;
    }
    expect(gas).toBeGreaterThan(0n);
    expect(row.gasWei).toBe(gas.toString());

    // Net, once the gas coin has a price: gross − fee − electricity − gas (per row and in the totals).
    await run.api('setGasCoinPrice', { microsPerCoin: GAS_COIN_MICROS.toString() });
    const { jobs } = await run.api<{ jobs: LedgerJob[] }>('listLedgerJobs', { limit: 50 });
    const priced = jobs.find((j) => j.chainJobId === id.toString())!;
    const gasMicros = gasWeiToMicros(gas, GAS_COIN_MICROS);
    expect(gasMicros).toBeGreaterThan(0n);
    expect(BigInt(priced.netMicros)).toBe(BigInt(priced.grossMicros) - BigInt(priced.feeMicros) - BigInt(priced.electricityMicros!) - gasMicros);
    const report = await run.api<EarningsReport>('getEarnings', { range: 'day' });
    const t = report.totals;
    expect(t.jobs).toBe(1);
    expect(t.grossMicros).toBe(row.grossMicros);
    expect(BigInt(t.gasWei)).toBeGreaterThan(gas); // the withdrawal's gas too
    expect(BigInt(t.netMicros)).toBe(BigInt(t.grossMicros) - BigInt(t.feeMicros) - BigInt(t.electricityMicros) - BigInt(t.stakeLostMicros) - BigInt(t.gasMicros!));
    expect(report.chain?.marketAddress.toLowerCase()).toBe(market.toLowerCase());
    process.stdout.write(`market v2 ledger: gross ${row.grossMicros} fee ${row.feeMicros} electricity ${priced.electricityMicros} (${priced.energyWh} Wh) gas ${gas} wei = ${gasMicros} micros net ${priced.netMicros} micros\n`);
  }, 400_000);
});
