/**
 * The wallet's transaction store on a real file system that fills up: a 64 KiB tmpfs (root
 * only: `mount -t tmpfs`), filled by another file until writes fail with ENOSPC. While it is
 * full, a send signs and broadcasts nothing and fails with "disk full: free space in <dir>";
 * once the filler is removed, the same queue sends with the nonce it could not use before.
 * Skips loudly where mounting is not permitted (not root, no CAP_SYS_ADMIN).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, openSync, closeSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTxQueue } from '../../electron/agent/wallet/tx-queue';
import { createTxStore } from '../../electron/agent/wallet/tx-store';
import { FAKE_FROM, FAKE_TO, fakeTxChain } from '../fakes/fake-tx-chain';
import { need } from '../helpers/requirements';
import { recordingLogger } from '../helpers/silent-logger';
import { tempDir } from '../helpers/temp-dir';

const dir = tempDir('rigshift-tmpfs-');
const mountPoint = join(dir.path, 'small-disk');
mkdirSync(mountPoint);

function tryMount(): { ok: boolean; reason: string } {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0700', 'tmpfs', mountPoint], { stdio: 'pipe' });
    return { ok: true, reason: '' };
  } catch (error) {
    return { ok: false, reason: `cannot mount a small tmpfs to fill up (needs root): ${(error as Error).message.split('\n')[0]}` };
  }
}
const mounted = need(tryMount());

afterAll(() => {
  if (mounted) execFileSync('umount', [mountPoint], { stdio: 'pipe' });
  dir.cleanup();
});

/** Writes zeros into `path` until the file system says ENOSPC. */
function fillUp(path: string): number {
  const fd = openSync(path, 'w');
  const block = Buffer.alloc(4096);
  let written = 0;
  try {
    for (;;) written += writeSync(fd, block);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  return written;
}

describe.skipIf(!mounted)('wallet transactions on a disk that fills up (tmpfs)', () => {
  it('signs nothing while the disk is full, says so, and sends by itself once space is back', async () => {
    const chain = fakeTxChain();
    const signed: number[] = [];
    let ms = Date.UTC(2026, 0, 1);
    const store = createTxStore({ dataDir: mountPoint, logger: recordingLogger().logger, now: () => new Date(ms) });
    const queue = createTxQueue({
      store,
      chain: chain.hub,
      address: () => FAKE_FROM,
      isUnlocked: () => true,
      sign: (tx) => {
        signed.push(Number(tx.nonce));
        return Promise.resolve({ raw: `0xraw-${tx.nonce}-${signed.length}`, hash: `0xhash${signed.length}` });
      },
      emit: () => undefined,
      clock: { now: () => new Date(ms) },
      logger: recordingLogger().logger,
    });
    const intent = { to: FAKE_TO, value: 1n, gasLimit: 21_000n, label: 'submit', kind: 'submit' as const };

    // One transaction saved while there is room.
    mkdirSync(join(mountPoint, 'wallet'), { recursive: true });
    expect((await queue.send(intent)).nonce).toBe(0);

    const filler = join(mountPoint, 'filler.bin');
    expect(fillUp(filler)).toBeGreaterThan(0);
    for (let attempt = 0; attempt < 5; attempt++) {
      await expect(queue.send(intent)).rejects.toMatchObject({
        code: 'disk-full',
        message: `disk full: free space in ${join(mountPoint, 'wallet')}`,
      });
    }
    expect(signed).toEqual([0]);
    expect(chain.broadcasts).toEqual(['0xraw-0-1']);
    // No half-written temp file is left to hold the space.
    expect(readdirSync(join(mountPoint, 'wallet')).filter((name) => name.endsWith('.tmp'))).toEqual([]);

    rmSync(filler);
    ms += 100_000;
    await queue.poll();
    const next = await queue.send(intent);
    expect(next.nonce).toBe(1);
    expect(signed).toEqual([0, 1]);
    expect(queue.list().map((t) => t.nonce)).toEqual([1, 0]);
    // What a restart would read back: both, and nothing that was refused.
    const reread = createTxStore({ dataDir: mountPoint, logger: recordingLogger().logger, now: () => new Date(ms) });
    expect(reread.all().filter((r) => r.hashes.length > 0).map((r) => r.nonce)).toEqual([0, 1]);
  });
});
