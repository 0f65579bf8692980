/**
 * "Remember on this device" through Electron safeStorage (macOS Keychain, Windows DPAPI,
 * Linux kwallet / libsecret). Refused where it would not protect anything: on Linux
 * without a secret service, safeStorage falls back to "basic_text", a key hard-coded in
 * Chromium — a password sealed with it is as good as plain text (chain.md §3.3).
 * Uses the async API (Electron ≥ 37); the sync one is deprecated.
 */
import type { SafeStorage } from 'electron';
import type { SecretStore } from '../agent/wallet/secret-store';

export function createSafeStorageSecretStore(safeStorage: SafeStorage, platform: NodeJS.Platform = process.platform): SecretStore {
  return {
    async availability() {
      if (!(await safeStorage.isAsyncEncryptionAvailable())) {
        return { available: false, reason: 'The operating system offers no keychain to RigShift right now, so the password cannot be kept safely.' };
      }
      if (platform === 'linux') {
        const backend = safeStorage.getSelectedStorageBackend();
        if (backend === 'basic_text' || backend === 'unknown') {
          return {
            available: false,
            reason:
              'No secret service (GNOME Keyring or KWallet) is running, so Electron would protect the password with a fixed, ' +
              'publicly known key. Install and unlock GNOME Keyring or KWallet, then restart RigShift.',
          };
        }
      }
      return { available: true };
    },
    async seal(secret) {
      return (await safeStorage.encryptStringAsync(secret)).toString('base64');
    },
    async unseal(sealed) {
      const { result } = await safeStorage.decryptStringAsync(Buffer.from(sealed, 'base64'));
      return result;
    },
  };
}
