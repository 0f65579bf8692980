import { describe, expect, it } from 'vitest';
import { isLocalChain } from '../../../electron/agent/market/chain-reads';

const loopback31337 = { isDevnet: false, chainId: 31337, rpcUrl: 'http://127.0.0.1:8545' };

describe('devnet rules (no confirmations, faucet, loopback uploads)', () => {
  it('a custom network never gets them, not even a chain-id-31337 node on loopback', () => {
    expect(isLocalChain(loopback31337, {})).toBe(false);
    expect(isLocalChain({ ...loopback31337, rpcUrl: 'http://localhost:9000/rpc' }, {})).toBe(false);
    expect(isLocalChain({ isDevnet: false, chainId: 84532, rpcUrl: 'https://sepolia.base.org' }, {})).toBe(false);
  });

  it('the embedded devnet always does', () => {
    expect(isLocalChain({ isDevnet: true, chainId: 31337, rpcUrl: 'http://127.0.0.1:8545' }, {})).toBe(true);
  });

  it('a throwaway Hardhat node on loopback gets them only with the explicit test switch, and never a public chain', () => {
    const env = { RIGSHIFT_LOOPBACK_DEVNET_RULES: '1' };
    expect(isLocalChain(loopback31337, env)).toBe(true);
    expect(isLocalChain({ ...loopback31337, rpcUrl: 'http://10.0.0.5:8545' }, env)).toBe(false);
    expect(isLocalChain({ isDevnet: false, chainId: 1, rpcUrl: 'http://127.0.0.1:8545' }, env)).toBe(false);
  });
});
