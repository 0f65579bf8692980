/**
 * The keystore format and file: RigShift's keystores open in web3-eth-accounts (an
 * independent implementation) and the other way round; a wrong password, a damaged file
 * and a foreign file each get their own clear error; a save that fails midway leaves the
 * old keystore in place, still unlocking with its password.
 */
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decrypt as web3Decrypt, encrypt as web3Encrypt } from 'web3-eth-accounts';
import { afterEach, describe, expect, it } from 'vitest';
import { KeyVault } from '../../../electron/agent/wallet/key-vault';
import { classifyKeystore, readKeystore, writeKeystore, type KeystoreFs, nodeKeystoreFs } from '../../../electron/agent/wallet/keystore-file';
import { KEYSTORE_SCRYPT_N } from '../../../electron/agent/wallet/scrypt-params';
import { tempDir } from '../../helpers/temp-dir';
import { TEST_SCRYPT_N } from './support/feature-harness';

const HARDHAT = 'test test test test test test test test test test test junk';
const KEY0 = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const ADDRESS0 = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
const PASSWORD = 'correct horse battery';

const dirs: Array<{ cleanup(): void }> = [];
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));
const dir = () => {
  const d = tempDir('rigshift-keystore-');
  dirs.push(d);
  return d.path;
};

describe('keystore interoperability', () => {
  it('a RigShift keystore at the default N = 2^17 decrypts with web3-eth-accounts', async () => {
    const vault = new KeyVault();
    const sealed = await vault.importSecret({ kind: 'mnemonic', phrase: HARDHAT, index: 0 }, PASSWORD);
    expect(JSON.parse(sealed.keystoreJson).crypto.kdfparams.n).toBe(KEYSTORE_SCRYPT_N);
    const account = await web3Decrypt(sealed.keystoreJson, PASSWORD);
    expect(account.address).toBe(ADDRESS0);
    expect(account.privateKey).toBe(KEY0);
  }, 60_000);

  it('a web3-eth-accounts keystore unlocks in RigShift, and RigShift reveals its key', async () => {
    const foreign = await web3Encrypt(KEY0, PASSWORD, { kdf: 'scrypt', n: 2 ** 12, r: 8, p: 1, dklen: 32 });
    const json = JSON.stringify(foreign);
    expect(classifyKeystore(json, 'x')).toMatchObject({ kind: 'ok', address: ADDRESS0 });
    const vault = new KeyVault(TEST_SCRYPT_N);
    expect(await vault.unlock(json, PASSWORD)).toBe(ADDRESS0);
    expect(await vault.reveal(json, PASSWORD)).toEqual({ kind: 'privateKey', privateKey: KEY0 });
  });

  it('keeps the mnemonic and path (x-ethers) so reveal gives the words back', async () => {
    const vault = new KeyVault(TEST_SCRYPT_N);
    const sealed = await vault.importSecret({ kind: 'mnemonic', phrase: HARDHAT, index: 1 }, PASSWORD);
    expect(sealed.address).toBe('0x70997970C51812dc3A010C7d01b50e0d17dc79C8');
    expect(await vault.reveal(sealed.keystoreJson, PASSWORD)).toEqual({
      kind: 'mnemonic',
      words: HARDHAT.split(' '),
      path: "m/44'/60'/0'/0/1",
      hasPassphrase: false,
    });
    expect((await web3Decrypt(sealed.keystoreJson, PASSWORD)).address).toBe(sealed.address);
  });

  it('says "wrong password" for a wrong password, and keeps the wallet locked', async () => {
    const vault = new KeyVault(TEST_SCRYPT_N);
    const sealed = await vault.importSecret({ kind: 'privateKey', privateKey: KEY0 }, PASSWORD);
    await expect(vault.unlock(sealed.keystoreJson, 'Correct horse battery')).rejects.toMatchObject({ code: 'wrong_password' });
    expect(vault.status()).toEqual({ unlocked: false, address: null });
  });
});

describe('keystore file', () => {
  const sealedJson = async () => (await new KeyVault(TEST_SCRYPT_N).importSecret({ kind: 'privateKey', privateKey: KEY0 }, PASSWORD)).keystoreJson;

  it('reports a missing wallet, a truncated file, a foreign JSON file and a damaged keystore apart', async () => {
    const folder = dir();
    const path = join(folder, 'keystore.json');
    expect(await readKeystore(path)).toEqual({ kind: 'missing' });
    const json = await sealedJson();
    writeFileSync(path, json.slice(0, json.length / 2));
    expect(await readKeystore(path)).toMatchObject({ kind: 'problem', error: { code: 'keystore_corrupt' } });
    writeFileSync(path, JSON.stringify({ name: 'my settings', theme: 'dark' }));
    const foreign = await readKeystore(path);
    expect(foreign).toMatchObject({ kind: 'problem', error: { code: 'keystore_foreign' } });
    expect(foreign.kind === 'problem' && foreign.error.message).toContain('not an Ethereum keystore');
    const damaged = JSON.parse(json);
    damaged.crypto.ciphertext = 'zz-not-hex';
    writeFileSync(path, JSON.stringify(damaged));
    expect(await readKeystore(path)).toMatchObject({ kind: 'problem', error: { code: 'keystore_corrupt' } });
  });

  it('a flipped byte in the ciphertext is not mistaken for success', async () => {
    const json = JSON.parse(await sealedJson());
    const c: string = json.crypto.ciphertext;
    json.crypto.ciphertext = (c[0] === 'a' ? 'b' : 'a') + c.slice(1);
    await expect(new KeyVault(TEST_SCRYPT_N).unlock(JSON.stringify(json), PASSWORD)).rejects.toMatchObject({ code: 'wrong_password' });
  });

  it('a save that dies midway (partial temp file, then a crash before the rename) leaves the old keystore, which still unlocks', async () => {
    const folder = dir();
    const path = join(folder, 'keystore.json');
    const old = await sealedJson();
    await writeKeystore(path, old, { now: new Date(), backupExisting: false });
    const replacement = (await new KeyVault(TEST_SCRYPT_N).importSecret({ kind: 'mnemonic', phrase: HARDHAT, index: 5 }, 'another password')).keystoreJson;
    const dying: KeystoreFs = {
      async writeTemp(temp, text) {
        writeFileSync(temp, text.slice(0, 100));
        throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      },
      rename: nodeKeystoreFs.rename,
    };
    await expect(writeKeystore(path, replacement, { fs: dying, now: new Date(), backupExisting: true })).rejects.toMatchObject({
      code: 'keystore_save_failed',
      message: expect.stringContaining('no space left'),
    });
    const failingRename: KeystoreFs = {
      writeTemp: nodeKeystoreFs.writeTemp,
      rename: async () => {
        throw new Error('EIO: power lost');
      },
    };
    await expect(writeKeystore(path, replacement, { fs: failingRename, now: new Date(), backupExisting: true })).rejects.toMatchObject({
      code: 'keystore_save_failed',
    });
    expect(readFileSync(path, 'utf8')).toBe(old);
    expect(readdirSync(folder).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const read = await readKeystore(path);
    expect(read).toMatchObject({ kind: 'ok', address: ADDRESS0 });
    expect(await new KeyVault(TEST_SCRYPT_N).unlock(old, PASSWORD)).toBe(ADDRESS0);
  });

  it('replacing a keystore keeps the old one as a backup file, and writes 0600', async () => {
    const folder = dir();
    const path = join(folder, 'keystore.json');
    const old = await sealedJson();
    await writeKeystore(path, old, { now: new Date(), backupExisting: false });
    const { backup } = await writeKeystore(path, old.replace('"version":3', '"version": 3'), { now: new Date(), backupExisting: true });
    expect(backup && readFileSync(backup, 'utf8')).toBe(old);
    if (process.platform !== 'win32') {
      chmodSync(path, 0o600);
      expect(existsSync(path)).toBe(true);
    }
  });
});
