/**
 * Messages between the agent's main thread and the key worker. Requests name an
 * operation of the KeyVault; answers carry results that hold no clear key, except
 * `generate` (the new words, shown once) and `reveal` (the explicit reveal call).
 */
import type { TransactionLike } from 'ethers';
import type { ApiError } from '../../../shared/api/result';
import type { ImportSource, RevealedSecret } from '../../../shared/domain/wallet';
import type { SealedWallet } from './key-vault';

export type KeyWorkerRequest =
  | { op: 'generate' }
  | { op: 'confirmCreation'; creationId: string; checks: { index: number; word: string }[]; password: string }
  | { op: 'importSecret'; source: ImportSource; password: string }
  | { op: 'activateStaged' }
  | { op: 'discardStaged' }
  | { op: 'unlock'; keystoreJson: string; password: string }
  | { op: 'lock' }
  | { op: 'status' }
  | { op: 'reveal'; keystoreJson: string; password: string }
  | { op: 'verifyPassword'; keystoreJson: string; password: string }
  | { op: 'signTransaction'; tx: TransactionLike<string>; from: string };

export interface KeyWorkerResults {
  generate: { creationId: string; words: string[]; confirmIndexes: number[]; expiresAt: number };
  confirmCreation: SealedWallet;
  importSecret: SealedWallet;
  activateStaged: string;
  discardStaged: null;
  unlock: string;
  lock: null;
  status: { unlocked: boolean; address: string | null };
  reveal: RevealedSecret;
  verifyPassword: string;
  signTransaction: { raw: string; hash: string };
}

export type KeyWorkerMessage =
  | { id: number; kind: 'progress'; fraction: number }
  | { id: number; kind: 'result'; ok: true; value: unknown }
  | { id: number; kind: 'result'; ok: false; error: ApiError };

export interface KeyWorkerData {
  scryptN: number;
}
