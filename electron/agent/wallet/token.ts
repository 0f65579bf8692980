/**
 * The few ERC-20 functions the wallet needs (balance and transfer of the market's
 * stablecoin). A fragment of our own keeps the wallet independent of the market ABI.
 */
import { Interface } from 'ethers';
import type { ChainPort } from '../chain/chain-port';
import { readOne } from '../chain/contract-call';

export const ERC20_FRAGMENT = [
  'function balanceOf(address owner) view returns (uint256)',
  'function transfer(address to, uint256 amount) returns (bool)',
] as const;

export const erc20 = new Interface(ERC20_FRAGMENT);

export const transferData = (to: string, amount: bigint) => erc20.encodeFunctionData('transfer', [to, amount]);

export async function tokenBalance(port: ChainPort, token: string, owner: string): Promise<bigint> {
  return readOne<bigint>(port, token, erc20, 'balanceOf', [owner]);
}
