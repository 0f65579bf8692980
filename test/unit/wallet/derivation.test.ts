/**
 * BIP-39 / BIP-44 against published vectors: the Hardhat mnemonic's well-known accounts,
 * the "abandon … about" phrase, and the BIP-39 reference vector with passphrase "TREZOR"
 * (seed from the BIP-39 test vectors; the address cross-checked with @scure/bip32, a
 * separate HD implementation).
 */
import { HDKey } from '@scure/bip32';
import { computeAddress, hexlify, Mnemonic } from 'ethers';
import { describe, expect, it } from 'vitest';
import { accountPath, deriveFromPhrase, normalizePhrase, walletFromPrivateKey } from '../../../electron/agent/wallet/derivation';

const HARDHAT = 'test test test test test test test test test test test junk';
const ABANDON = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';

describe('derivation on m/44\'/60\'/0\'/0/i', () => {
  it('gives the Hardhat default accounts 0, 1 and 2', () => {
    expect(deriveFromPhrase(HARDHAT, 0).address).toBe('0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266');
    expect(deriveFromPhrase(HARDHAT, 1).address).toBe('0x70997970C51812dc3A010C7d01b50e0d17dc79C8');
    expect(deriveFromPhrase(HARDHAT, 2).address).toBe('0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC');
    expect(deriveFromPhrase(HARDHAT, 0).privateKey).toBe('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80');
  });

  it('derives account i from the root, not as a child of account 0 (the deriveChild pitfall)', () => {
    const one = deriveFromPhrase(HARDHAT, 1);
    expect(one.path).toBe("m/44'/60'/0'/0/1");
    expect(deriveFromPhrase(HARDHAT, 0).deriveChild(1).address).not.toBe(one.address);
  });

  it('gives the published address of "abandon … about"', () => {
    expect(deriveFromPhrase(ABANDON, 0).address).toBe('0x9858EfFD232B4033E47d90003D41EC34EcaEda94');
  });

  it('matches the BIP-39 reference vector with passphrase TREZOR, and an independent BIP-32 derivation', () => {
    const seed = Mnemonic.fromPhrase(ABANDON, 'TREZOR').computeSeed();
    expect(seed).toBe(
      '0xc55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04',
    );
    const wallet = deriveFromPhrase(ABANDON, 3, 'TREZOR');
    const independent = HDKey.fromMasterSeed(Buffer.from(seed.slice(2), 'hex')).derive(accountPath(3));
    expect(wallet.address).toBe(computeAddress(hexlify(independent.privateKey!)));
    expect(wallet.address).not.toBe(deriveFromPhrase(ABANDON, 3).address);
  });

  it('accepts extra spaces and capitals, refuses bad words, bad checksums and odd lengths', () => {
    expect(normalizePhrase('  Test TEST\ttest  ')).toBe('test test test');
    expect(deriveFromPhrase(`  ${HARDHAT.toUpperCase()} `, 0).address).toBe('0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266');
    expect(() => deriveFromPhrase(HARDHAT.replace('junk', 'test'), 0)).toThrow(expect.objectContaining({ code: 'invalid_mnemonic' }));
    expect(() => deriveFromPhrase(HARDHAT.replace('junk', 'junkk'), 0)).toThrow(expect.objectContaining({ code: 'invalid_mnemonic' }));
    expect(() => deriveFromPhrase('test test junk', 0)).toThrow(/12, 15, 18, 21 or 24 words/);
  });

  it('parses private keys with or without 0x and refuses malformed ones', () => {
    const key = 'ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
    expect(walletFromPrivateKey(key).address).toBe('0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266');
    expect(walletFromPrivateKey(`0x${key.toUpperCase()}`).address).toBe('0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266');
    expect(() => walletFromPrivateKey(key.slice(2))).toThrow(expect.objectContaining({ code: 'invalid_private_key' }));
    expect(() => walletFromPrivateKey('0'.repeat(64))).toThrow(expect.objectContaining({ code: 'invalid_private_key' }));
  });
});
