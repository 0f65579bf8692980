import { describe, expect, it } from 'vitest';
import {
  amountView,
  biddingView,
  chainFromHub,
  chainView,
  compareJobIds,
  lifecycleStep,
  myJobsView,
  openJobsView,
  resourcesText,
  sortByPrice,
  timeline,
} from '../../../renderer/features/market/market-view';
import { marketJob, marketStatus, providerJob } from './market-fixtures';

const HASH = (n: number) => `0x${n.toString(16).padStart(64, '0')}`;

describe('open jobs', () => {
  it('sorts by price (best first), then the earliest claim deadline, then the oldest id', () => {
    const jobs = [
      marketJob('9', { maxPricePerHourMicros: '200000' }),
      marketJob('10', { maxPricePerHourMicros: '900000' }),
      marketJob('11', { maxPricePerHourMicros: '200000', claimBy: '2025-01-01T00:30:00.000Z' }),
      marketJob('2', { maxPricePerHourMicros: '200000' }),
    ];
    expect(sortByPrice(jobs).map((j) => j.chainJobId)).toEqual(['10', '11', '2', '9']);
    expect(compareJobIds('10', '9')).toBe(1);
  });

  it('lists only jobs still open, filtered by fit, with both counts', () => {
    const jobs = [
      marketJob('1'),
      marketJob('2', { verdict: { fits: false, reasons: ['below your floor of $0.30/h'], askMicrosPerHour: null, deviceId: null } }),
      marketJob('3', { chainState: 'claimed' }),
    ];
    const all = openJobsView(jobs, 'all');
    expect(all.shown.map((j) => j.chainJobId)).toEqual(['1', '2']);
    expect([all.open, all.fitting]).toEqual([2, 1]);
    expect(openJobsView(jobs, 'fits').shown.map((j) => j.chainJobId)).toEqual(['1']);
  });
});

describe('my jobs', () => {
  it('lists jobs this provider touched (not merely seen), newest activity first', () => {
    const jobs = [
      marketJob('1', { mine: providerJob({ chainJobId: '1', updatedAt: '2025-01-01T00:01:00.000Z' }) }),
      marketJob('2', { mine: providerJob({ chainJobId: '2', state: 'settled', updatedAt: '2025-01-01T00:09:00.000Z' }) }),
      marketJob('3', { mine: providerJob({ chainJobId: '3', state: 'seen' }) }),
      marketJob('4'),
    ];
    expect(myJobsView(jobs).map((j) => j.chainJobId)).toEqual(['2', '1']);
  });

  it('places a job on the claim-to-payment path, or off it', () => {
    expect(lifecycleStep('claiming')).toBe(0);
    expect(lifecycleStep('running')).toBe(1);
    expect(lifecycleStep('submitted')).toBe(3);
    expect(lifecycleStep('settled')).toBe(5);
    expect(lifecycleStep('released')).toBeNull();
  });

  it('shows paid amounts from the chain, else ask × billed time rounded down, else the most it can pay', () => {
    expect(amountView(providerJob({ state: 'settled', grossMicros: '250000', feeMicros: '2500' }))).toEqual({
      text: '$0.2475 paid (after a $0.0025 fee)',
      kind: 'paid',
    });
    // 0.30 $/h for 7 s = 583.33… micros: the contract pays 583.
    expect(amountView(providerJob({ state: 'submitted', billedSeconds: 7 }))).toEqual({ text: '$0.000583 billed', kind: 'expected' });
    expect(amountView(providerJob({ state: 'running', maxDurationSeconds: 1800 }))).toEqual({ text: 'up to $0.15', kind: 'max' });
    expect(amountView(providerJob({ state: 'refunded' })).kind).toBe('none');
  });

  it('tells the story of a job in order, each step with its transaction', () => {
    const job = marketJob('7', {
      mine: providerJob({
        chainJobId: '7',
        state: 'settled',
        claimedAt: '2025-01-01T00:01:00.000Z',
        runStartedAt: '2025-01-01T00:01:05.000Z',
        runEndedAt: '2025-01-01T00:02:00.000Z',
        submittedAt: '2025-01-01T00:02:10.000Z',
        closedAt: '2025-01-01T00:05:00.000Z',
        billedSeconds: 55,
        txs: [
          { kind: 'withdraw', hash: HASH(4), status: 'confirmed', at: '2025-01-01T00:06:00.000Z', blockNumber: 30 },
          { kind: 'claim', hash: HASH(1), status: 'confirmed', at: '2025-01-01T00:00:59.000Z', blockNumber: 11 },
          { kind: 'submit', hash: HASH(2), status: 'confirmed', at: '2025-01-01T00:02:09.000Z', blockNumber: 20 },
          { kind: 'finalize', hash: HASH(3), status: 'pending', at: '2025-01-01T00:04:59.000Z', blockNumber: null },
        ],
      }),
    });
    const steps = timeline(job);
    expect(steps.map((s) => s.key)).toEqual(['posted', 'claimed', 'run-started', 'run-ended', 'submitted', 'settled', `tx-${HASH(4)}`]);
    expect(steps.find((s) => s.key === 'claimed')?.tx?.hash).toBe(HASH(1));
    expect(steps.find((s) => s.key === 'submitted')?.label).toBe('Result submitted (55 s billed)');
    expect(steps.find((s) => s.key === 'settled')?.tx?.status).toBe('pending');
    // Every transaction appears exactly once.
    expect(steps.filter((s) => s.tx).map((s) => s.tx?.hash).sort()).toEqual([HASH(1), HASH(2), HASH(3), HASH(4)]);
    expect(timeline(marketJob('8')).map((s) => s.key)).toEqual(['posted']);
  });
});

describe('status wording', () => {
  it('says why the agent is not bidding, with where to fix it', () => {
    const view = biddingView(
      marketStatus({
        biddingActive: false,
        blocks: [
          { code: 'wallet-locked', message: 'The wallet is locked' },
          { code: 'no-device', message: 'Paused: Cyberpunk2077.exe is running' },
          { code: 'chain-offline', message: 'The chain does not answer' },
        ],
      }),
    );
    expect(view.state).toBe('blocked');
    expect(view.headline).toBe('Not bidding now, because:');
    expect(view.blocks.map((b) => b.message)[0]).toBe('The wallet is locked');
    expect(view.blocks.map((b) => b.link?.href ?? null)).toEqual(['#/wallet', '#/controls', null]);
  });

  it('separates "switched off by you" from "blocked" and "on"', () => {
    expect(biddingView(marketStatus()).state).toBe('on');
    const off = biddingView(marketStatus({ biddingWanted: false, biddingActive: false, blocks: [{ code: 'bidding-off', message: 'off' }] }));
    expect(off.state).toBe('off');
    expect(off.blocks).toEqual([]);
  });

  it('explains an offline or wrong chain with what to do', () => {
    const chain = marketStatus().chain;
    expect(chainView(chain, null)).toEqual({ tone: 'ok', label: 'Online', help: null });
    const offline = chainView({ ...chain, state: 'offline' }, 'connect ECONNREFUSED 127.0.0.1:8545.');
    expect(offline.tone).toBe('bad');
    expect(offline.help).toMatch(/^connect ECONNREFUSED.*npm run devnet.*no job record is lost/);
    const custom = chainView({ ...chain, state: 'offline', isDevnet: false, label: 'rpc.example.org' }, null);
    expect(custom.help).toMatch(/rpc\.example\.org/);
    expect(chainView({ ...chain, state: 'wrong-chain' }, 'Chain id 1, expected 31337.').help).toMatch(/^Chain id 1, expected 31337\. .*chain id/);
  });

  it('takes the connection from the chain hub when it has pushed one (it is newer)', () => {
    const stale = { ...marketStatus().chain, state: 'disabled' as const, label: null, chainId: null, isDevnet: false };
    expect(chainFromHub(null, stale)).toBe(stale);
    const network = {
      label: 'Local devnet', isDevnet: true, chainId: 31337, rpcUrl: 'http://127.0.0.1:8545', marketAddress: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
      tokenAddress: '0x5FbDB2315678afecb367f032d93F642f64180aa3', token: { symbol: 'tUSD', decimals: 6 }, deploymentBlock: 1, genesisHash: `0x${'0'.repeat(64)}`,
    };
    expect(chainFromHub({ state: 'online', network, headBlock: 5, checkedAt: '2025-01-01T00:00:00.000Z' }, stale)).toEqual({
      state: 'online', label: 'Local devnet', chainId: 31337, marketAddress: network.marketAddress, isDevnet: true,
    });
    const online = marketStatus().chain;
    expect(chainFromHub({ state: 'offline', message: 'down', since: '2025-01-01T00:00:00.000Z', network: null }, online)).toEqual({ ...online, state: 'offline' });
    expect(chainFromHub({ state: 'wrong-chain', message: 'x', expectedChainId: 8453, actualChainId: 1 }, online)).toEqual({ ...online, state: 'wrong-chain', chainId: 8453 });
  });

  it('words the resources a job asks for', () => {
    expect(resourcesText({ gpus: 1, minVramMiB: 8192, cpus: 4, memoryMiB: 16384, scratchMiB: 0 })).toBe(
      '1 GPU, 8 GiB VRAM · 4 CPUs · 16 GiB RAM',
    );
    expect(resourcesText({ gpus: 0, minVramMiB: 0, cpus: 1, memoryMiB: 512, scratchMiB: 1536 })).toBe('CPU only · 1 CPU · 512 MiB RAM · 1.5 GiB scratch');
  });
});
