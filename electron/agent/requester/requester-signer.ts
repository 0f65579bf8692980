/**
 * The requester's chain access for the CLI and the demo: which RPC and market (explicit, or
 * the running devnet's deployment.json) and which key (a key file, or a devnet account).
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { NonceManager, Wallet } from 'ethers';
import { AgentError } from '../../../shared/api/result';
import { jsonRpcCall } from '../chain/json-rpc';
import { createRequesterRpc, type RequesterRpc } from '../chain/requester-rpc';
import { readDeployment } from '../devnet/deployment-file';
import { DEVNET_CHAIN_ID, devnetAccount } from '../devnet/devnet-accounts';
import { probeDeployment } from '../devnet/devnet-supervisor';

export interface RequesterTarget {
  rpcUrl: string;
  chainId: number;
  marketAddress: string;
}

export async function resolveRequesterTarget(options: { rpcUrl?: string; marketAddress?: string; dataDir: string }): Promise<RequesterTarget> {
  if (options.rpcUrl || options.marketAddress) {
    if (!options.rpcUrl || !options.marketAddress) {
      throw new AgentError('usage', '--rpc-url and --market-address go together.', 'Pass both, or neither to use the local devnet.');
    }
    const chainId = Number(await jsonRpcCall<string>(options.rpcUrl, 'eth_chainId', [], 5_000).catch((error: Error) => {
      throw new AgentError('chain_offline', `The RPC does not answer: ${error.message}`, 'Check --rpc-url.');
    }));
    return { rpcUrl: options.rpcUrl, chainId, marketAddress: options.marketAddress };
  }
  const devnetDir = join(options.dataDir, 'devnet');
  const deployment = readDeployment(devnetDir);
  if (!deployment || !(await probeDeployment(deployment))) {
    throw new AgentError('no_devnet', `No running local devnet is described in ${devnetDir}.`, 'Start one with: npm run devnet (or pass --rpc-url and --market-address).');
  }
  return { rpcUrl: deployment.rpcUrl, chainId: deployment.chainId, marketAddress: deployment.market };
}

/** The requester's RPC (chain/requester-rpc.ts). */
export const requesterProvider = (target: RequesterTarget): RequesterRpc => createRequesterRpc(target);

export function requesterSigner(provider: RequesterRpc, target: RequesterTarget, key: { privateKeyFile?: string; account?: number }): NonceManager {
  if (key.privateKeyFile) {
    let text: string;
    try {
      text = readFileSync(key.privateKeyFile, 'utf8').trim();
    } catch (error) {
      throw new AgentError('key_file', `Cannot read ${key.privateKeyFile}: ${(error as Error).message}`, 'Pass a file that holds one 0x-prefixed private key.');
    }
    if (process.platform !== 'win32' && (statSync(key.privateKeyFile).mode & 0o077) !== 0) {
      throw new AgentError('key_file', `${key.privateKeyFile} can be read by other users.`, `Run: chmod 600 ${key.privateKeyFile}`);
    }
    try {
      return new NonceManager(new Wallet(text, provider));
    } catch {
      throw new AgentError('key_file', `${key.privateKeyFile} does not hold a private key.`, 'It must contain one 0x-prefixed 64-hex-digit key.');
    }
  }
  if (target.chainId !== DEVNET_CHAIN_ID) {
    throw new AgentError('no_key', `Chain ${target.chainId} is not a local devnet, so the public devnet accounts cannot be used.`, 'Pass --private-key-file with your requester key.');
  }
  const index = key.account ?? 1;
  if (!Number.isInteger(index) || index < 0 || index > 9) throw new AgentError('usage', `--account must be a devnet account from 0 to 9, not ${key.account}.`);
  return new NonceManager(new Wallet(devnetAccount(index).privateKey, provider));
}
