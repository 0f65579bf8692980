/**
 * Everything that touches a private key or a mnemonic, in one object that lives only in
 * the key worker (key-worker.ts). The agent's main thread talks to it through messages
 * and gets back addresses, encrypted keystores and signed transactions; the clear
 * secret leaves only for the explicit reveal call and the words of a new wallet.
 */
import { randomBytes, randomInt } from 'node:crypto';
import {
  decryptKeystoreJson,
  encryptKeystoreJson,
  HDNodeWallet,
  type KeystoreAccount,
  Mnemonic,
  Transaction,
  type TransactionLike,
  Wallet,
} from 'ethers';
import { AgentError } from '../../../shared/api/result';
import type { ImportSource, RevealedSecret } from '../../../shared/domain/wallet';
import { accountPath, deriveFromPhrase, generateWallet, walletFromPrivateKey } from './derivation';
import { KEYSTORE_SCRYPT_N } from './scrypt-params';

export type WalletSource = 'created' | 'mnemonic' | 'privateKey';

/** What the main thread may know about a wallet: never the key. */
export interface SealedWallet {
  address: string;
  path: string | null;
  source: WalletSource;
  /** The encrypted JSON keystore (scrypt), ready to be written to disk. */
  keystoreJson: string;
}

type Signer = Wallet | HDNodeWallet;

interface Creation {
  wallet: HDNodeWallet;
  confirmIndexes: number[];
  expiresAt: number;
}

export const CREATION_TTL_MS = 30 * 60_000;
export const WORDS_TO_CONFIRM = 3;

type Progress = (fraction: number) => void;

export class KeyVault {
  #active: Signer | null = null;
  #staged: { signer: Signer } | null = null;
  readonly #creations = new Map<string, Creation>();

  constructor(private readonly scryptN: number = KEYSTORE_SCRYPT_N) {}

  /** A fresh wallet; its words go to the owner once. Kept here until confirmed or expired. */
  generate(now: number): { creationId: string; words: string[]; confirmIndexes: number[]; expiresAt: number } {
    this.#dropExpired(now);
    const wallet = generateWallet();
    const words = wallet.mnemonic!.phrase.split(' ');
    const confirmIndexes = pickIndexes(words.length, WORDS_TO_CONFIRM);
    const creationId = randomBytes(12).toString('hex');
    const expiresAt = now + CREATION_TTL_MS;
    this.#creations.set(creationId, { wallet, confirmIndexes, expiresAt });
    return { creationId, words, confirmIndexes, expiresAt };
  }

  /** Checks the typed-back words, then encrypts. The wallet is staged until the file is saved. */
  async confirmCreation(
    creationId: string,
    checks: { index: number; word: string }[],
    password: string,
    now: number,
    progress?: Progress,
  ): Promise<SealedWallet> {
    this.#dropExpired(now);
    const creation = this.#creations.get(creationId);
    if (!creation) {
      throw new AgentError(
        'creation_expired',
        'This new wallet is no longer waiting for confirmation (it expired or was already saved).',
        'Start again with "Create a wallet"; write the new words down.',
      );
    }
    const words = creation.wallet.mnemonic!.phrase.split(' ');
    const asked = [...creation.confirmIndexes].sort((a, b) => a - b);
    const given = new Map(checks.map((check) => [check.index, check.word.trim().toLowerCase()]));
    const missing = asked.filter((index) => !given.has(index));
    if (missing.length > 0) {
      throw new AgentError('words_missing', `Type word${missing.length > 1 ? 's' : ''} ${missing.map((i) => `#${i + 1}`).join(', ')} too.`);
    }
    const wrong = asked.filter((index) => given.get(index) !== words[index]);
    if (wrong.length > 0) {
      throw new AgentError(
        'words_mismatch',
        `Word${wrong.length > 1 ? 's' : ''} ${wrong.map((i) => `#${i + 1}`).join(', ')} do${wrong.length > 1 ? '' : 'es'} not match the phrase you were shown.`,
        'Check what you wrote down. Without a correct copy of the words the wallet cannot be recovered.',
      );
    }
    const sealed = await this.#seal(creation.wallet, 'created', password, progress);
    this.#staged = { signer: creation.wallet };
    this.#creations.delete(creationId);
    return sealed;
  }

  async importSecret(source: ImportSource, password: string, progress?: Progress): Promise<SealedWallet> {
    if (source.kind === 'mnemonic') {
      const wallet = deriveFromPhrase(source.phrase, source.index, source.passphrase ?? '');
      // A BIP-39 passphrase is not part of the keystore format (x-ethers stores entropy and
      // path only): such a wallet is stored by its key, and reveal returns the key.
      const signer = source.passphrase ? new Wallet(wallet.privateKey) : wallet;
      const sealed = await this.#seal(signer, source.passphrase ? 'privateKey' : 'mnemonic', password, progress);
      this.#staged = { signer };
      return { ...sealed, path: wallet.path };
    }
    const wallet = walletFromPrivateKey(source.privateKey);
    const sealed = await this.#seal(wallet, 'privateKey', password, progress);
    this.#staged = { signer: wallet };
    return sealed;
  }

  /** The staged wallet was saved: it becomes the active (unlocked) one. */
  activateStaged(): string {
    if (!this.#staged) throw new AgentError('nothing_staged', 'There is no new wallet waiting to be activated.');
    this.#active = this.#staged.signer;
    this.#staged = null;
    return this.#active.address;
  }

  discardStaged(): void {
    this.#staged = null;
  }

  /** scrypt + AES, here in the worker: the agent's thread keeps running (chain.md §3.2). */
  async unlock(keystoreJson: string, password: string, progress?: Progress): Promise<string> {
    this.#active = await decrypt(keystoreJson, password, progress);
    return this.#active.address;
  }

  lock(): void {
    this.#active = null;
  }

  status(): { unlocked: boolean; address: string | null } {
    return { unlocked: this.#active !== null, address: this.#active?.address ?? null };
  }

  /** Decrypts the file again with the password typed now; the unlocked key is not enough. */
  async reveal(keystoreJson: string, password: string, progress?: Progress): Promise<RevealedSecret> {
    const wallet = await decrypt(keystoreJson, password, progress);
    if (wallet instanceof HDNodeWallet && wallet.mnemonic) {
      return { kind: 'mnemonic', words: wallet.mnemonic.phrase.split(' '), path: wallet.path ?? accountPath(0), hasPassphrase: false };
    }
    return { kind: 'privateKey', privateKey: wallet.privateKey };
  }

  async verifyPassword(keystoreJson: string, password: string, progress?: Progress): Promise<string> {
    return (await decrypt(keystoreJson, password, progress)).address;
  }

  /** Signs with the active key; `from` must be its address (the queue names who it expects). */
  async signTransaction(tx: TransactionLike<string>, from: string): Promise<{ raw: string; hash: string }> {
    if (!this.#active) throw new AgentError('wallet_locked', 'The wallet is locked.', 'Unlock it with your password.');
    if (this.#active.address.toLowerCase() !== from.toLowerCase()) {
      throw new AgentError('wrong_account', `The unlocked wallet is ${this.#active.address}, not ${from}.`);
    }
    const raw = await this.#active.signTransaction({ ...tx, from: this.#active.address });
    return { raw, hash: Transaction.from(raw).hash! };
  }

  async #seal(signer: Signer, source: WalletSource, password: string, progress?: Progress): Promise<SealedWallet> {
    const account: KeystoreAccount = { address: signer.address, privateKey: signer.privateKey };
    if (signer instanceof HDNodeWallet && signer.mnemonic) {
      account.mnemonic = { path: signer.path ?? accountPath(0), locale: 'en', entropy: signer.mnemonic.entropy };
    }
    const written = await encryptKeystoreJson(account, password, {
      scrypt: { N: this.scryptN },
      progressCallback: progress,
    });
    return { address: signer.address, path: signer instanceof HDNodeWallet ? signer.path : null, source, keystoreJson: standardKeystore(written) };
  }

  #dropExpired(now: number): void {
    for (const [id, creation] of this.#creations) if (creation.expiresAt <= now) this.#creations.delete(id);
  }
}

async function decrypt(keystoreJson: string, password: string, progress?: Progress): Promise<Signer> {
  let account: KeystoreAccount;
  try {
    account = await decryptKeystoreJson(keystoreJson, password, progress);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (message.includes('incorrect password')) {
      throw new AgentError('wrong_password', 'The password is wrong.', 'Passwords are case-sensitive: check Caps Lock and try again.');
    }
    throw new AgentError(
      'keystore_corrupt',
      `The wallet file is damaged and cannot be decrypted (${message.split(' (')[0]}).`,
      'Restore the keystore from your backup, or import the wallet again from its recovery phrase.',
    );
  }
  if (account.mnemonic) {
    const mnemonic = Mnemonic.fromEntropy(account.mnemonic.entropy);
    const wallet = HDNodeWallet.fromMnemonic(mnemonic, account.mnemonic.path);
    if (wallet.address === account.address) return wallet;
  }
  return new Wallet(account.privateKey);
}

/**
 * ethers names the encrypted part "Crypto"; the Web3 Secret Storage definition (and geth)
 * say "crypto", and strict readers such as web3.js accept only that. ethers reads either.
 */
function standardKeystore(json: string): string {
  const { Crypto, ...rest } = JSON.parse(json) as Record<string, unknown>;
  return JSON.stringify(Crypto === undefined ? rest : { ...rest, crypto: Crypto });
}

/** `count` distinct word positions, uniformly random (CSPRNG), in ascending order. */
function pickIndexes(words: number, count: number): number[] {
  const picked = new Set<number>();
  while (picked.size < Math.min(count, words)) picked.add(randomInt(words));
  return [...picked].sort((a, b) => a - b);
}
