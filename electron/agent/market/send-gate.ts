/**
 * Whether the market may send transactions now. The wallet refuses to sign when it cannot
 * store the transaction's record first (the disk is full); the market then stops sending,
 * says "disk full: free space in <dir>" (not a chain failure), and tries again after a
 * backoff (2 s doubling to 1 min) until a send goes through, by itself.
 */
import type { Clock } from '../ports';
import { diskFullDir } from './disk-full';

export const DISK_FULL_BACKOFF = { firstMs: 2_000, maxMs: 60_000 } as const;

export interface SendGate {
  /** May the market send (or probe with one send) now? */
  open(): boolean;
  /** A send failed on a full disk. */
  diskFull(error: unknown): void;
  /** A send went through: the disk is writable again. */
  sent(): void;
  /** The bidding block to show while the disk is full. */
  block(): { code: 'disk-full'; message: string } | null;
}

export function createSendGate(deps: { clock: Clock; dataDir: string; notice: (text: string) => void }): SendGate {
  let full: { dir: string; until: number; backoffMs: number } | null = null;
  const now = () => deps.clock.now().getTime();
  return {
    open: () => full === null || now() >= full.until,
    diskFull(error) {
      const dir = diskFullDir(error, deps.dataDir);
      if (full === null) deps.notice(`disk full: free space in ${dir}. The market sends nothing until there is room again.`);
      const backoffMs = full === null ? DISK_FULL_BACKOFF.firstMs : Math.min(DISK_FULL_BACKOFF.maxMs, full.backoffMs * 2);
      full = { dir, until: now() + backoffMs, backoffMs };
    },
    sent() {
      if (full === null) return;
      full = null;
      deps.notice('Disk space is back; the market sends again.');
    },
    block: () => (full ? { code: 'disk-full', message: `disk full: free space in ${full.dir}` } : null),
  };
}
