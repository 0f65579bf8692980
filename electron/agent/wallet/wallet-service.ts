/**
 * The wallet's lifecycle on the agent's main thread: which keystore exists, whether the
 * key worker holds it unlocked, create/import/unlock/lock/reveal, and remember-on-device.
 * This thread sees addresses, encrypted keystores and passwords in transit — never a
 * decrypted key. (The words of a new wallet and revealSecret's answer pass through on
 * their way to the owner, and are not kept.)
 */
import { getAddress } from 'ethers';
import { AgentError } from '../../../shared/api/result';
import type { ImportSource, RevealedSecret, WalletLifecycle } from '../../../shared/domain/wallet';
import type { Clock, Logger } from '../ports';
import type { SealedWallet, WalletSource } from './key-vault';
import type { KeyWorkerClient } from './key-worker-client';
import { keystorePath, readKeystore, writeKeystore, type KeystoreFs, type KeystoreRead } from './keystore-file';
import { forgetRemembered, readRemembered, writeRemembered } from './remembered-password';
import type { SecretStore, SecretStoreAvailability } from './secret-store';
import { readJsonOrSetAside, writeJsonAtomically } from '../node-adapters/atomic-json-file';
import { join } from 'node:path';
import { walletDir } from './keystore-file';

interface WalletMeta {
  address: string;
  source: WalletSource;
  path: string | null;
}

export interface WalletService {
  lifecycle(): WalletLifecycle;
  address(): string | null;
  meta(): WalletMeta | null;
  problem(): AgentError | null;
  unlockProgress(): number | null;
  remember(): Promise<{ available: boolean; reason: string | null; enabled: boolean }>;
  load(): Promise<void>;
  create(replaceExisting: boolean): Promise<{ creationId: string; words: string[]; confirmIndexes: number[]; expiresAt: string }>;
  confirmWords(creationId: string, checks: { index: number; word: string }[], password: string): Promise<void>;
  importWallet(source: ImportSource, password: string, replaceExisting: boolean): Promise<void>;
  unlock(password: string, remember?: boolean): Promise<void>;
  lock(): Promise<void>;
  reveal(password: string): Promise<RevealedSecret>;
  exportKeystore(password: string): Promise<{ fileName: string; json: string }>;
  /** Resolves when the password opens the keystore (the wallet stays as it is); throws otherwise. */
  verifyPassword(password: string): Promise<void>;
  setRemember(enabled: boolean, password?: string): Promise<void>;
  /** Unlocks at start from the password file or the OS keychain, when either is there. */
  unlockAtStart(password: string | undefined): Promise<void>;
  onChange(listener: () => void): () => void;
}

export function createWalletService(deps: {
  dataDir: string;
  worker: KeyWorkerClient;
  secretStore: SecretStore;
  clock: Clock;
  logger: Logger;
  onProgress: (fraction: number) => void;
  keystoreFs?: KeystoreFs;
}): WalletService {
  const { dataDir, worker, clock, logger } = deps;
  const file = keystorePath(dataDir);
  const metaFile = join(walletDir(dataDir), 'wallet.json');
  let keystore: KeystoreRead = { kind: 'missing' };
  let meta: WalletMeta | null = null;
  let state: WalletLifecycle = 'none';
  let progress: number | null = null;
  let availability: SecretStoreAvailability | null = null;
  let rememberEnabled = false;
  const listeners = new Set<() => void>();

  const changed = () => {
    for (const listener of [...listeners]) listener();
  };
  const setState = (next: WalletLifecycle) => {
    state = next;
    changed();
  };

  // The key died with the worker: whatever it held is locked now.
  worker.onExit(() => {
    if (state === 'unlocked' || state === 'unlocking') setState(keystore.kind === 'ok' ? 'locked' : 'none');
  });

  const requireKeystore = (): string => {
    if (keystore.kind === 'ok') return keystore.json;
    if (keystore.kind === 'problem') throw keystore.error;
    throw new AgentError('no_wallet', 'There is no wallet on this computer yet.', 'Create a new wallet or import one.');
  };

  const withProgress = async <T>(run: () => Promise<T>): Promise<T> => {
    progress = 0;
    try {
      return await run();
    } finally {
      progress = null;
    }
  };
  const report = (fraction: number) => {
    progress = fraction;
    deps.onProgress(fraction);
  };

  async function save(sealed: SealedWallet): Promise<void> {
    try {
      await writeKeystore(file, sealed.keystoreJson, { fs: deps.keystoreFs, now: clock.now(), backupExisting: keystore.kind !== 'missing' });
    } catch (error) {
      await worker.request({ op: 'discardStaged' });
      throw error;
    }
    await worker.request({ op: 'activateStaged' });
    keystore = { kind: 'ok', json: sealed.keystoreJson, address: getAddress(sealed.address) };
    meta = { address: getAddress(sealed.address), source: sealed.source, path: sealed.path };
    await writeJsonAtomically(metaFile, meta).catch((error: unknown) => logger.warn('wallet: could not save wallet.json', { error: String(error) }));
    // A remembered password belongs to the wallet it was typed for.
    await forgetRemembered(dataDir);
    rememberEnabled = false;
    logger.info('wallet: saved and unlocked', { address: meta.address, source: meta.source });
    setState('unlocked');
  }

  const refuseReplace = (replaceExisting: boolean) => {
    if (keystore.kind === 'ok' && !replaceExisting) {
      throw new AgentError(
        'wallet_exists',
        `This computer already has a wallet (${keystore.address}).`,
        'Export its keystore or write down its words first; then choose "replace" (the old keystore is kept as a backup file).',
      );
    }
  };

  const service: WalletService = {
    lifecycle: () => state,
    address: () => (keystore.kind === 'ok' ? keystore.address : null),
    meta: () => meta,
    problem: () => (keystore.kind === 'problem' ? keystore.error : null),
    unlockProgress: () => (state === 'unlocking' ? progress : null),
    async remember() {
      availability ??= await deps.secretStore.availability().catch((error: unknown) => ({ available: false as const, reason: String(error) }));
      return { available: availability.available, reason: availability.available ? null : availability.reason, enabled: rememberEnabled };
    },
    async load() {
      keystore = await readKeystore(file);
      const loaded = readJsonOrSetAside<WalletMeta>(metaFile, (raw) => ({ ok: true, value: raw as WalletMeta }), clock.now());
      meta = loaded.kind === 'ok' && keystore.kind === 'ok' && loaded.value.address === keystore.address ? loaded.value : null;
      if (!meta && keystore.kind === 'ok') meta = { address: keystore.address, source: 'privateKey', path: null };
      const remembered = await readRemembered(dataDir);
      rememberEnabled = remembered !== null && keystore.kind === 'ok' && remembered.address === keystore.address;
      if (keystore.kind === 'problem') logger.warn('wallet: keystore unusable', { code: keystore.error.code, message: keystore.error.message });
      setState(keystore.kind === 'ok' ? 'locked' : 'none');
    },
    async create(replaceExisting) {
      refuseReplace(replaceExisting);
      const created = await worker.request({ op: 'generate' });
      return { ...created, expiresAt: new Date(created.expiresAt).toISOString() };
    },
    async confirmWords(creationId, checks, password) {
      const sealed = await withProgress(() => worker.request({ op: 'confirmCreation', creationId, checks, password }, report));
      await save(sealed);
    },
    async importWallet(source, password, replaceExisting) {
      refuseReplace(replaceExisting);
      const sealed = await withProgress(() => worker.request({ op: 'importSecret', source, password }, report));
      await save(sealed);
    },
    async unlock(password, remember) {
      const json = requireKeystore();
      if (state === 'unlocking') throw new AgentError('unlock_in_progress', 'The wallet is already being unlocked.');
      if (state === 'unlocked') return;
      setState('unlocking');
      try {
        await withProgress(() => worker.request({ op: 'unlock', keystoreJson: json, password }, report));
      } catch (error) {
        setState('locked');
        throw error;
      }
      setState('unlocked');
      if (remember) await service.setRemember(true, password);
    },
    async lock() {
      await worker.request({ op: 'lock' });
      if (keystore.kind === 'ok') setState('locked');
    },
    async reveal(password) {
      return withProgress(() => worker.request({ op: 'reveal', keystoreJson: requireKeystore(), password }, report));
    },
    async exportKeystore(password) {
      const json = requireKeystore();
      const address = await withProgress(() => worker.request({ op: 'verifyPassword', keystoreJson: json, password }, report));
      return { fileName: `rigshift-keystore-${address}.json`, json };
    },
    async verifyPassword(password) {
      const json = requireKeystore();
      await withProgress(() => worker.request({ op: 'verifyPassword', keystoreJson: json, password }, report));
    },
    async setRemember(enabled, password) {
      if (!enabled) {
        await forgetRemembered(dataDir);
        rememberEnabled = false;
        changed();
        return;
      }
      const { available, reason } = await service.remember();
      if (!available) throw new AgentError('remember_unavailable', 'This computer cannot keep the password safely.', reason ?? undefined);
      if (!password) throw new AgentError('password_required', 'Type the wallet password to remember it on this device.');
      const json = requireKeystore();
      const address = await worker.request({ op: 'verifyPassword', keystoreJson: json, password });
      await writeRemembered(dataDir, getAddress(address), await deps.secretStore.seal(password));
      rememberEnabled = true;
      changed();
    },
    async unlockAtStart(password) {
      if (keystore.kind !== 'ok') return;
      let source = 'password file';
      if (password === undefined) {
        const remembered = rememberEnabled ? await readRemembered(dataDir) : null;
        if (!remembered || !(await service.remember()).available) return;
        source = 'OS keychain';
        password = await deps.secretStore.unseal(remembered.sealed);
      }
      try {
        await service.unlock(password);
        logger.info(`wallet: unlocked at start (${source})`);
      } catch (error) {
        logger.warn(`wallet: could not unlock at start (${source})`, { error: error instanceof Error ? error.message : String(error) });
      }
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return service;
}
