/**
 * The market event log (market-indexer.ts) through the in-memory fake chain: no node.
 * Every log is decoded on its own (a hostile post never fails its batch nor stops the
 * cursor), the one reorg policy, restarts from the incremental file, a bounded index, and
 * the head stream driving it.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChainConnection } from '../../../electron/agent/chain/chain-hub';
import { createMarketIndexer, type IndexerUpdate } from '../../../electron/agent/market/market-indexer';
import { Interface } from 'ethers';
import { TOKEN_ABI } from '../../../electron/agent/chain/market-abi';
import { createFakeChain, type FakeChain } from '../../fakes/fake-chain';
import { claimedLog, garbledPostedLog, postedLog, settledLog, withdrawnLog } from '../../fakes/market-logs';
import { recordingLogger } from '../../helpers/silent-logger';
import { tempDir } from '../../helpers/temp-dir';
import { jobDocument } from './chain-fixture';

const MARKET = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const tokenInterface = new Interface(TOKEN_ABI);
const REQUESTER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const ME = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';
const OTHER = '0x90F79bf6EB2c4f870365E785982E1f101E93b906';
/** A spec that is not UTF-8: a lone continuation byte, an overlong sequence, 0xff 0xfe. */
const BAD_UTF8 = Uint8Array.from([0x7b, 0x22, 0x80, 0xc0, 0xaf, 0xff, 0xfe, 0x22, 0x7d]);

const dirs: Array<ReturnType<typeof tempDir>> = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.cleanup();
});

function connectionTo(chain: FakeChain, genesisHash = chain.blocks()[0]!.hash): ChainConnection {
  return {
    network: {
      label: 'fake',
      isDevnet: true,
      chainId: 31337,
      rpcUrl: 'http://fake',
      marketAddress: MARKET,
      tokenAddress: '0x0000000000000000000000000000000000000001',
      token: { symbol: 'tUSD', decimals: 6 },
      deploymentBlock: 1,
      genesisHash,
    },
    port: chain,
  };
}

function eventLog(chain: FakeChain, options: { dataDir?: string; connection?: ChainConnection | null; account?: string | null; compactAfterBytes?: number; invalidWindow?: number; heads?: boolean } = {}) {
  const dataDir = options.dataDir ?? (() => {
    const d = tempDir('rigshift-event-log-');
    dirs.push(d);
    return d.path;
  })();
  const updates: IndexerUpdate[] = [];
  const failures: unknown[] = [];
  const ranges: Array<[number, number]> = [];
  const connection = options.connection === undefined ? connectionTo(chain) : options.connection;
  const log = createMarketIndexer({
    connection: () => connection,
    reportFailure: (error) => failures.push(error),
    getLogs: (port, filter, from, to) => {
      // The market's reads (the token's transfers to our wallet ride the same steps).
      if (filter.address === MARKET) ranges.push([from, to]);
      return port.getLogs(filter, from, to);
    },
    dataDir,
    logger: recordingLogger().logger,
    clock: { now: () => new Date() },
    confirmations: () => 0,
    reopenClaimWindow: async () => 300,
    onUpdate: (update) => updates.push(update),
    account: () => options.account ?? ME,
    onHead: options.heads ? (listener) => chain.onHead(listener) : undefined,
    pollMs: options.heads ? 3_600_000 : 1000,
    compactAfterBytes: options.compactAfterBytes,
    invalidWindow: options.invalidWindow,
  });
  return { log, updates, failures, ranges, dataDir };
}

describe('market event log: each log decoded on its own', () => {
  it('records a bad-UTF-8 post as an invalid job and still indexes the normal post in the same batch', async () => {
    const chain = createFakeChain();
    chain.mine([postedLog(MARKET, 1, REQUESTER, BAD_UTF8), postedLog(MARKET, 2, REQUESTER, jobDocument({ name: 'normal' }))]);
    const { log, failures } = eventLog(chain);
    await log.poll();

    expect(failures).toEqual([]);
    expect(log.status().lastError).toBeNull();
    expect(log.status().syncing).toBe(false);
    expect(log.status().block).toBe(1);
    expect(log.document('2')).toContain('normal');
    const bad = log.book.get('1');
    expect(bad?.specError).toMatch(/not valid UTF-8/);
    expect(bad?.maxPricePerHour).toBe(1_000_000n);
    expect(log.invalid()).toEqual([expect.objectContaining({ id: '1', reason: expect.stringMatching(/UTF-8/) })]);

    // Later blocks keep coming in: the cursor never sticks on the hostile log.
    chain.mine([postedLog(MARKET, 3, REQUESTER, jobDocument({ name: 'after' }))]);
    await log.poll();
    expect(log.document('3')).toContain('after');
    expect(log.status().block).toBe(2);
  });

  it('records bad ABI data and an oversized spec with their reasons, never failing the batch', async () => {
    const chain = createFakeChain();
    chain.mine([garbledPostedLog(MARKET, 1, REQUESTER), postedLog(MARKET, 2, REQUESTER, 'x'.repeat(200 * 1024)), postedLog(MARKET, 3, REQUESTER, jobDocument())]);
    const { log, failures } = eventLog(chain);
    await log.poll();
    expect(failures).toEqual([]);
    expect(log.book.get('1')?.specError).toMatch(/not valid ABI/);
    expect(log.book.get('2')?.specError).toMatch(/KiB; the limit is 128 KiB/);
    expect(log.document('2')).toBe('');
    expect(log.book.get('3')?.specError).toBeNull();
    expect(log.invalid().map((x) => x.id)).toEqual(['1', '2']);
  });

  it('keeps only a bounded window of invalid jobs', async () => {
    const chain = createFakeChain();
    chain.mine(Array.from({ length: 30 }, (_, i) => postedLog(MARKET, i + 1, REQUESTER, BAD_UTF8)));
    const { log } = eventLog(chain, { invalidWindow: 10 });
    await log.poll();
    expect(log.invalid()).toHaveLength(10);
    expect(log.invalid()[9]?.id).toBe('30');
  });
});

describe('market event log: reorgs, failures, restarts', () => {
  it('rewinds to the newest canonical block on a reorg and refolds the jobs', async () => {
    const chain = createFakeChain();
    chain.mine([postedLog(MARKET, 1, REQUESTER, jobDocument({ name: 'kept' }))]);
    const { log, updates } = eventLog(chain);
    await log.poll();
    chain.mine([postedLog(MARKET, 2, REQUESTER, jobDocument({ name: 'doomed' })), claimedLog(MARKET, 1, OTHER, 500_000n)]);
    await log.poll();
    expect(log.book.get('1')?.state).toBe('claimed');

    chain.reorg(1, [[postedLog(MARKET, 2, REQUESTER, jobDocument({ name: 'replacement' }))], []]);
    await log.poll();
    expect(log.book.get('1')?.state).toBe('open');
    expect(log.document('2')).toContain('replacement');
    expect(log.book.get('2')?.events).toHaveLength(1);
    expect(updates.some((u) => u.changed.has('1'))).toBe(true);
    expect(log.status().block).toBe(3);
  });

  it('keeps its cursor while the RPC fails and catches up after', async () => {
    const chain = createFakeChain();
    chain.mine([postedLog(MARKET, 1, REQUESTER, jobDocument())]);
    const { log, failures } = eventLog(chain);
    await log.poll();
    chain.fail('getLogs', new Error('connection refused'));
    chain.mine([postedLog(MARKET, 2, REQUESTER, jobDocument({ name: 'while away' }))]);
    await log.poll();
    expect(failures).toHaveLength(1);
    expect(log.status().lastError).toMatch(/connection refused/);
    expect(log.status().block).toBe(1);
    chain.fail('getLogs', null);
    await log.poll();
    expect(log.status().lastError).toBeNull();
    expect(log.document('2')).toContain('while away');
  });

  it('resumes from its file after a restart, reading only the new blocks', async () => {
    const chain = createFakeChain();
    chain.mine([postedLog(MARKET, 1, REQUESTER, jobDocument({ name: 'first' }))]);
    const first = eventLog(chain);
    await first.log.poll();
    await first.log.stop();

    chain.mine([postedLog(MARKET, 2, REQUESTER, jobDocument({ name: 'second' }))]);
    const second = eventLog(chain, { dataDir: first.dataDir });
    await second.log.poll();
    expect(second.ranges[0]).toEqual([2, 2]);
    expect(second.log.document('1')).toContain('first');
    expect(second.log.document('2')).toContain('second');
  });

  it('keeps separate logs per chain identity (a restarted devnet is a new chain)', async () => {
    const chain = createFakeChain();
    chain.mine([postedLog(MARKET, 1, REQUESTER, jobDocument())]);
    const a = eventLog(chain);
    await a.log.poll();
    const b = eventLog(chain, { dataDir: a.dataDir, connection: connectionTo(chain, `0x${'1'.repeat(64)}`) });
    await b.log.poll();
    expect(b.log.status().chainKey).not.toBe(a.log.status().chainKey);
    expect(b.ranges[0]?.[0]).toBe(1); // scanned from the deployment block, not resumed
  });

  it('moves with the shared head stream, with no timer of its own', async () => {
    const chain = createFakeChain();
    const { log } = eventLog(chain, { heads: true });
    log.start();
    await log.poll();
    expect(chain.listeners()).toBe(1);
    chain.mine([postedLog(MARKET, 1, REQUESTER, jobDocument({ name: 'pushed' }))]);
    for (let i = 0; i < 50 && !log.book.get('1'); i++) await new Promise((r) => setTimeout(r, 5));
    expect(log.document('1')).toContain('pushed');
    await log.stop();
    expect(chain.listeners()).toBe(0);
  });
});

describe('market event log: the cost of following an idle chain', () => {
  it('asks no logs for a new block whose bloom lacks the market, and does for one that has its logs', async () => {
    const chain = createFakeChain();
    const { log } = eventLog(chain, { heads: true });
    log.start();
    await log.poll();
    const before = chain.calls.getLogs ?? 0;
    for (let i = 0; i < 5; i++) {
      chain.mineEmpty(1);
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(chain.calls.getLogs ?? 0).toBe(before);
    expect(log.status().block).toBe(chain.blocks().length - 1);
    chain.mine([postedLog(MARKET, 1, REQUESTER, jobDocument({ name: 'seen' }))]);
    for (let i = 0; i < 50 && !log.book.get('1'); i++) await new Promise((r) => setTimeout(r, 5));
    expect(log.document('1')).toContain('seen');
    expect(chain.calls.getLogs).toBe(before + 1);
    await log.stop();
  });
});

describe('market event log: what is kept, and how it is written', () => {
  it('keeps a flood of posts that are no runnable document without their text, in memory and on disk', async () => {
    const chain = createFakeChain();
    const unusable = jobDocument({ name: `flood ${'x'.repeat(3_500)}` });
    const { log, dataDir } = eventLog(chain);
    for (let id = 1; id <= 100; id++) chain.mine([postedLog(MARKET, id, REQUESTER, unusable)]);
    chain.mine([postedLog(MARKET, 101, REQUESTER, jobDocument({ name: 'fine' })), postedLog(MARKET, 102, ME, unusable)]);
    await log.poll();
    const flooded = log.book.get('7')!;
    expect(flooded.state).toBe('open');
    expect(log.document('7')).toBe('');
    expect(flooded.specError).toMatch(/name is 3506 characters long/);
    expect(log.document('101')).toContain('fine');
    // Our own post keeps its text; none of these is an undecodable (invalid) post.
    expect(log.document('102')).toBe(unusable);
    expect(log.invalid()).toEqual([]);
    // ~100 posts of 4 KB, written as a few hundred bytes each.
    const file = join(dataDir, 'market', 'index', `${log.status().chainKey}.jsonl`);
    expect(statSync(file).size).toBeLessThan(100 * 1_000 + 3 * 5_000);
    await log.stop();

    const again = eventLog(chain, { dataDir });
    await again.log.poll();
    expect(again.log.book.size()).toBe(102);
    expect(again.log.book.get('7')?.specError).toBe(flooded.specError);
    expect(again.log.document('101')).toContain('fine');
  });


  it('appends each step to its file; it never rewrites the whole index per poll', async () => {
    const chain = createFakeChain();
    const { log, dataDir } = eventLog(chain);
    const sizes: number[] = [];
    for (let i = 1; i <= 20; i++) {
      chain.mine([postedLog(MARKET, i, REQUESTER, jobDocument({ name: `job ${i}` }))]);
      await log.poll();
      // The log and its document file (each document stored once there, deflated).
      const base = join(dataDir, 'market', 'index', `${log.status().chainKey}`);
      sizes.push(statSync(`${base}.jsonl`).size + statSync(`${base}.0.docs`).size);
    }
    const growth = sizes.slice(1).map((s, i) => s - sizes[i]!);
    const oneJob = Buffer.byteLength(JSON.stringify(jobDocument({ name: 'job 10' })));
    // Each step writes about one job (its event, facts, document and the cursor), not the
    // whole index: the 20th step writes no more than the 2nd.
    for (const g of growth) {
      expect(g).toBeGreaterThan(300);
      expect(g).toBeLessThan(oneJob + 1500);
    }
    expect(Math.max(...growth) - Math.min(...growth)).toBeLessThan(50);
    expect(log.bytesWritten()).toBe(sizes[sizes.length - 1]);
    expect(existsSync(join(dataDir, 'market', 'index', `${log.status().chainKey}.json`))).toBe(false);
  });

  it('stays bounded: other providers\' closed jobs and expired open jobs are dropped; ours and open ones kept', async () => {
    const chain = createFakeChain({ startTime: 1_000_000 });
    const spec = jobDocument({ name: 'x'.repeat(3000) });
    const { log, dataDir } = eventLog(chain, { compactAfterBytes: 100_000 });
    let id = 0;
    // 150 jobs claimed and settled by another provider, 50 that expire unclaimed, ours, and 20 still open.
    for (let i = 0; i < 150; i++) {
      id++;
      chain.mine([postedLog(MARKET, id, REQUESTER, spec), claimedLog(MARKET, id, OTHER, 1n), settledLog(MARKET, id, OTHER, REQUESTER, 1n, 0n)]);
    }
    for (let i = 0; i < 50; i++) chain.mine([postedLog(MARKET, ++id, REQUESTER, spec, { claimBy: 1_000_050 })]);
    const ours = ++id;
    chain.mine([postedLog(MARKET, ours, REQUESTER, spec), claimedLog(MARKET, ours, ME, 1n), settledLog(MARKET, ours, ME, REQUESTER, 1n, 0n), withdrawnLog(MARKET, ME, 1n)]);
    const open: number[] = [];
    for (let i = 0; i < 20; i++) {
      open.push(++id);
      chain.mine([postedLog(MARKET, id, REQUESTER, spec, { claimBy: 5_000_000 })]);
    }
    await log.poll();
    log.compact();
    expect(log.book.size()).toBe(21);
    expect(log.book.get(String(ours))?.state).toBe('settled');
    for (const o of open) expect(log.book.get(String(o))?.state).toBe('open');
    const file = join(dataDir, 'market', 'index', `${log.status().chainKey}.jsonl`);
    expect(statSync(file).size).toBeLessThan(22 * 5_000);
    const mine = log.accountEvents(ME);
    expect(mine?.events.map((e) => e.kind)).toEqual(['posted', 'claimed', 'settled', 'withdrawn']);

    // A restart reads back exactly what was kept.
    const again = eventLog(chain, { dataDir });
    await again.log.poll();
    expect(again.log.book.size()).toBe(21);
    expect(again.log.accountEvents(ME)?.events).toHaveLength(4);
    expect(readFileSync(file, 'utf8').split('\n').filter(Boolean).length).toBeLessThan(100);
  });
});

describe('market event log: token transfers to our wallet (issue 13: the balance explained)', () => {
  const TOKEN = '0x0000000000000000000000000000000000000001';
  const transfer = (from: string, to: string, value: bigint) => {
    const encoded = tokenInterface.encodeEventLog('Transfer', [from, to, value]);
    return { address: TOKEN, topics: encoded.topics, data: encoded.data };
  };

  it('keeps the token\'s Transfer events to our wallet, newest first, across a reorg and a restart', async () => {
    const chain = createFakeChain({ startTime: 1_000_000 });
    const { log, dataDir } = eventLog(chain);
    chain.mine([transfer(REQUESTER, ME, 5_000_000n), transfer(REQUESTER, OTHER, 7n)]);
    chain.mine([transfer(OTHER, ME, 250_000n)]);
    await log.poll();
    expect(log.received(ME).map((r) => [r.from, r.amount])).toEqual([
      [OTHER, 250_000n],
      [REQUESTER, 5_000_000n],
    ]);
    expect(log.received(ME)[0]!.timestamp).toBeGreaterThan(0);
    // The block with the second transfer is replaced: the transfer goes with it.
    chain.reorg(1, [[]]);
    await log.poll();
    expect(log.received(ME).map((r) => r.amount)).toEqual([5_000_000n]);
    // A restart reads it back from the file.
    const again = eventLog(chain, { dataDir });
    await again.log.poll();
    expect(again.log.received(ME).map((r) => r.amount)).toEqual([5_000_000n]);
  });

  it('a wallet created later gets the transfers it received before, once', async () => {
    const chain = createFakeChain({ startTime: 1_000_000 });
    let account: string | null = null;
    const dir = tempDir('rigshift-event-log-');
    dirs.push(dir);
    const log = createMarketIndexer({
      connection: () => connectionTo(chain),
      reportFailure: () => undefined,
      dataDir: dir.path,
      logger: recordingLogger().logger,
      clock: { now: () => new Date() },
      confirmations: () => 0,
      reopenClaimWindow: async () => 300,
      account: () => account,
    });
    chain.mine([transfer(REQUESTER, ME, 9n)]);
    await log.poll();
    expect(log.received(ME)).toEqual([]);
    account = ME;
    chain.mine([transfer(REQUESTER, ME, 10n)]);
    await log.poll();
    await log.poll();
    expect(log.received(ME).map((r) => r.amount)).toEqual([10n, 9n]);
  });
});
