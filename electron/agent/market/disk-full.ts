/**
 * Recognises "the disk is full" in an error thrown on the way to the chain (the wallet
 * refuses to sign when it cannot store the transaction's record first), so the market
 * says so and backs off instead of calling it a chain failure.
 */
import { dirname } from 'node:path';
import { isDiskFullError } from '../wallet/tx-store';

export function isDiskFull(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  if (isDiskFullError(error)) return true; // the wallet's typed DiskFullError ('disk-full'), or ENOSPC in its causes
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && /^(ENOSPC|EDQUOT|disk_full|DISK_FULL)$/.test(code)) return true;
  return typeof message === 'string' && /ENOSPC|no space left on device|disk (is )?full/i.test(message);
}

/** The folder to free space in: the failing file's folder when the error names it. */
export function diskFullDir(error: unknown, fallback: string): string {
  const { path, dir } = (typeof error === 'object' && error !== null ? error : {}) as { path?: unknown; dir?: unknown };
  if (typeof dir === 'string' && dir) return dir;
  if (typeof path === 'string' && path) return dirname(path);
  return fallback;
}
