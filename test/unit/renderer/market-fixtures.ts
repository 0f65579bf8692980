import type { MarketJob, MarketStatus, ProviderJob } from '../../../shared/domain/market';

export const REQUESTER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';

export function marketStatus(overrides: Partial<MarketStatus> = {}): MarketStatus {
  return {
    biddingWanted: true,
    biddingActive: true,
    blocks: [],
    chain: { state: 'online', label: 'Local devnet', chainId: 31337, marketAddress: '0x5FbDB2315678afecb367f032d93F642f64180aa3', isDevnet: true },
    wallet: { address: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC', unlocked: true },
    stake: { freeMicros: '5000000', lockedMicros: '0', minStakeMicros: '5000000' },
    creditMicros: '0',
    indexer: { block: 10, headBlock: 10, syncing: false, lastError: null },
    counts: { open: 0, fitting: 0, active: 0, settled: 0, problems: 0 },
    notices: [],
    updatedAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}

export function providerJob(overrides: Partial<ProviderJob> = {}): ProviderJob {
  return {
    chainJobId: '1',
    chainId: 31337,
    marketAddress: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
    state: 'claimed',
    requester: REQUESTER,
    askMicrosPerHour: '300000',
    maxDurationSeconds: 3600,
    preemptible: true,
    attempt: 1,
    billedSeconds: null,
    deviceId: 'cpu',
    localJobId: null,
    claimedAt: '2025-01-01T00:01:00.000Z',
    runStartedAt: null,
    runEndedAt: null,
    submittedAt: null,
    closedAt: null,
    grossMicros: null,
    feeMicros: null,
    resultUri: null,
    outputsDigest: null,
    message: 'Claimed',
    problem: null,
    txs: [],
    updatedAt: '2025-01-01T00:01:00.000Z',
    ...overrides,
  };
}

export function marketJob(id: string, overrides: Partial<MarketJob> = {}): MarketJob {
  return {
    chainJobId: id,
    chainId: 31337,
    requester: REQUESTER,
    maxPricePerHourMicros: '500000',
    escrowMicros: '500000',
    maxDurationSeconds: 3600,
    claimBy: '2025-01-01T01:00:00.000Z',
    runBy: '2025-01-01T03:00:00.000Z',
    preemptible: true,
    postedBlock: 5,
    postedTx: `0x${'ab'.repeat(32)}`,
    chainState: 'open',
    provider: null,
    askMicrosPerHour: null,
    attempt: 0,
    summary: {
      name: `job ${id}`,
      image: `docker.io/library/busybox@sha256:${'0'.repeat(64)}`,
      resources: { gpus: 0, minVramMiB: 0, cpus: 1, memoryMiB: 512, scratchMiB: 0 },
      network: 'none',
      description: null,
      uploadHost: '127.0.0.1:8600',
    },
    documentError: null,
    verdict: { fits: true, reasons: [], askMicrosPerHour: '300000', deviceId: 'cpu' },
    mine: null,
    ...overrides,
  };
}
