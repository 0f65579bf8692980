/**
 * Test funds on the local devnet: native gas money through hardhat_setBalance and tUSD
 * through TestUSD.mint (callable by anyone, on purpose: it is a faucet token). Refused on
 * any chain without devnet rules (local-chain-rules.ts), where neither would work or mean anything.
 */
import { Interface, toBeHex } from 'ethers';
import { AgentError } from '../../../shared/api/result';
import { devnetAccount } from '../devnet/devnet-accounts';
import type { ChainConnection } from './chain-hub';
import { isLocalChain } from './local-chain-rules';
import { jsonRpcCall } from './json-rpc';
import { TOKEN_ABI } from './market-abi';

const token = new Interface(TOKEN_ABI);

export async function devnetFund(
  connection: ChainConnection,
  address: string,
  amounts: { eth?: bigint; tokenMicros?: bigint },
): Promise<{ txHash: string | null }> {
  const { network, port } = connection;
  if (!isLocalChain(network)) {
    throw new AgentError('not_devnet', `Test funds exist only on the local devnet; this is chain ${network.chainId}.`, 'Switch the network to Local devnet in Settings.');
  }
  if (amounts.eth !== undefined) {
    await jsonRpcCall(network.rpcUrl, 'hardhat_setBalance', [address, toBeHex(amounts.eth)], 10_000);
  }
  if (!amounts.tokenMicros) return { txHash: null };
  // Account 0 is unlocked in the Hardhat node: it signs, the node picks the nonce, so
  // several processes may fund at once without nonce clashes.
  const hash = await jsonRpcCall<string>(
    network.rpcUrl,
    'eth_sendTransaction',
    [{ from: devnetAccount(0).address, to: network.tokenAddress, data: token.encodeFunctionData('mint', [address, amounts.tokenMicros]) }],
    10_000,
  );
  const end = Date.now() + 30_000;
  for (;;) {
    const receipt = await port.receipt(hash);
    if (receipt) {
      if (receipt.status !== 1) throw new AgentError('faucet_failed', 'The tUSD mint reverted.', 'Restart the devnet.');
      return { txHash: hash };
    }
    if (Date.now() > end) throw new AgentError('faucet_failed', 'The tUSD mint was not mined.', 'Restart the devnet.');
    await new Promise((r) => setTimeout(r, 100));
  }
}
