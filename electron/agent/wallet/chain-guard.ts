/**
 * The one check before anything is signed: the node answers for the chain the settings name
 * (EIP-155 binds a signature to its chain id, so a wrong node would get a useless or
 * replayable transaction).
 */
import { AgentError } from '../../../shared/api/result';
import type { ChainConnection } from '../chain/chain-hub';

/** Refuses to sign for a chain other than the configured one (EIP-155 binds the signature to it). */
export async function assertConfiguredChain(connection: ChainConnection): Promise<void> {
  const actual = await connection.port.chainId();
  if (actual !== connection.network.chainId) {
    throw new AgentError(
      'wrong_chain',
      `The RPC node is on chain ${actual}, but RigShift is set up for chain ${connection.network.chainId}; nothing was signed.`,
      'Check the network settings (RPC URL and chain id).',
    );
  }
}
