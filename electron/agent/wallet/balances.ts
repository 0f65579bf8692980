/** Gas-coin and stablecoin balances of the wallet, and how many jobs the gas covers. */
import type { WalletBalances } from '../../../shared/domain/wallet';
import { gasOutlook } from '../../../shared/domain/wallet';
import type { ChainConnection } from '../chain/chain-hub';
import { tokenBalance } from './token';
import { currentFees } from './tx-queue';

export async function readBalances(connection: ChainConnection, address: string, now: Date): Promise<WalletBalances> {
  const { port, network } = connection;
  const [gasWei, token] = await Promise.all([
    port.balance(address),
    network.tokenAddress ? tokenBalance(port, network.tokenAddress, address) : Promise.resolve(null),
  ]);
  return {
    gasWei: gasWei.toString(),
    token:
      token === null
        ? null
        : { symbol: network.token.symbol, decimals: network.token.decimals, address: network.tokenAddress, amount: token.toString() },
    updatedAt: now.toISOString(),
  };
}

export async function readGasOutlook(connection: ChainConnection, gasWei: bigint) {
  const { maxFeePerGas } = await currentFees(connection.port);
  return gasOutlook(gasWei, maxFeePerGas);
}
