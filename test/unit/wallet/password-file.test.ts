/** `--wallet-password-file`: only a file its owner alone can read is accepted (like geth's --password). */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readWalletPasswordFile } from '../../../electron/agent/wallet/password-file';
import { tempDir } from '../../helpers/temp-dir';

const dir = tempDir('rigshift-pwfile-');

describe.skipIf(process.platform === 'win32')('wallet password file', () => {
  it('reads a 0600 file (first line, without the newline) and refuses 0644 with the chmod fix', () => {
    const file = join(dir.path, 'pw');
    writeFileSync(file, 'secret password\n');
    chmodSync(file, 0o644);
    expect(() => readWalletPasswordFile(file)).toThrow(expect.objectContaining({ code: 'password_file_permissions', hint: `Make it private: chmod 600 ${file}` }));
    chmodSync(file, 0o600);
    expect(readWalletPasswordFile(file)).toBe('secret password');
    expect(() => readWalletPasswordFile(join(dir.path, 'missing'))).toThrow(expect.objectContaining({ code: 'password_file_missing' }));
    dir.cleanup();
  });
});
