/**
 * Was our disk full while the job ran? The job's workspace (out/) lives in the owner's data
 * dir: when that file system fills up, the job's own writes fail, and a job that does not
 * check them (`echo result > out/result.txt; ...`) exits 0 with an empty or missing result,
 * which would be delivered and paid for as if it were the job's answer. The runner samples
 * the free space of the workspace's file system while the job runs (and once at the end);
 * a sample at (almost) nothing left taints the run, which then fails as a machine fault
 * (job_disk_full) and runs again once there is room.
 */
import { statfs } from 'node:fs/promises';

/** At or below this much free space a write of the job may have failed. */
export const DISK_FULL_BYTES = 64 * 1024;

export async function freeBytes(dir: string): Promise<number> {
  const s = await statfs(dir);
  return Number(s.bavail) * Number(s.bsize);
}

export interface DiskFullWatch {
  /** Samples once more and stops; resolves true when any sample found the disk full. */
  stop(): Promise<boolean>;
}

export function watchDiskFull(dir: string, options: { intervalMs: number; free?: (dir: string) => Promise<number> }): DiskFullWatch {
  const free = options.free ?? freeBytes;
  let full = false;
  const sample = () =>
    free(dir).then(
      (bytes) => {
        if (bytes <= DISK_FULL_BYTES) full = true;
      },
      () => undefined, // cannot tell (the folder is gone, say): no verdict
    );
  void sample();
  const timer = setInterval(() => void sample(), options.intervalMs);
  timer.unref?.();
  return {
    async stop() {
      clearInterval(timer);
      await sample();
      return full;
    },
  };
}
