/**
 * The ledger against a real Hardhat devnet with the real RigShiftMarket: a requester and a
 * provider (devnet accounts driven with ethers) post, claim, submit, accept, finalize, release
 * and withdraw; the ledger, watching the provider's address through the real ChainHub,
 * reconciles and must match the chain to the unit: amounts from the events, gas from our
 * own receipts. Then its database is deleted, corrupted and tampered with, and every time the
 * chain puts it back.
 */
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Contract, JsonRpcProvider, type TransactionReceipt, Wallet, ZeroHash } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainHub } from '../../electron/agent/chain/chain-hub';
import { createChainHub } from '../../electron/agent/chain/create-chain-hub';
import { MARKET_ABI, TOKEN_ABI } from '../../electron/agent/chain/market-abi';
import { v1LedgerSource } from '../../electron/agent/ledger/ledger-source';
import { createLedgerFeature, type LedgerFeature } from '../../electron/agent/ledger/ledger-feature';
import { LEDGER_FILE } from '../../electron/agent/ledger/ledger-service';
import { createMarketEventLog } from '../../electron/agent/market/market-event-log';
import type { ProviderJob } from '../../shared/domain/market';
import type { EarningsReport, LedgerJob } from '../../shared/domain/earnings';
import { startTestDevnet, type TestDevnet } from '../helpers/devnet';
import { recordingLogger } from '../helpers/silent-logger';
import { tempDir } from '../helpers/temp-dir';

/** The ledger's clock follows the chain's (the test moves block time ahead with evm_increaseTime). */
let chainAheadMs = 0;
const clock = { now: () => new Date(Date.now() + chainAheadMs) };
const call = async <T,>(feature: LedgerFeature, name: keyof LedgerFeature['handlers'], request: unknown): Promise<T> =>
  (await (feature.handlers[name] as (r: unknown) => Promise<unknown>)(request)) as T;
/** What the chain decides about a row (annotations such as energy are this PC's, not the chain's). */
const chainFacts = (jobs: LedgerJob[]) =>
  jobs.map(({ energyWh: _e, electricityMicros: _el, netMicros: _n, deviceId: _d, runStartedAt: _rs, runEndedAt: _re, ...rest }) => rest);

describe('ledger reconciliation against a real devnet', () => {
  let devnet: TestDevnet;
  let rpc: JsonRpcProvider;
  let hub: ChainHub;
  const dir = tempDir('rigshift-ledger-it-');
  const logs = recordingLogger();
  let provider: Wallet;
  let requester: Wallet;
  /** gasUsed × effectiveGasPrice of the provider's own transactions, by job id. */
  const ourGas = new Map<string, bigint>();
  let withdrawGas = 0n;
  let withdrawn = 0n;
  let ledger: LedgerFeature;
  let first: LedgerJob[];

  const gasOf = (r: TransactionReceipt | null) => r!.gasUsed * r!.gasPrice;
  const mine = async (seconds: number) => {
    await rpc.send('evm_increaseTime', [seconds]);
    await rpc.send('evm_mine', []);
  };
  /** The ledger is a fold of the market event log: each ledger gets one on its hub. */
  const ledgerOn = (chain: ChainHub) =>
    createLedgerFeature({
      dataDir: dir.path,
      chain,
      events: v1LedgerSource(createMarketEventLog({ chain, dataDir: dir.path, logger: logs.logger, clock, account: () => provider.address })),
      walletAddress: () => provider.address,
      logger: logs.logger,
      clock,
    });
  const newLedger = () => ledgerOn(hub);

  beforeAll(async () => {
    devnet = await startTestDevnet({ intervalMs: 0 });
    rpc = new JsonRpcProvider(devnet.rpcUrl, undefined, { cacheTimeout: -1, pollingInterval: 50 });
    requester = new Wallet(devnet.privateKeys[1]!, rpc);
    provider = new Wallet(devnet.privateKeys[2]!, rpc);
    const asRequester = new Contract(devnet.marketAddress, MARKET_ABI, requester);
    const asProvider = new Contract(devnet.marketAddress, MARKET_ABI, provider);
    const tokenOf = (w: Wallet) => new Contract(devnet.tokenAddress, TOKEN_ABI, w);
    const addGas = (id: string, r: TransactionReceipt | null) => ourGas.set(id, (ourGas.get(id) ?? 0n) + gasOf(r));

    await (await tokenOf(requester).getFunction('approve')(devnet.marketAddress, 10n ** 12n)).wait();
    await (await tokenOf(provider).getFunction('approve')(devnet.marketAddress, 10n ** 12n)).wait();
    await (await asProvider.getFunction('depositStake')(20_000_000n)).wait();

    const post = async (preemptible: boolean) => {
      const now = (await rpc.getBlock('latest'))!.timestamp;
      const claimBy = now + 3600;
      const receipt = await (await asRequester.getFunction('post')('{"kind":"test"}', 3_600_000n, 3600, claimBy, claimBy + 7200, preemptible)).wait();
      return String(asRequester.interface.parseLog(receipt!.logs[receipt!.logs.length - 1]!)!.args.id);
    };
    // Job 1: claimed at 1.80 USD/h, 1,800 s billed, accepted by the requester (their gas, not ours).
    const j1 = await post(false);
    addGas(j1, await (await asProvider.getFunction('claim')(j1, 1_800_000n)).wait());
    await mine(1800);
    addGas(j1, await (await asProvider.getFunction('submit')(j1, ZeroHash.replace(/0$/, '1'), 1800, 'http://results/1')).wait());
    await (await asRequester.getFunction('accept')(j1)).wait();
    // Job 2: 600 s billed, finalized by us after the challenge window (our gas).
    const j2 = await post(false);
    addGas(j2, await (await asProvider.getFunction('claim')(j2, 2_000_000n)).wait());
    await mine(700);
    addGas(j2, await (await asProvider.getFunction('submit')(j2, ZeroHash.replace(/0$/, '2'), 600, 'http://results/2')).wait());
    await mine(130);
    addGas(j2, await (await asProvider.getFunction('finalize')(j2)).wait());
    // Job 3: preemptible, released after 300 s served.
    const j3 = await post(true);
    addGas(j3, await (await asProvider.getFunction('claim')(j3, 3_000_000n)).wait());
    await mine(400);
    addGas(j3, await (await asProvider.getFunction('release')(j3, 300)).wait());
    // Job 4: claimed, still running (pending: no money yet).
    const j4 = await post(false);
    addGas(j4, await (await asProvider.getFunction('claim')(j4, 1_000_000n)).wait());
    // Withdraw the credit.
    const credit = (await asProvider.getFunction('credit')(provider.address)) as bigint;
    const w = await (await asProvider.getFunction('withdraw')()).wait();
    withdrawGas = gasOf(w);
    chainAheadMs = Math.max(0, (await rpc.getBlock('latest'))!.timestamp * 1000 - Date.now());
    withdrawn = credit;

    hub = createChainHub({
      settings: () => ({ kind: 'custom', rpcUrl: devnet.rpcUrl, chainId: devnet.chainId, marketAddress: devnet.marketAddress }),
      dataDir: dir.path,
      logger: logs.logger,
      clock,
      devnet: 'off',
    });
    await hub.start();
    await hub.whenOnline();
  }, 120_000);

  afterAll(async () => {
    await ledger?.stop?.();
    await hub?.stop();
    await devnet?.stop();
    dir.cleanup();
  });

  it('builds one row per claim with the chain’s amounts and exactly our gas', async () => {
    ledger = newLedger();
    const result = await ledger.reconcileNow();
    expect(result?.jobs).toBe(4);
    const { jobs, total } = await call<{ jobs: LedgerJob[]; total: number }>(ledger, 'listLedgerJobs', { limit: 100 });
    expect(total).toBe(4);
    const byId = new Map(jobs.map((j) => [j.chainJobId, j]));
    const [j1, j2, j3, j4] = ['1', '2', '3', '4'].map((id) => byId.get(id)!);
    // gross = ask × billed / 3600 (rounded down), fee = 1 %.
    expect(j1).toMatchObject({ state: 'settled', settledBy: 'requester', billedSeconds: 1800, grossMicros: '900000', feeMicros: '9000', requester: requester.address });
    expect(j2).toMatchObject({ state: 'settled', settledBy: 'timeout', billedSeconds: 600, grossMicros: '333333', feeMicros: '3333' });
    expect(j3).toMatchObject({ state: 'released', billedSeconds: 300, grossMicros: '250000', feeMicros: '2500', requester: requester.address });
    expect(j4).toMatchObject({ state: 'claimed', grossMicros: '0', closedAt: null, requester: requester.address });
    for (const job of jobs) expect(BigInt(job.gasWei)).toBe(ourGas.get(job.chainJobId));
    expect(j1!.txs.map((t) => [t.kind, t.byUs])).toEqual([['claim', true], ['submit', true], ['accept', false]]);
    expect(j2!.txs.map((t) => t.kind)).toEqual(['claim', 'submit', 'finalize']);
    // What we withdrew is exactly what the ledger says we were paid.
    const paid = jobs.reduce((sum, j) => sum + BigInt(j.grossMicros) - BigInt(j.feeMicros), 0n);
    expect(paid).toBe(withdrawn);
    first = jobs;

    const report = await call<EarningsReport>(ledger, 'getEarnings', { range: 'week' });
    expect(report.totals).toMatchObject({ grossMicros: '1483333', feeMicros: '14833', jobs: 3, gasMicros: null });
    expect(BigInt(report.totals.gasWei)).toBe(ourGas.get('1')! + ourGas.get('2')! + ourGas.get('3')! + withdrawGas);
    expect(report.totals.netMicros).toBe((1_483_333n - 14_833n).toString());
    expect(report.pendingJobs).toBe(0); // job 4 still runs: only submitted jobs wait for payment (issue 13)
    expect(report.chain).toMatchObject({ chainId: 31337, isDevnet: false, explorerTxUrl: null });
  });

  it('annotates a row with the run on this PC (energy, electricity) and keeps it through a full rebuild', async () => {
    const note: ProviderJob = {
      chainJobId: '1', chainId: devnet.chainId, marketAddress: devnet.marketAddress, state: 'settled', requester: requester.address,
      askMicrosPerHour: '1800000', maxDurationSeconds: 3600, preemptible: false, attempt: 1, billedSeconds: 1800, deviceId: 'cpu',
      localJobId: 'local-1', claimedAt: null, runStartedAt: '2026-01-01T00:00:00.000Z', runEndedAt: '2026-01-01T00:30:00.000Z',
      submittedAt: null, closedAt: null, grossMicros: null, feeMicros: null, resultUri: null, outputsDigest: null, message: '', problem: null,
      txs: [], updatedAt: '2026-01-01T00:30:00.000Z',
    };
    expect(ledger.service.note(note)).toBe(true);
    await ledger.reconcileNow({ full: true });
    const { jobs } = await call<{ jobs: LedgerJob[] }>(ledger, 'listLedgerJobs', { limit: 100 });
    const j1 = jobs.find((j) => j.chainJobId === '1')!;
    // CPU job: 90 W system overhead for 30 min at 90 % PSU efficiency = 50 Wh; × 0.18 USD/kWh = 9,000 micros.
    expect(j1).toMatchObject({ deviceId: 'cpu', energyWh: 50, electricityMicros: '9000', netMicros: (900_000 - 9000 - 9000).toString() });
    const csv = (await call<{ csv: string; filename: string }>(ledger, 'exportLedgerCsv', {})).csv;
    expect(csv.split('\r\n').filter((l) => l.startsWith('job,'))).toHaveLength(4);
    expect(csv).toContain(`withdraw:`);
    expect(csv).toMatch(/job,31337,1,1,settled,.*,0\.900000,0\.009000,0\.000000,0\.050000,0\.009000,/);
  });

  it('corrects a row whose amount was changed behind its back', async () => {
    const side = new Database(join(dir.path, LEDGER_FILE));
    side.prepare("UPDATE jobs SET gross = '1', fee = '0' WHERE job_id = '2'").run();
    side.close();
    const tampered = (await call<{ jobs: LedgerJob[] }>(ledger, 'listLedgerJobs', { limit: 100 })).jobs.find((j) => j.chainJobId === '2');
    expect(tampered?.grossMicros).toBe('1');
    const result = await ledger.reconcileNow();
    expect(result?.diff.corrected).toEqual([{ jobId: '2', attempt: 1, fields: ['gross', 'fee'] }]);
    expect(logs.entries.some((e) => e.level === 'warn' && /disagreed with the chain/.test(e.message))).toBe(true);
    const jobs = (await call<{ jobs: LedgerJob[] }>(ledger, 'listLedgerJobs', { limit: 100 })).jobs;
    expect(chainFacts(jobs)).toEqual(chainFacts(first));
  });

  it('rebuilds an identical ledger from the chain after the database file is deleted', async () => {
    await ledger.stop?.();
    ledger.service.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(join(dir.path, LEDGER_FILE + suffix), { force: true });
    ledger = newLedger();
    await ledger.reconcileNow();
    const jobs = (await call<{ jobs: LedgerJob[] }>(ledger, 'listLedgerJobs', { limit: 100 })).jobs;
    expect(chainFacts(jobs)).toEqual(chainFacts(first));
    // Deleted while running: noticed, and rebuilt again.
    for (const suffix of ['', '-wal', '-shm']) rmSync(join(dir.path, LEDGER_FILE + suffix), { force: true });
    expect(ledger.service.checkFilePresent()).toBe(false);
    await ledger.reconcileNow();
    expect(existsSync(join(dir.path, LEDGER_FILE))).toBe(true);
    expect(chainFacts((await call<{ jobs: LedgerJob[] }>(ledger, 'listLedgerJobs', { limit: 100 })).jobs)).toEqual(chainFacts(first));
    expect((await call<EarningsReport>(ledger, 'getEarnings', { range: 'week' })).notice).toMatch(/deleted.*rebuilt from the chain/);
  });

  it('moves a corrupted database aside, says so, and rebuilds it from the chain', async () => {
    ledger.service.close();
    writeFileSync(join(dir.path, LEDGER_FILE), Buffer.alloc(64 * 1024, 0x5a));
    for (const suffix of ['-wal', '-shm']) rmSync(join(dir.path, LEDGER_FILE + suffix), { force: true });
    ledger = newLedger();
    await ledger.reconcileNow();
    expect(readdirSync(dir.path).some((name) => name.startsWith(`${LEDGER_FILE}.corrupt-`))).toBe(true);
    expect(logs.entries.some((e) => e.level === 'warn' && /damaged/.test(e.message))).toBe(true);
    const report = await call<EarningsReport>(ledger, 'getEarnings', { range: 'week' });
    expect(report.notice).toMatch(/damaged and was moved to .*corrupt-.*rebuilt from the chain/);
    expect(chainFacts((await call<{ jobs: LedgerJob[] }>(ledger, 'listLedgerJobs', { limit: 100 })).jobs)).toEqual(chainFacts(first));
  });

  it('keeps each chain’s rows apart: a new devnet (new genesis) shows its own, the old rows stay', async () => {
    const other = await startTestDevnet({ intervalMs: 0 });
    const otherHub = createChainHub({
      settings: () => ({ kind: 'custom', rpcUrl: other.rpcUrl, chainId: other.chainId, marketAddress: other.marketAddress }),
      dataDir: dir.path,
      logger: logs.logger,
      clock,
      devnet: 'off',
    });
    try {
      await otherHub.start();
      await otherHub.whenOnline();
      expect(other.genesisHash).not.toBe(devnet.genesisHash);
      ledger.service.close();
      const onOther = ledgerOn(otherHub);
      expect((await onOther.reconcileNow())?.jobs).toBe(0);
      expect((await call<{ total: number }>(onOther, 'listLedgerJobs', { limit: 10 })).total).toBe(0);
      onOther.service.close();
      ledger = newLedger();
      await ledger.reconcileNow();
      expect(chainFacts((await call<{ jobs: LedgerJob[] }>(ledger, 'listLedgerJobs', { limit: 100 })).jobs)).toEqual(chainFacts(first));
      const side = new Database(join(dir.path, LEDGER_FILE), { readonly: true });
      expect(side.prepare('SELECT count(*) FROM chains').pluck().get()).toBe(2);
      side.close();
    } finally {
      await otherHub.stop();
      await other.stop();
    }
  });
});
