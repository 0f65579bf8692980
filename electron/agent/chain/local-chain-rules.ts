/**
 * Which chains get the devnet's rules: no confirmations awaited, the test-funds faucet, and
 * upload URLs on loopback accepted. Only the embedded devnet (the network setting
 * "devnet"). A custom network never does, whatever its chain id or host: a Hardhat or anvil
 * node on 127.0.0.1 with chain id 31337 may be a fork of a real chain, or a public endpoint
 * reached through a local proxy, and devnet rules there would claim jobs on unconfirmed
 * blocks and upload to the owner's own machine.
 *
 * Tests and demos that point a custom network at their own throwaway Hardhat node set
 * RIGSHIFT_LOOPBACK_DEVNET_RULES=1 in the agent's environment to get devnet rules for a
 * chain-id-31337 node on loopback (vitest.config.ts sets it for the test processes; the
 * public-endpoint test clears it for its agent).
 */
import type { ResolvedNetwork } from '../../../shared/domain/chain';

export const LOOPBACK_DEVNET_RULES_ENV = 'RIGSHIFT_LOOPBACK_DEVNET_RULES';

/** Blocks the event log waits before it trusts an event on a chain without devnet rules. */
export const CUSTOM_NETWORK_CONFIRMATIONS = 2;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function isLocalChain(
  network: Pick<ResolvedNetwork, 'isDevnet' | 'chainId' | 'rpcUrl'>,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (network.isDevnet) return true;
  if (env[LOOPBACK_DEVNET_RULES_ENV] !== '1') return false;
  try {
    return network.chainId === 31337 && LOOPBACK_HOSTS.has(new URL(network.rpcUrl).hostname);
  } catch {
    return false;
  }
}
