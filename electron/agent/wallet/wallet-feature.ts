/**
 * The wallet feature: answers the wallet calls of the contract, pushes walletState /
 * walletTx / walletUnlockProgress, and gives the other features WalletAccess. Keys live
 * in the key worker (key-worker.ts); see docs/ARCHITECTURE.md, "Wallet".
 */
import type { CallRequest } from '../../../shared/api/contract';
import { AgentError } from '../../../shared/api/result';
import type { WalletBalances, WalletState } from '../../../shared/domain/wallet';
import type { AgentFeature, AgentFeatureContext } from '../agent-feature';
import type { CallHandlers } from '../api/dispatch';
import type { ChainHub } from '../chain/chain-hub';
import type { Clock, Logger } from '../ports';
import { createAutoLock } from './auto-lock';
import { readBalances, readGasOutlook } from './balances';
import { createKeyWorkerClient, type KeyWorkerScript } from './key-worker-client';
import type { KeystoreFs } from './keystore-file';
import { KEYSTORE_SCRYPT_N, scryptNFromEnvironment, TEST_SCRYPT_N_ENV, validScryptN } from './scrypt-params';
import type { SecretStore } from './secret-store';
import { createSweeper } from './sweeper';
import { createTransfers } from './transfers';
import { createTxQueue } from './tx-queue';
import { createTxStore } from './tx-store';
import type { WalletAccess } from './wallet-access';
import { createWalletService } from './wallet-service';

export interface WalletFeatureDeps {
  dataDir: string;
  chain: ChainHub;
  secretStore: SecretStore;
  clock: Clock;
  logger: Logger;
  /** Tests only: a cheaper scrypt for keystores written here (see scrypt-params.ts). */
  scryptN?: number;
  /** Headless --wallet-password-file: unlock at start with this password. */
  unlockPassword?: string;
  /** Tests: shorter loops, a failing file system. */
  timings?: { refreshMs?: number; headRefreshMs?: number; pollMs?: number; stuckAfterMs?: number; autoLockCheckMs?: number };
  keystoreFs?: KeystoreFs;
  keyWorkerScript?: KeyWorkerScript;
}

type Handler<K extends keyof typeof import('../../../shared/api/wallet-api').walletCalls> = (request: CallRequest<K>) => Promise<unknown>;

export function createWalletFeature(deps: WalletFeatureDeps): { feature: AgentFeature; access: WalletAccess } {
  const { chain, clock, logger } = deps;
  const envN = deps.scryptN === undefined ? scryptNFromEnvironment() : undefined;
  if (envN !== undefined) logger.warn(`wallet: ${TEST_SCRYPT_N_ENV} is set: new keystores use a weak scrypt N=${envN} (tests only)`);
  const scryptN = validScryptN(deps.scryptN) ?? envN ?? KEYSTORE_SCRYPT_N;
  let ctx: AgentFeatureContext | null = null;
  let balances: WalletBalances | null = null;
  let gas: WalletState['gas'] = null;
  let lastSent = '';
  const timers: NodeJS.Timeout[] = [];
  const stops: Array<() => void> = [];

  const worker = createKeyWorkerClient({ scryptN, script: deps.keyWorkerScript });
  const service = createWalletService({
    dataDir: deps.dataDir,
    worker,
    secretStore: deps.secretStore,
    clock,
    logger,
    keystoreFs: deps.keystoreFs,
    onProgress: (fraction) => ctx?.emit('walletUnlockProgress', { fraction }),
  });
  const store = createTxStore({ dataDir: deps.dataDir, logger, now: () => clock.now() });
  const autoLock = createAutoLock({
    minutes: () => ctx?.settings().wallet.autoLockMinutes ?? 0,
    isUnlocked: () => service.lifecycle() === 'unlocked',
    lock: () => service.lock(),
    clock,
    checkEveryMs: deps.timings?.autoLockCheckMs,
  });
  const queue = createTxQueue({
    store,
    chain,
    address: service.address,
    isUnlocked: () => service.lifecycle() === 'unlocked',
    sign: async (tx, from) => {
      autoLock.touch();
      return worker.request({ op: 'signTransaction', tx, from });
    },
    emit: (tx) => {
      ctx?.emit('walletTx', tx);
      void pushState();
      if (tx.status !== 'pending') void refresh();
    },
    clock,
    logger,
    stuckAfterMs: deps.timings?.stuckAfterMs,
    pollMs: deps.timings?.pollMs,
  });
  const transfers = createTransfers({ chain, queue, address: service.address, clock });
  const sweeper = createSweeper({
    queue,
    settings: () => ctx!.settings(),
    isUnlocked: () => service.lifecycle() === 'unlocked',
    clock,
    logger,
  });

  async function state(): Promise<WalletState> {
    const status = chain.status();
    const network = status.state === 'online' || status.state === 'offline' ? status.network : null;
    const meta = service.meta();
    const problem = service.problem();
    const address = service.address();
    return {
      state: service.lifecycle(),
      address,
      source: address ? (meta?.source ?? null) : null,
      path: address ? (meta?.path ?? null) : null,
      network: network ? { label: network.label, chainId: network.chainId, isDevnet: network.isDevnet } : null,
      chainOnline: status.state === 'online',
      balances: address ? balances : null,
      gas: address ? gas : null,
      pendingTxs: queue.pending(),
      remember: await service.remember(),
      problem: problem ? problem.toApiError() : null,
      unlockProgress: service.unlockProgress(),
    };
  }

  async function pushState(): Promise<WalletState> {
    const current = await state();
    // A new balance read alone (same numbers, new updatedAt) is not worth an event.
    const text = JSON.stringify({ ...current, balances: current.balances && { ...current.balances, updatedAt: '' } });
    if (text !== lastSent) {
      lastSent = text;
      ctx?.emit('walletState', current);
    }
    return current;
  }

  async function refresh(): Promise<void> {
    const connection = chain.connection();
    const address = service.address();
    if (!connection || !address) return;
    try {
      balances = await readBalances(connection, address, clock.now());
      gas = await readGasOutlook(connection, BigInt(balances.gasWei));
    } catch (error) {
      logger.debug('wallet: balance refresh failed', { error: String(error) });
      return;
    }
    await pushState();
    void sweeper.maybeSweep(balances);
  }

  const afterChange = async () => {
    autoLock.touch();
    await refresh();
    return pushState();
  };

  const handlersTyped = {
    getWallet: (async () => state()) as Handler<'getWallet'>,
    createWallet: (async ({ replaceExisting }) => service.create(replaceExisting ?? false)) as Handler<'createWallet'>,
    confirmWalletWords: (async ({ creationId, checks, password }) => {
      await service.confirmWords(creationId, checks, password);
      return afterChange();
    }) as Handler<'confirmWalletWords'>,
    importWallet: (async ({ source, password, replaceExisting }) => {
      await service.importWallet(source, password, replaceExisting ?? false);
      return afterChange();
    }) as Handler<'importWallet'>,
    unlockWallet: (async ({ password, remember }) => {
      await service.unlock(password, remember);
      return afterChange();
    }) as Handler<'unlockWallet'>,
    lockWallet: (async () => {
      await service.lock();
      return pushState();
    }) as Handler<'lockWallet'>,
    revealSecret: (async ({ password }) => service.reveal(password)) as Handler<'revealSecret'>,
    exportKeystore: (async ({ password }) => service.exportKeystore(password)) as Handler<'exportKeystore'>,
    previewTransfer: (async (request) => {
      autoLock.touch();
      return transfers.preview(request);
    }) as Handler<'previewTransfer'>,
    sendTransfer: (async ({ previewId, password }) => {
      autoLock.touch();
      await service.verifyPassword(password);
      return transfers.send(previewId);
    }) as Handler<'sendTransfer'>,
    setRememberOnDevice: (async ({ enabled, password }) => {
      await service.setRemember(enabled, password);
      return pushState();
    }) as Handler<'setRememberOnDevice'>,
    listWalletTxs: (async ({ limit }) => queue.list(limit)) as Handler<'listWalletTxs'>,
  };

  const feature: AgentFeature = {
    name: 'wallet',
    handlers: handlersTyped as CallHandlers,
    // Where earnings go is as sensitive as the recovery words: the password every time,
    // even while unlocked (a password-file rig is always unlocked).
    async authorizeMoneySettings(changed, password) {
      const what = changed.map((c) => (c === 'wallet.payoutAddress' ? 'the payout address' : 'the sweep threshold')).join(' and ');
      if (password === undefined) {
        throw new AgentError('password_required', `Type the wallet password to change ${what}.`, 'Settings that decide where earnings go need the password every time.');
      }
      await service.verifyPassword(password);
    },
    async start(context, { longRunning }) {
      ctx = context;
      await service.load();
      stops.push(service.onChange(() => void pushState()));
      if (!longRunning) return;
      autoLock.start();
      queue.start();
      // Balances change only with a block: read them on each new head of the one head
      // stream (and when the connection state changes), not on a timer of our own. The
      // slow timer covers gas prices drifting with no block of ours.
      let lastState = chain.status().state;
      stops.push(
        chain.onStatus((status) => {
          if (status.state === lastState) return;
          lastState = status.state;
          void refresh().then(() => pushState());
        }),
      );
      let lastHeadRefresh = 0;
      stops.push(
        chain.onHead(() => {
          // A busy chain makes a block a second: balances are read at most every few seconds.
          if (Date.now() - lastHeadRefresh < (deps.timings?.headRefreshMs ?? 5_000)) return;
          lastHeadRefresh = Date.now();
          void refresh();
        }),
      );
      timers.push(setInterval(() => void refresh(), deps.timings?.refreshMs ?? 60_000));
      for (const timer of timers) timer.unref();
      // In the background: start-to-ready must not wait for scrypt.
      void service.unlockAtStart(deps.unlockPassword).then(() => refresh());
    },
    async stop() {
      for (const timer of timers.splice(0)) clearInterval(timer);
      for (const stop of stops.splice(0)) stop();
      autoLock.stop();
      await queue.stop();
      await worker.close();
    },
  };

  const access: WalletAccess = {
    address: service.address,
    isUnlocked: () => service.lifecycle() === 'unlocked',
    onChange: service.onChange,
    send: (intent) => {
      autoLock.touch();
      return queue.send(intent);
    },
    holdUnlocked: (reason) => autoLock.hold(reason),
  };
  return { feature, access };
}
