/**
 * Found by the fault harness (the data dir's disk full for 10 s): the results of a finished
 * job could not be copied (ENOSPC), the file was "skipped", and the job was delivered and
 * paid with 0 output files: the requester's results were lost to our full disk. Worse, a
 * short write (the disk filling mid-file) was not even noticed: the copy kept a truncated
 * file under the whole file's sha256. Now the
 * collection fails as a machine fault ("disk full: free space in <dir>", code
 * job_disk_full), which the market runs again once there is room. On a real 64 KiB tmpfs
 * (root only: `mount -t tmpfs`); skips loudly elsewhere.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectOutputs } from '../../electron/agent/jobs/output-collector';
import { isMachineFault } from '../../electron/agent/market/machine-fault';
import { need } from '../helpers/requirements';
import { tempDir } from '../helpers/temp-dir';

const dir = tempDir('rigshift-output-disk-full-');
const small = join(dir.path, 'small-disk');
mkdirSync(small);

function tryMount(): { ok: boolean; reason: string } {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0700', 'tmpfs', small], { stdio: 'pipe' });
    return { ok: true, reason: '' };
  } catch (error) {
    return { ok: false, reason: `cannot mount a small tmpfs to fill up (needs root): ${(error as Error).message.split('\n')[0]}` };
  }
}
const mounted = need(tryMount());

afterAll(() => {
  if (mounted) execFileSync('umount', [small], { stdio: 'pipe' });
  dir.cleanup();
});

describe.skipIf(!mounted)('output collection on a full disk', () => {
  it('fails as disk full (a machine fault), never delivers the results as missing', async () => {
    const out = join(dir.path, 'out');
    mkdirSync(out);
    writeFileSync(join(out, 'result.bin'), Buffer.alloc(256 * 1024, 7));
    const results = join(small, 'results');
    const collected = await collectOutputs(out, results, { maxTotalBytes: 1024 * 1024, maxFiles: 10 });
    expect(collected.skipped).toEqual([]);
    expect(collected.ok).toBe(false);
    expect(collected).toMatchObject({ diskFull: true, message: `The results could not be saved: disk full: free space in ${results}` });
    expect(isMachineFault({ reason: 'failed', error: { code: 'job_disk_full', message: 'disk full' } })).toBe(true);
  });
});
