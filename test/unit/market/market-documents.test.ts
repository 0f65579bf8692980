/**
 * Open jobs' documents live in the event log's document file, not in memory (issue 11
 * flood): the book keeps a job's facts, the text is read back when asked for, after a
 * restart and after compaction too; the log file never holds the text.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChainConnection } from '../../../electron/agent/chain/chain-hub';
import { neverFitsOn } from '../../../electron/agent/market/market-devices';
import { createMarketIndexer } from '../../../electron/agent/market/market-indexer';
import type { GpuDetection } from '../../../shared/domain/gpu';
import { createFakeChain, type FakeChain } from '../../fakes/fake-chain';
import { claimedLog, postedLog, settledLog } from '../../fakes/market-logs';
import { recordingLogger } from '../../helpers/silent-logger';
import { tempDir } from '../../helpers/temp-dir';
import { jobDocument } from './chain-fixture';

const MARKET = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const REQUESTER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const OTHER = '0x90F79bf6EB2c4f870365E785982E1f101E93b906';
const ME = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';

const dirs: Array<ReturnType<typeof tempDir>> = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.cleanup();
});

function eventLog(chain: FakeChain, dataDir: string, stepBlocks?: number) {
  const connection: ChainConnection = {
    network: { label: 'fake', isDevnet: true, chainId: 31337, rpcUrl: 'http://fake', marketAddress: MARKET, tokenAddress: '0x0000000000000000000000000000000000000001', token: { symbol: 'tUSD', decimals: 6 }, deploymentBlock: 1, genesisHash: chain.blocks()[0]!.hash },
    port: chain,
  };
  return createMarketIndexer({
    connection: () => connection,
    reportFailure: () => undefined,
    dataDir,
    logger: recordingLogger().logger,
    clock: { now: () => new Date() },
    confirmations: () => 0,
    reopenClaimWindow: async () => 300,
    account: () => ME,
    stepBlocks,
  });
}

const text = (id: number) => jobDocument({ name: `job ${id}`, command: ['echo', `${id} `.repeat(400)] });

describe('the event log\'s document file', () => {
  it('keeps facts in memory and each document once on disk, read back exactly, across a restart and a compaction', async () => {
    const d = tempDir('rigshift-docs-');
    dirs.push(d);
    const chain = createFakeChain();
    for (let id = 1; id <= 40; id++) chain.mine([postedLog(MARKET, id, REQUESTER, text(id))]);
    const log = eventLog(chain, d.path);
    await log.poll();
    const key = log.status().chainKey!;
    const folder = join(d.path, 'market', 'index');
    for (let id = 1; id <= 40; id++) {
      const job = log.book.get(String(id))!;
      expect(job.inlineSpec).toBe('');
      expect(job.facts?.summary.name).toBe(`job ${id}`);
      expect(log.document(String(id))).toBe(text(id));
    }
    // The log names documents; it does not hold them (deflated, they are smaller too).
    const logText = readFileSync(join(folder, `${key}.jsonl`), 'utf8');
    expect(logText).not.toContain('40 40 40');
    const docs = readFileSync(join(folder, `${key}.0.docs`));
    expect(docs.length).toBeLessThan(40 * text(40).length);
    await log.stop();

    // A restart reads the same documents back; a stray generation (a compaction cut short) goes.
    writeFileSync(join(folder, `${key}.7.docs`), 'left over');
    const again = eventLog(chain, d.path);
    await again.poll();
    expect(again.document('17')).toBe(text(17));
    expect(existsSync(join(folder, `${key}.7.docs`))).toBe(false);

    // Settle half the jobs for another provider: compaction drops them and moves the rest.
    for (let id = 1; id <= 20; id++) chain.mine([claimedLog(MARKET, id, OTHER, 1n), settledLog(MARKET, id, OTHER, REQUESTER, 1n, 0n)]);
    await again.poll();
    again.compact();
    expect(again.book.get('5')).toBeUndefined();
    for (let id = 21; id <= 40; id++) expect(again.document(String(id))).toBe(text(id));
    expect(readdirSync(folder).filter((f) => f.endsWith('.docs'))).toEqual([`${key}.1.docs`]);
    await again.stop();
    const third = eventLog(chain, d.path);
    await third.poll();
    expect(third.document('33')).toBe(text(33));
    expect(third.book.get('33')?.facts?.summary.name).toBe('job 33');
    await third.stop();
  });

  it('says when a document cannot be read back instead of inventing one', async () => {
    const d = tempDir('rigshift-docs-');
    dirs.push(d);
    const chain = createFakeChain();
    chain.mine([postedLog(MARKET, 1, REQUESTER, text(1))]);
    const log = eventLog(chain, d.path);
    await log.poll();
    writeFileSync(join(d.path, 'market', 'index', `${log.status().chainKey}.0.docs`), '');
    // The file no longer holds the bytes: no text, but the facts still answer the verdicts.
    expect(log.document('1')).toBeNull();
    expect(log.book.get('1')?.facts?.summary.name).toBe('job 1');
    await log.stop();
  });

  it('keeps only the facts and place of a post that can never fit this machine, and reads its text from the chain when asked', async () => {
    const d = tempDir('rigshift-docs-');
    dirs.push(d);
    const chain = createFakeChain();
    const gpuJob = JSON.parse(text(2)) as { job: { resources: Record<string, number> } };
    gpuJob.job.resources = { ...gpuJob.job.resources, gpus: 1, minVramMiB: 24_000 };
    const gpuText = JSON.stringify(gpuJob);
    chain.mine([postedLog(MARKET, 1, REQUESTER, text(1)), postedLog(MARKET, 2, REQUESTER, gpuText)]);
    const log = eventLog(chain, d.path);
    log.setNeverFits((facts) => (facts.summary.resources.gpus > 0 ? 'it needs an NVIDIA GPU and this machine has none' : null));
    await log.poll();
    const docs = join(d.path, 'market', 'index', `${log.status().chainKey}.0.docs`);
    const stored = readFileSync(docs).length;
    expect(log.document('2')).toBe('');
    expect(log.book.get('2')?.facts?.summary.resources.minVramMiB).toBe(24_000);
    expect(log.document('1')).toBe(text(1));
    // Its text was never written: the file holds the CPU job's document alone.
    expect(stored).toBeLessThan(text(1).length);
    // Asked for (a claim after a hardware change, the detail page): read from its JobPosted log.
    expect(await log.fetchDocument('2')).toBe(gpuText);
    expect(log.document('2')).toBe(gpuText);
    expect(readFileSync(docs).length).toBeGreaterThan(stored);
    await log.stop();
  });
});

describe('what can never fit this machine', () => {
  const facts = (resources: Partial<Record<'gpus' | 'minVramMiB' | 'cpus' | 'memoryMiB' | 'scratchMiB', number>>) => ({
    summary: { name: 'j', image: 'i', resources: { gpus: 0, minVramMiB: 0, cpus: 1, memoryMiB: 128, scratchMiB: 0, ...resources }, network: 'none' as const, description: null, uploadHost: 'h' },
    maxDurationSeconds: 60,
    preemptible: false,
    uploadUrl: 'https://h/u',
  });
  const machine = { cpus: 8, memoryMiB: 16_000 };
  const withGpus = (gpus: Array<{ vramMiB: number | null }> | null) => ({ detection: () => (gpus ? ({ gpus } as unknown as GpuDetection) : null) });

  it('is decided from the machine alone, and GPU needs only once detection has run', () => {
    expect(neverFitsOn(withGpus(null), machine)(facts({ cpus: 16 }))).toMatch(/16 CPUs/);
    expect(neverFitsOn(withGpus(null), machine)(facts({ memoryMiB: 15_000, scratchMiB: 2_000 }))).toMatch(/17000 MiB of memory/);
    expect(neverFitsOn(withGpus(null), machine)(facts({ gpus: 1, minVramMiB: 8_000 }))).toBeNull();
    expect(neverFitsOn(withGpus([]), machine)(facts({ gpus: 1 }))).toMatch(/no/);
    expect(neverFitsOn(withGpus([{ vramMiB: 8_192 }, { vramMiB: 24_576 }]), machine)(facts({ gpus: 1, minVramMiB: 24_000 }))).toBeNull();
    expect(neverFitsOn(withGpus([{ vramMiB: 8_192 }]), machine)(facts({ gpus: 1, minVramMiB: 24_000 }))).toMatch(/24000 MiB of VRAM/);
    expect(neverFitsOn(withGpus([]), machine)(facts({ cpus: 8, memoryMiB: 16_000 }))).toBeNull();
  });
});

describe('catching up', () => {
  it('reads the head once per poll, and per step its end block and (after the first step) the cursor, not the head again', async () => {
    const d = tempDir('rigshift-docs-');
    dirs.push(d);
    const chain = createFakeChain();
    for (let id = 1; id <= 12; id++) chain.mine([postedLog(MARKET, id, REQUESTER, text(id))]);
    chain.mineEmpty(1);
    const log = eventLog(chain, d.path, 2);
    await log.poll();
    expect(log.book.size()).toBe(12);
    expect(log.status().syncing).toBe(false);
    const steps = chain.calls.getLogs ?? 0;
    expect(steps).toBeGreaterThan(3);
    expect(chain.calls.latestBlock).toBe(1);
    // The cursor is read again beside each later step's end block (event-log-catch-up.test.ts).
    expect(chain.calls.block ?? 0).toBeLessThanOrEqual(2 * steps - 1);
    // A later poll still checks its cursor against the chain (the one reorg policy).
    chain.reorg(1, [[postedLog(MARKET, 13, REQUESTER, text(13))]]);
    await log.poll();
    expect(log.book.get('13')).toBeDefined();
    await log.stop();
  });
});
