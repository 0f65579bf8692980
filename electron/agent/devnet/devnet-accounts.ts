/**
 * The devnet's accounts: Hardhat's defaults, derived from its PUBLIC test mnemonic
 * (m/44'/60'/0'/0/i). Anyone can sign with these keys: they exist only so the local devnet
 * has funded accounts. Never use them, or this mnemonic, on a real chain: anything sent
 * there is swept by bots within seconds.
 */
import { HDNodeWallet, Mnemonic } from 'ethers';

export const DEVNET_MNEMONIC = 'test test test test test test test test test test test junk';
export const DEVNET_CHAIN_ID = 31337;
/** Accounts 0..9: 0 deploys the contracts and receives the fee; all ten hold tUSD. */
export const DEVNET_ACCOUNT_COUNT = 10;

export interface DevnetAccount {
  index: number;
  address: string;
  /** PUBLIC test key. */
  privateKey: string;
}

let cached: DevnetAccount[] | null = null;

export function devnetAccounts(): DevnetAccount[] {
  if (!cached) {
    // One seed computation (PBKDF2, ~50 ms), then cheap child derivations.
    const root = HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(DEVNET_MNEMONIC), "m/44'/60'/0'/0");
    cached = Array.from({ length: DEVNET_ACCOUNT_COUNT }, (_, index) => {
      const child = root.deriveChild(index);
      return { index, address: child.address, privateKey: child.privateKey };
    });
  }
  return cached;
}

export function devnetAccount(index: number): DevnetAccount {
  const account = devnetAccounts()[index];
  if (!account) throw new RangeError(`devnet accounts are numbered 0 to ${DEVNET_ACCOUNT_COUNT - 1}, not ${index}`);
  return account;
}
