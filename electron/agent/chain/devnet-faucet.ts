/**
 * Test funds on the local devnet: native gas money through hardhat_setBalance and tUSD
 * through TestUSD.mint (callable by anyone, on purpose: it is a faucet token). Refused on
 * any chain without devnet rules (local-chain-rules.ts), where neither would work or mean anything.
 */
import { Contract, JsonRpcSigner, toBeHex } from 'ethers';
import { AgentError } from '../../../shared/api/result';
import { devnetAccount } from '../devnet/devnet-accounts';
import type { ChainConnection } from './chain-hub';
import { isLocalChain } from './local-chain-rules';
import { TOKEN_ABI } from './market-abi';

export async function devnetFund(
  connection: ChainConnection,
  address: string,
  amounts: { eth?: bigint; tokenMicros?: bigint },
): Promise<{ txHash: string | null }> {
  const { network, provider } = connection;
  if (!isLocalChain(network)) {
    throw new AgentError('not_devnet', `Test funds exist only on the local devnet; this is chain ${network.chainId}.`, 'Switch the network to Local devnet in Settings.');
  }
  if (amounts.eth !== undefined) {
    await provider.send('hardhat_setBalance', [address, toBeHex(amounts.eth)]);
  }
  if (!amounts.tokenMicros) return { txHash: null };
  // Account 0 is unlocked in the Hardhat node: it signs, the node picks the nonce, so
  // several processes may fund at once without nonce clashes.
  const signer = new JsonRpcSigner(provider, devnetAccount(0).address);
  const token = new Contract(network.tokenAddress, TOKEN_ABI, signer);
  const tx = await token.getFunction('mint')(address, amounts.tokenMicros);
  const receipt = await tx.wait();
  if (receipt?.status !== 1) throw new AgentError('faucet_failed', 'The tUSD mint reverted.', 'Restart the devnet.');
  return { txHash: tx.hash as string };
}
