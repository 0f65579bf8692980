/**
 * BIP-39 / BIP-44 derivation and private-key parsing (ethers v6). Runs inside the key
 * worker only. Account i lives at m/44'/60'/0'/0/i, derived from the root: calling
 * deriveChild(i) on the wallet fromPhrase returns would give m/44'/60'/0'/0/0/i (chain.md §3.1).
 */
import { getIndexedAccountPath, HDNodeWallet, Mnemonic, Wallet } from 'ethers';
import { AgentError } from '../../../shared/api/result';

export const accountPath = (index: number): string => getIndexedAccountPath(index);

/** Lower case, single spaces: how wallets print phrases; BIP-39 words are lower case. */
export function normalizePhrase(phrase: string): string {
  return phrase.trim().toLowerCase().split(/\s+/).join(' ');
}

export function deriveFromPhrase(phrase: string, index: number, passphrase = ''): HDNodeWallet {
  const normalized = normalizePhrase(phrase);
  const count = normalized.split(' ').length;
  if (![12, 15, 18, 21, 24].includes(count)) {
    throw new AgentError(
      'invalid_mnemonic',
      `A recovery phrase has 12, 15, 18, 21 or 24 words; this one has ${count}.`,
      'Type the words in order, separated by spaces.',
    );
  }
  if (!Mnemonic.isValidMnemonic(normalized)) {
    throw new AgentError(
      'invalid_mnemonic',
      'This is not a valid recovery phrase: a word is misspelled, not on the BIP-39 English list, or out of order.',
      'Check each word against what you wrote down; the last word includes a checksum of the others.',
    );
  }
  return HDNodeWallet.fromPhrase(normalized, passphrase, accountPath(index));
}

export function walletFromPrivateKey(text: string): Wallet {
  const hex = text.trim().replace(/^0x/i, '');
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
    throw new AgentError(
      'invalid_private_key',
      'A private key is 64 hexadecimal characters (optionally starting with 0x).',
      'Copy the key again from the wallet you export it from.',
    );
  }
  try {
    return new Wallet(`0x${hex.toLowerCase()}`);
  } catch {
    throw new AgentError('invalid_private_key', 'This value is not a valid secp256k1 private key (zero or too large).');
  }
}

/** Random 12-word phrase (128 bits of entropy from the OS CSPRNG, via ethers). */
export function generateWallet(): HDNodeWallet {
  return HDNodeWallet.createRandom('', accountPath(0));
}
