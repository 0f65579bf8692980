/**
 * The fold from v2 book jobs to awards (market-prices/price-points.ts) on books folded from
 * v2 logs: an auction's uniform price, a fixed-price claim, a verifier round, nothing for an
 * open auction; and the hardware class from the untrusted job document.
 */
import { describe, expect, it } from 'vitest';
import { awardsOf, hardwareClassOfJob } from '../../../electron/agent/market-prices/price-points';
import { v2Log, v2PostedLog } from '../../fakes/market-v2-logs';
import { A, B, bookOf, C, documentFor, MARKET, REQUESTER } from './price-fixtures';

const R = REQUESTER.toLowerCase();

describe('awards folded from the v2 book', () => {
  it('takes the uniform price of an awarded auction (the lowest losing ask), not the winner\'s ask, once per round', async () => {
    const { book } = await bookOf([
      [v2PostedLog(MARKET, 1, REQUESTER, documentFor(1, 24_000), { replicas: 2 })],
      [v2Log(MARKET, 'BidPlaced', [1, A, 100_000n, 1]), v2Log(MARKET, 'BidPlaced', [1, B, 110_000n, 1]), v2Log(MARKET, 'BidPlaced', [1, C, 150_000n, 1])],
      [v2Log(MARKET, 'AuctionClosed', [1, 1, 150_000n, 3]), v2Log(MARKET, 'SlotAssigned', [1, 0, A, 150_000n, 0]), v2Log(MARKET, 'SlotAssigned', [1, 1, B, 150_000n, 0])],
    ]);
    expect(awardsOf(book.get('1')!)).toEqual([{ jobId: '1', requester: R, roundNo: 1, block: 3, microsPerHour: 150_000n, kind: 'auction' }]);
  });

  it('takes a fixed-price claim at the posted price, and a verifier round as an award of its own', async () => {
    const { book } = await bookOf([
      [v2PostedLog(MARKET, 2, REQUESTER, documentFor(0, 0), { bidWindowSeconds: 0, maxPricePerHour: 200_000n })],
      [v2Log(MARKET, 'SlotAssigned', [2, 0, A, 200_000n, 0])],
      [v2Log(MARKET, 'Disputed', [2, REQUESTER, 200_000n]), v2Log(MARKET, 'RoundOpened', [2, 2, 2, 1_700_000_500, 1_700_000_900, 1_700_009_000])],
      [v2Log(MARKET, 'BidPlaced', [2, B, 90_000n, 2])],
      [v2Log(MARKET, 'AuctionClosed', [2, 2, 200_000n, 1]), v2Log(MARKET, 'SlotAssigned', [2, 1, B, 200_000n, 2])],
    ]);
    expect(awardsOf(book.get('2')!)).toEqual([
      { jobId: '2', requester: R, roundNo: 1, block: 2, microsPerHour: 200_000n, kind: 'fixed' },
      { jobId: '2', requester: R, roundNo: 2, block: 5, microsPerHour: 200_000n, kind: 'auction' },
    ]);
  });

  it('has no award while the auction is open or when nobody claimed', async () => {
    const { book } = await bookOf([
      [v2PostedLog(MARKET, 3, REQUESTER, documentFor(1, 8_000)), v2PostedLog(MARKET, 4, REQUESTER, documentFor(1, 8_000), { bidWindowSeconds: 0 })],
      [v2Log(MARKET, 'BidPlaced', [3, A, 100_000n, 1])],
    ]);
    expect(awardsOf(book.get('3')!)).toEqual([]);
    expect(awardsOf(book.get('4')!)).toEqual([]);
  });
});

describe('the hardware class of a job', () => {
  const classOf = async (spec: string | Uint8Array) => {
    const { book } = await bookOf([[v2PostedLog(MARKET, 9, REQUESTER, spec)]]);
    return hardwareClassOfJob(book.get('9')!);
  };

  it('files a job under the smallest common card size that holds its minimum VRAM', async () => {
    expect(await classOf(documentFor(0, 0))).toBe('cpu');
    expect(await classOf(documentFor(1, 0))).toBe('gpu-8');
    expect(await classOf(documentFor(1, 8 * 1024))).toBe('gpu-8');
    expect(await classOf(documentFor(1, 8 * 1024 + 1))).toBe('gpu-12');
    expect(await classOf(documentFor(1, 16_000))).toBe('gpu-16');
    expect(await classOf(documentFor(1, 24 * 1024))).toBe('gpu-24');
    expect(await classOf(documentFor(1, 40 * 1024))).toBe('gpu-48');
    expect(await classOf(documentFor(1, 80 * 1024))).toBe('gpu-more');
  });

  it('gives no class to a document that is not JSON, not a job document, fails validation, or was refused by the decoder', async () => {
    expect(await classOf('not json')).toBeNull();
    expect(await classOf('{}')).toBeNull();
    const doc = JSON.parse(documentFor(1, 8_000)) as { job: { resources: { gpus: number } } };
    doc.job.resources.gpus = 5;
    expect(await classOf(JSON.stringify(doc))).toBeNull();
    expect(await classOf(new Uint8Array([0xff, 0xfe, 0x00]))).toBeNull();
  });
});
