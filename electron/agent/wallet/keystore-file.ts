/**
 * The keystore on disk: <dataDir>/wallet/keystore.json, an encrypted JSON keystore (v3,
 * scrypt) that any Ethereum wallet can import. Written atomically — temp file, fsync,
 * rename over the old one, fsync of the folder — so a crash or a full disk leaves the
 * old keystore or the new one, never half of either. A keystore being replaced is first
 * copied to a dated backup; RigShift never deletes one.
 */
import { constants } from 'node:fs';
import { copyFile, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { getAddress, isCrowdsaleJson, isKeystoreJson } from 'ethers';
import { AgentError } from '../../../shared/api/result';
import { syncFolder } from '../node-adapters/atomic-json-file';

export const walletDir = (dataDir: string) => join(dataDir, 'wallet');
export const keystorePath = (dataDir: string) => join(walletDir(dataDir), 'keystore.json');

export type KeystoreRead =
  | { kind: 'missing' }
  | { kind: 'ok'; json: string; address: string }
  | { kind: 'problem'; error: AgentError };

/** The file operations the writer uses; tests swap one for a failing one (a crash mid-save). */
export interface KeystoreFs {
  writeTemp(path: string, text: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
}

export const nodeKeystoreFs: KeystoreFs = {
  async writeTemp(path, text) {
    const handle = await open(path, 'w', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  rename: (from, to) => rename(from, to),
};

export async function readKeystore(path: string): Promise<KeystoreRead> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return {
      kind: 'problem',
      error: new AgentError('keystore_unreadable', `The wallet file ${path} cannot be read: ${(error as Error).message}.`, 'Check the file permissions of the data folder.'),
    };
  }
  return classifyKeystore(text, path);
}

/** Tells a usable keystore from a damaged file and from some other JSON. */
export function classifyKeystore(text: string, path: string): KeystoreRead {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { kind: 'problem', error: corrupt(path, 'it is not complete JSON') };
  }
  if (isCrowdsaleJson(text)) {
    return {
      kind: 'problem',
      error: new AgentError(
        'keystore_foreign',
        `The file ${path} is an Ethereum presale (crowdsale) wallet, not a keystore RigShift can use.`,
        'Import that wallet by its private key instead, or move the file away and create or import a wallet.',
      ),
    };
  }
  if (!isKeystoreJson(text)) {
    const looksLikeKeystore = typeof data === 'object' && data !== null && ('crypto' in data || 'Crypto' in data);
    return {
      kind: 'problem',
      error: looksLikeKeystore
        ? corrupt(path, 'it is not a version-3 keystore')
        : new AgentError(
            'keystore_foreign',
            `The file ${path} is JSON but not an Ethereum keystore.`,
            'Put your keystore file (the one RigShift exported) there, or move this file away and create or import a wallet.',
          ),
    };
  }
  const record = data as { address?: unknown; crypto?: Record<string, unknown>; Crypto?: Record<string, unknown> };
  const cryptoPart = record.crypto ?? record.Crypto ?? {};
  const hex = (value: unknown) => typeof value === 'string' && /^(0x)?[0-9a-fA-F]+$/.test(value);
  const params = cryptoPart.kdfparams as Record<string, unknown> | undefined;
  const cipherparams = cryptoPart.cipherparams as Record<string, unknown> | undefined;
  if (!hex(cryptoPart.ciphertext) || !hex(cryptoPart.mac) || !params || !hex(params.salt) || !hex(cipherparams?.iv)) {
    return { kind: 'problem', error: corrupt(path, 'its encrypted part is incomplete') };
  }
  if (typeof record.address !== 'string') return { kind: 'problem', error: corrupt(path, 'it has no address') };
  try {
    const address = getAddress(record.address.startsWith('0x') ? record.address : `0x${record.address}`);
    return { kind: 'ok', json: text, address };
  } catch {
    return { kind: 'problem', error: corrupt(path, 'its address is not valid') };
  }
}

function corrupt(path: string, why: string): AgentError {
  return new AgentError(
    'keystore_corrupt',
    `The wallet file ${path} is damaged: ${why}.`,
    'Restore it from your exported backup, or import the wallet again from its recovery phrase (the damaged file is kept aside).',
  );
}

let tempCounter = 0;

/**
 * Saves the keystore. When one exists it is copied to keystore.<time>.backup.json first
 * (copy, not move: until the rename below, the old file stays where the agent reads it).
 */
export async function writeKeystore(
  path: string,
  json: string,
  options: { fs?: KeystoreFs; now: Date; backupExisting: boolean },
): Promise<{ backup: string | null }> {
  const fs = options.fs ?? nodeKeystoreFs;
  const folder = join(path, '..');
  await mkdir(folder, { recursive: true, mode: 0o700 });
  let backup: string | null = null;
  if (options.backupExisting) {
    backup = join(folder, `keystore.${options.now.toISOString().replace(/[:.]/g, '-')}.backup.json`);
    try {
      await copyFile(path, backup, constants.COPYFILE_EXCL);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw saveFailed(error);
      backup = null;
    }
  }
  const temp = `${path}.${process.pid}.${++tempCounter}.tmp`;
  try {
    await fs.writeTemp(temp, json);
    await fs.rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw saveFailed(error);
  }
  await syncFolder(folder);
  return { backup };
}

function saveFailed(error: unknown): AgentError {
  return new AgentError(
    'keystore_save_failed',
    `The wallet could not be saved: ${error instanceof Error ? error.message : String(error)}.`,
    'Nothing was changed on disk. Free some disk space or fix the data folder permissions, then try again.',
  );
}
