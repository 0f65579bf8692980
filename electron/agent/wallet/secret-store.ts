/**
 * "Remember on this device": the wallet password sealed by the operating system's
 * keychain, so the wallet can unlock at start without typing it. The port is small so the
 * agent stays Electron-free: the desktop app passes an Electron safeStorage implementation
 * (electron/main/safe-storage-secret-store.ts); headless rigs get the Node one below, which
 * has no keychain and says so (they use --wallet-password-file instead).
 */
export type SecretStoreAvailability = { available: true } | { available: false; reason: string };

export interface SecretStore {
  /**
   * Whether sealing really protects the secret. Must be false where the OS store falls back
   * to a fixed key (Linux "basic_text"): a sealed password there is as good as plain text.
   */
  availability(): Promise<SecretStoreAvailability>;
  /** Encrypts with the OS keychain's key; returns base64. */
  seal(secret: string): Promise<string>;
  unseal(sealed: string): Promise<string>;
}

export function createNodeSecretStore(): SecretStore {
  const reason =
    'The headless agent has no access to an OS keychain, so it cannot keep your password safely. ' +
    'Start it with --wallet-password-file <file> (readable only by you, chmod 600) to unlock at start.';
  const refuse = async (): Promise<never> => {
    throw new Error(reason);
  };
  return { availability: async () => ({ available: false, reason }), seal: refuse, unseal: refuse };
}
