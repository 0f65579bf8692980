/**
 * v2 books for view tests: logs encoded with the v2 ABI, mined on the fake chain, read back
 * with getLogs, decoded and folded (no hand-written views), and a V2MarketSource over them.
 */
import { createV2Book, type V2Book } from '../../../electron/agent/market-v2/v2-book';
import { decodeMarketV2Log, V2_EVENT_TOPICS, type V2JobEvent } from '../../../electron/agent/market-v2/v2-events';
import type { V2MarketSource, V2StoredRun } from '../../../electron/agent/market-v2/v2-market-source';
import type { V2ViewOptions } from '../../../electron/agent/market-v2/v2-market-view';
import { foldV2Records } from '../../../electron/agent/market-v2/v2-records';
import { createFakeChain, type FakeChain, type FakeLog } from '../../fakes/fake-chain';
import { v2Log, v2PostedLog } from '../../fakes/market-v2-logs';

export const MARKET = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
export const REQUESTER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
export const A = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';
export const B = '0x90F79bf6EB2c4f870365E785982E1f101E93b906';
export const C = '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65';
export const H = (n: number) => `0x${n.toString(16).padStart(64, '0')}`;
// v2PostedLog's defaults: bidEnds 1_700_000_010, claimBy 1_700_000_300, runBy 1_700_004_500, max 0.20 USD/h.
export const BID_ENDS = 1_700_000_010;

export const DOC = JSON.stringify({
  kind: 'rigshift-job',
  version: 1,
  job: {
    version: 1,
    name: '<b>render</b>',
    image: `rigshift-test/job@sha256:${'b'.repeat(64)}`,
    command: ['sh', '-c', 'echo done > /workspace/out/result.txt'],
    inputs: [],
    outputs: { maxTotalBytes: 1_048_576, maxFiles: 10 },
    resources: { gpus: 0, minVramMiB: 0, cpus: 1, memoryMiB: 128, scratchMiB: 0 },
    maxDurationSeconds: 600,
    preemptible: false,
  },
  upload: { url: 'http://127.0.0.1:9/upload' },
});

export async function chainBook(groups: FakeLog[][]): Promise<{ book: V2Book; chain: FakeChain }> {
  const chain = createFakeChain();
  for (const logs of groups) chain.mine(logs);
  const logs = await chain.getLogs({ address: MARKET, topics: [V2_EVENT_TOPICS] }, 0, chain.blocks().length - 1);
  const book = createV2Book();
  book.apply(logs.map((l) => decodeMarketV2Log(l)).filter((e): e is V2JobEvent => e !== null && 'id' in e));
  return { book, chain };
}

export function sourceOf(book: V2Book, me: string | null, now: number, extra: { runs?: Record<string, V2StoredRun>; passes?: Record<string, string> } = {}): V2MarketSource {
  return {
    jobs: () => book.all(),
    job: (id) => book.get(id),
    records: () => foldV2Records(book.all()),
    runs: () => new Map(Object.entries(extra.runs ?? {})),
    passes: () => new Map(Object.entries(extra.passes ?? {})),
    me: () => me?.toLowerCase() ?? null,
    chainTime: () => now,
    chainId: () => 31337,
  };
}
export const OPTIONS: V2ViewOptions = { marketAddress: MARKET, floorMicrosPerHour: 100_000n };
export const run = (slot: number, over: Partial<V2StoredRun> = {}): V2StoredRun => ({
  chainJobId: '1',
  slot,
  outputsDigest: null,
  salt: null,
  seconds: null,
  deliveredTo: [],
  localJobId: 'job-1',
  askMicrosPerHour: 100_000n,
  error: null,
  updatedAt: '2026-12-07T10:00:00.000Z',
  ...over,
});

export const posted = (id: number, f: Parameters<typeof v2PostedLog>[4] = {}) => v2PostedLog(MARKET, id, REQUESTER, DOC, f);
export const bids = (id: number) => [v2Log(MARKET, 'BidPlaced', [id, B, 120_000n, 1]), v2Log(MARKET, 'BidPlaced', [id, A, 100_000n, 1]), v2Log(MARKET, 'BidPlaced', [id, C, 150_000n, 1])];
export const award = (id: number) => [v2Log(MARKET, 'AuctionClosed', [id, 1, 120_000n, 3]), v2Log(MARKET, 'SlotAssigned', [id, 0, A, 120_000n, 0])];

