/** Books folded from v2 logs on the fake chain, with job documents that ask for given resources. */
import { createV2Book, type V2Book } from '../../../electron/agent/market-v2/v2-book';
import { decodeMarketV2Log, V2_EVENT_TOPICS, type V2JobEvent } from '../../../electron/agent/market-v2/v2-events';
import { createFakeChain, type FakeChain, type FakeLog } from '../../fakes/fake-chain';

export const MARKET = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
export const REQUESTER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
export const A = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';
export const B = '0x90F79bf6EB2c4f870365E785982E1f101E93b906';
export const C = '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65';

/** A valid job document asking for `gpus` GPUs with `minVramMiB`. */
export function documentFor(gpus: number, minVramMiB: number): string {
  return JSON.stringify({
    kind: 'rigshift-job',
    version: 1,
    job: {
      version: 1,
      name: 'train',
      image: `rigshift/demo-job@sha256:${'ab'.repeat(32)}`,
      command: ['hash', '20'],
      inputs: [],
      outputs: { maxTotalBytes: 1_048_576, maxFiles: 8 },
      resources: { gpus, minVramMiB, cpus: 1, memoryMiB: 256, scratchMiB: 64 },
      maxDurationSeconds: 120,
      preemptible: false,
    },
    upload: { url: 'https://uploads.example.com/x' },
  });
}

/** Decoded job events of every block mined on `chain` so far. */
export async function eventsOf(chain: FakeChain): Promise<V2JobEvent[]> {
  const logs = await chain.getLogs({ address: MARKET, topics: [V2_EVENT_TOPICS] }, 0, chain.blocks().length - 1);
  return logs.map((l) => decodeMarketV2Log(l)).filter((e): e is V2JobEvent => e !== null && 'id' in e);
}

/** Mines each group as one block (a second apart unless `times` says) and folds a book. */
export async function bookOf(groups: FakeLog[][], times: number[] = []): Promise<{ book: V2Book; chain: FakeChain }> {
  const chain = createFakeChain();
  groups.forEach((logs, i) => chain.mine(logs, times[i] === undefined ? {} : { timestamp: times[i] }));
  const book = createV2Book();
  book.apply(await eventsOf(chain));
  return { book, chain };
}
