/**
 * A real Hardhat node for the wallet tests (automine, no interval mining, so a test
 * decides when blocks come), with TestUSD and the market deployed from the committed
 * artifacts, and a ChainHub that is simply online on it.
 */
import { JsonRpcProvider } from 'ethers';
import type { ChainConnection, ChainHub, ChainStatus, ResolvedNetwork } from '../../../../electron/agent/chain/chain-hub';
import { createEthersChainPort } from '../../../../electron/agent/chain/ethers-chain-port';
import { deployDevnetContracts } from '../../../../electron/agent/devnet/deploy-devnet';
import { spawnDevnetNode } from '../../../../electron/agent/devnet/devnet-process';
import { pickFreePort } from '../../../../electron/agent/devnet/ports-free';
import { recordingLogger } from '../../../helpers/silent-logger';

export interface WalletDevnet {
  rpcUrl: string;
  provider: JsonRpcProvider;
  network: ResolvedNetwork;
  hub: ChainHub;
  stop(): Promise<void>;
}

export async function startWalletDevnet(): Promise<WalletDevnet> {
  const port = await pickFreePort();
  const node = await spawnDevnetNode({ port, intervalMs: 0, logger: recordingLogger().logger });
  try {
    // The legacy v1 market, asked for by name: the network below names no marketVersion (v1).
    const contracts = await deployDevnetContracts(node.rpcUrl, 1);
    const provider = new JsonRpcProvider(node.rpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1, pollingInterval: 200 });
    const genesis = await provider.getBlock(0);
    const network: ResolvedNetwork = {
      label: 'Local devnet',
      isDevnet: true,
      chainId: 31337,
      rpcUrl: node.rpcUrl,
      marketAddress: contracts.market,
      tokenAddress: contracts.token,
      token: { symbol: 'tUSD', decimals: 6 },
      deploymentBlock: contracts.deploymentBlock,
      genesisHash: genesis!.hash!,
    };
    // The port the hub hands out has its own provider (destroying the port closes it).
    const port = createEthersChainPort(new JsonRpcProvider(node.rpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1, pollingInterval: 200 }), { headPollMs: 100 });
    const hub = staticHub({ network, port });
    return {
      rpcUrl: node.rpcUrl,
      provider,
      network,
      hub,
      stop: async () => {
        port.destroy();
        provider.destroy();
        await node.stop();
      },
    };
  } catch (error) {
    await node.stop();
    throw error;
  }
}

/** A ChainHub that is online on one connection, or offline when given none. */
export function staticHub(connection: ChainConnection | null): ChainHub {
  const status: ChainStatus = connection
    ? { state: 'online', network: connection.network, headBlock: 0, checkedAt: new Date().toISOString() }
    : { state: 'disabled', message: 'no chain in this test' };
  return {
    status: () => status,
    onStatus: () => () => undefined,
    onHead: (listener) => connection?.port.onHead(listener) ?? (() => undefined),
    connection: () => connection,
    whenOnline: () => (connection ? Promise.resolve(connection) : new Promise(() => undefined)),
    reportFailure: () => undefined,
    start: async () => undefined,
    stop: async () => undefined,
  };
}
