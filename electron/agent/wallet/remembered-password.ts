/**
 * The password sealed by the OS keychain (SecretStore), in <dataDir>/wallet/remembered.json
 * (mode 0600). Only the keychain can unseal it; the file names the wallet address it
 * belongs to, so a replaced wallet never gets unlocked with an old password.
 */
import { readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeJsonAtomically } from '../node-adapters/atomic-json-file';
import { walletDir } from './keystore-file';

const RememberedSchema = z.object({ version: z.literal(1), address: z.string(), sealed: z.string() });

export const rememberedPath = (dataDir: string) => join(walletDir(dataDir), 'remembered.json');

export async function readRemembered(dataDir: string): Promise<z.infer<typeof RememberedSchema> | null> {
  try {
    const parsed = RememberedSchema.safeParse(JSON.parse(await readFile(rememberedPath(dataDir), 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export const writeRemembered = (dataDir: string, address: string, sealed: string) =>
  writeJsonAtomically(rememberedPath(dataDir), { version: 1, address, sealed });

export async function forgetRemembered(dataDir: string): Promise<void> {
  await unlink(rememberedPath(dataDir)).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
}
