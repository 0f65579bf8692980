/**
 * Disk full: while the wallet cannot store its transaction records it throws before
 * signing; the market stops sending, says "disk full: free space in <dir>" (not a chain
 * failure), backs off, and resumes by itself. Retention: results of closed jobs are removed
 * after the retention period the record shows (default 7 days), every run's folder with them.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diskFullDir, isDiskFull } from '../../../electron/agent/market/disk-full';
import { createSendGate, DISK_FULL_BACKOFF } from '../../../electron/agent/market/send-gate';
import { removeJobResults } from '../../../electron/agent/jobs/job-runner';
import { workspacePaths } from '../../../electron/agent/jobs/job-workspace';
import { tempDir } from '../../helpers/temp-dir';
import { createHarness } from './provider-harness';

const enospc = () => Object.assign(new Error("ENOSPC: no space left on device, write '/data/wallet/txs.json'"), { code: 'ENOSPC', path: '/data/wallet/txs.json' });

describe('disk full', () => {
  it('recognises the wallet\'s disk-full errors and names the folder to free', () => {
    expect(isDiskFull(enospc())).toBe(true);
    expect(isDiskFull(Object.assign(new Error('The transaction was not signed: disk full'), { code: 'disk_full' }))).toBe(true);
    expect(isDiskFull(new Error('could not store the transaction: disk full'))).toBe(true);
    expect(isDiskFull(new Error('execution reverted: NotClaimed'))).toBe(false);
    expect(diskFullDir(enospc(), '/fallback')).toBe('/data/wallet');
    expect(diskFullDir(new Error('disk full'), '/fallback')).toBe('/fallback');
  });

  it('the send gate closes with the message, backs off (2 s doubling to 1 min) and reopens by itself', () => {
    let now = 0;
    const notices: string[] = [];
    const gate = createSendGate({ clock: { now: () => new Date(now) }, dataDir: '/data', notice: (t) => notices.push(t) });
    expect(gate.open()).toBe(true);
    gate.diskFull(enospc());
    expect(gate.open()).toBe(false);
    expect(gate.block()).toEqual({ code: 'disk-full', message: 'disk full: free space in /data/wallet' });
    now += DISK_FULL_BACKOFF.firstMs;
    expect(gate.open()).toBe(true); // one probe
    gate.diskFull(enospc());
    now += DISK_FULL_BACKOFF.firstMs;
    expect(gate.open()).toBe(false); // doubled
    now += DISK_FULL_BACKOFF.firstMs;
    expect(gate.open()).toBe(true);
    for (let i = 0; i < 10; i++) gate.diskFull(enospc());
    now += DISK_FULL_BACKOFF.maxMs - 1;
    expect(gate.open()).toBe(false);
    now += 1;
    expect(gate.open()).toBe(true);
    gate.sent();
    expect(gate.block()).toBeNull();
    expect(notices).toHaveLength(2);
    expect(notices[0]).toMatch(/^disk full: free space in \/data\/wallet/);
  });

  it('the provider reports a disk-full send, keeps the job where it was, and submits once space returns', async () => {
    const h = createHarness();
    h.chain.post({ id: '1' });
    await h.claim('1');
    h.runs[0]!.finish();
    h.chain.failNext('submit', enospc());
    await h.settle();
    expect(h.diskFull).toHaveLength(1);
    expect(h.job('1')?.state).toBe('uploading');
    expect(h.log.some((e) => e.message === 'market job step failed; retrying')).toBe(false);
    expect(h.chain.sentOf('submit')).toHaveLength(0);
    await h.tick();
    expect(h.job('1')?.state).toBe('submitted');
    expect(h.chain.triedOf('submit')).toHaveLength(2);
    expect(h.uploads).toHaveLength(1);
  });
});

describe('results retention', () => {
  it('removes every run\'s results of a settled job after the retention period shown on the record', async () => {
    const h = createHarness();
    h.chain.post({ id: '1' });
    await h.claim('1');
    h.runs[0]!.finish('preempted', 1000); // not preemptible: runs again, a second folder
    await h.settle();
    h.runs[1]!.finish();
    await h.settle();
    h.chain.accept('1');
    await h.provider.applyChainEvent('1', 'settled', { message: 'Accepted' });
    const removeAt = h.job('1')?.resultsRemoveAt;
    expect(removeAt).toBe(new Date(h.chain.time() * 1000 + 7 * 24 * 3600_000).toISOString());
    h.advance(7 * 24 * 3600 - 10);
    expect(await h.provider.sweepResults(new Date(h.chain.time() * 1000))).toBe(0);
    expect(h.removed).toHaveLength(0);
    h.advance(20);
    expect(await h.provider.sweepResults(new Date(h.chain.time() * 1000))).toBe(1);
    expect(h.removed.sort()).toEqual([...(h.extra('1')?.localJobIds ?? [])].sort());
    expect(h.removed).toHaveLength(2);
    expect(h.job('1')?.resultsRemovedAt).not.toBeNull();
    expect(await h.provider.sweepResults(new Date(h.chain.time() * 1000 + 1000))).toBe(0);
  });

  it('keeps the results of a job still in flight, however old', async () => {
    const h = createHarness();
    h.chain.post({ id: '1' });
    await h.claim('1');
    h.advance(30 * 24 * 3600);
    expect(await h.provider.sweepResults(new Date(h.chain.time() * 1000))).toBe(0);
    expect(h.removed).toHaveLength(0);
  });

  it('removeJobResults leaves nothing of the job behind (folder and log)', () => {
    const dir = tempDir('rigshift-retention-');
    try {
      const ws = workspacePaths(dir.path, 'market-x-1-abc');
      mkdirSync(ws.resultsDir, { recursive: true });
      writeFileSync(`${ws.resultsDir}/result.txt`, 'x');
      mkdirSync(ws.logFile.replace(/\/[^/]+$/, ''), { recursive: true });
      writeFileSync(ws.logFile, 'log');
      removeJobResults(dir.path, 'market-x-1-abc');
      expect(existsSync(ws.root)).toBe(false);
      expect(existsSync(ws.logFile)).toBe(false);
    } finally {
      dir.cleanup();
    }
  });
});
