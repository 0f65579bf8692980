/**
 * scrypt cost of the keystore at rest. The app always writes ethers' default N = 2^17
 * (geth-compatible, ≈0.7 s per unlock on a 2-core VM, chain.md §3.2).
 *
 * Tests lower it to keep a full create/unlock flow fast: through the `scryptN` option of
 * createWalletFeature, or, for a spawned `rigshift headless`, through the environment
 * variable below. The app never sets either; a rig that sets the variable gets a loud
 * warning in its log and weaker keystores. Reading a keystore honours whatever N it says.
 */
export const KEYSTORE_SCRYPT_N = 2 ** 17;

export const TEST_SCRYPT_N_ENV = 'RIGSHIFT_INSECURE_TEST_SCRYPT_N';

/** A power of two from 2^10 to 2^20, or undefined (use the default). */
export function validScryptN(value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 2 ** 10 || value > 2 ** 20 || (value & (value - 1)) !== 0) {
    throw new Error(`scrypt N must be a power of two from 1024 to 1048576, not ${value}`);
  }
  return value;
}

export function scryptNFromEnvironment(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env[TEST_SCRYPT_N_ENV];
  return raw === undefined || raw === '' ? undefined : validScryptN(Number(raw));
}
