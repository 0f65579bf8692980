/**
 * `rigshift headless --wallet-password-file F`: unlock at start from a file, like geth's
 * --password. The file must be readable by its owner only (0600): a password in a
 * world-readable file is a key anyone on the machine can use.
 */
import { readFileSync, statSync } from 'node:fs';
import { AgentError } from '../../../shared/api/result';

export function readWalletPasswordFile(path: string, platform: NodeJS.Platform = process.platform): string {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch (error) {
    throw new AgentError('password_file_missing', `The wallet password file ${path} cannot be read: ${(error as Error).message}.`);
  }
  // Windows has no POSIX modes (NTFS ACLs instead): the check applies where modes mean something.
  if (platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new AgentError(
      'password_file_permissions',
      `The wallet password file ${path} can be read by other users (mode ${(mode & 0o777).toString(8)}).`,
      `Make it private: chmod 600 ${path}`,
    );
  }
  // One line; a trailing newline from `echo` is not part of the password.
  const password = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  if (password.length === 0) throw new AgentError('password_file_empty', `The wallet password file ${path} is empty.`);
  return password;
}
