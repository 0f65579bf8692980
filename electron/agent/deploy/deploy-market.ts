/**
 * Deploys the current RigShiftMarket (the committed artifact, no compiler at run time) to
 * any EVM chain that has a 6-decimal stablecoin, with the deployer's key. Checks before
 * spending gas: the RPC answers, the token address holds a contract, decimals() == 6 (the
 * contract would revert otherwise: amounts are micro-dollars everywhere), the deployer can
 * pay. Every request goes through rpc-backoff, so a public endpoint's 429s are waited out.
 */
import { Contract, ContractFactory, getAddress, type JsonRpcProvider, type Signer, Wallet } from 'ethers';
import { AgentError } from '../../../shared/api/result';
import { MARKET_ABI, MARKET_BYTECODE } from '../chain/market-abi';
import { MARKET_V2_ABI, MARKET_V2_BYTECODE, type MarketVersion } from '../chain/market-v2-abi';
import { withRpcBackoff } from '../chain/rpc-backoff';
import { createRpcProvider } from '../chain/rpc-provider';
import type { MarketDeployment } from './market-deployment-file';

const ERC20_METADATA_ABI = ['function decimals() view returns (uint8)', 'function symbol() view returns (string)'];

export interface MarketParams {
  minStakeMicros: bigint;
  challengeWindowSeconds: number;
  feeBps: number;
  /** Defaults to the deployer. */
  feeRecipient?: string;
  reopenClaimWindowSeconds: number;
}

/** What a fresh market on a real chain starts with: 5 USD stake, a 1-hour challenge window, 1 % fee. */
export const DEFAULT_MARKET_PARAMS: MarketParams = {
  minStakeMicros: 5_000_000n,
  challengeWindowSeconds: 3_600,
  feeBps: 100,
  reopenClaimWindowSeconds: 300,
};

export interface DeployMarketOptions {
  rpcUrl: string;
  tokenAddress: string;
  privateKey: string;
  params: MarketParams;
  /** Which market contract (default 1; both take the same constructor arguments). */
  marketVersion?: MarketVersion;
  /** Progress lines (stderr in the CLI). */
  progress?: (line: string) => void;
  /** Blocks to wait on top of the deployment's own (default 1: the receipt). */
  confirmations?: number;
  now?: () => Date;
}

const rpc = <T>(label: string, request: () => Promise<T>) => withRpcBackoff(request, { label });

export async function deployMarket(options: DeployMarketOptions): Promise<MarketDeployment> {
  const progress = options.progress ?? (() => undefined);
  let token: string;
  try {
    token = getAddress(options.tokenAddress);
  } catch {
    throw new AgentError('usage', `--token must be an address (0x followed by 40 hex digits), not "${options.tokenAddress}".`);
  }
  const chainIdHex = await rpc('eth_chainId', () => fetchChainId(options.rpcUrl));
  const chainId = Number(BigInt(chainIdHex));
  // ethers' own 429 retry is off (rpc-provider.ts): `rpc` (withRpcBackoff) waits limits out.
  const provider = createRpcProvider(options.rpcUrl, chainId, { cacheTimeout: -1, pollingIntervalMs: 1_000 });
  try {
    let wallet: Wallet;
    try {
      wallet = new Wallet(options.privateKey, provider);
    } catch {
      throw new AgentError('key_file', 'That is not a private key.', 'It must be one 0x-prefixed 64-hex-digit key.');
    }
    const code = await rpc('eth_getCode', () => provider.getCode(token));
    if (code === '0x') throw new AgentError('not_a_token', `There is no contract at ${token} on chain ${chainId}.`, 'Pass the address of the chain\'s USD stablecoin (6 decimals).');
    const erc20 = new Contract(token, ERC20_METADATA_ABI, provider);
    let decimals: number;
    try {
      decimals = Number(await rpc('decimals()', () => erc20.getFunction('decimals')() as Promise<bigint>));
    } catch {
      throw new AgentError('not_a_token', `${token} does not answer decimals(): it is not an ERC-20 token.`, 'Pass the address of the chain\'s USD stablecoin (6 decimals).');
    }
    if (decimals !== 6) {
      throw new AgentError('token_decimals', `${token} has ${decimals} decimals; the market needs a 6-decimal stablecoin (amounts are micro-dollars).`, 'Pass a 6-decimal USD stablecoin such as USDC.');
    }
    const symbol = await rpc('symbol()', () => erc20.getFunction('symbol')() as Promise<string>).catch(() => 'USD');
    const deployer = await wallet.getAddress();
    const feeRecipient = getAddress(options.params.feeRecipient ?? deployer);
    const genesis = await rpc('eth_getBlockByNumber 0', () => provider.getBlock(0));
    if (!genesis?.hash) throw new AgentError('chain_offline', 'The RPC did not return block 0.', 'Check --rpc-url.');

    const v2 = options.marketVersion === 2;
    const factory = v2 ? new ContractFactory(MARKET_V2_ABI, MARKET_V2_BYTECODE, wallet as Signer) : new ContractFactory(MARKET_ABI, MARKET_BYTECODE, wallet as Signer);
    const args = [token, options.params.minStakeMicros, options.params.challengeWindowSeconds, options.params.feeBps, feeRecipient, options.params.reopenClaimWindowSeconds] as const;
    const deployTx = await factory.getDeployTransaction(...args);
    const gas = await rpc('eth_estimateGas', () => provider.estimateGas({ ...deployTx, from: deployer })).catch((error: unknown) => {
      throw new AgentError('deploy_would_fail', `The deployment would fail: ${(error as { shortMessage?: string; message?: string }).shortMessage ?? (error as Error).message}.`, 'Check the token and the parameters.');
    });
    const fees = await rpc('fee data', () => provider.getFeeData());
    const price = fees.maxFeePerGas ?? fees.gasPrice ?? 0n;
    const balance = await rpc('eth_getBalance', () => provider.getBalance(deployer));
    if (balance < gas * price) {
      throw new AgentError('no_gas', `${deployer} holds ${balance} wei; the deployment needs about ${gas * price} wei of the chain's gas coin.`, 'Fund the deployer account first.');
    }
    progress(`Deploying RigShiftMarket${v2 ? 'V2' : ''} on chain ${chainId} from ${deployer} (token ${symbol} ${token})…`);
    const nonce = await rpc('eth_getTransactionCount', () => provider.getTransactionCount(deployer, 'pending'));
    const signed = await wallet.signTransaction({
      ...deployTx,
      chainId: BigInt(chainId),
      nonce,
      gasLimit: (gas * 120n) / 100n,
      type: fees.maxFeePerGas !== null ? 2 : 0,
      ...(fees.maxFeePerGas !== null
        ? { maxFeePerGas: fees.maxFeePerGas, maxPriorityFeePerGas: fees.maxPriorityFeePerGas ?? 0n }
        : { gasPrice: fees.gasPrice ?? 0n }),
    });
    const sent = await rpc('eth_sendRawTransaction', () => provider.broadcastTransaction(signed));
    progress(`Sent ${sent.hash}; waiting for it to be mined…`);
    const receipt = await waitForReceipt(provider, sent.hash, options.confirmations ?? 1);
    if (receipt.status !== 1 || !receipt.contractAddress) throw new AgentError('deploy_failed', `The deployment transaction ${sent.hash} reverted.`);
    return {
      kind: 'rigshift-market-deployment',
      version: 1,
      // Written for v2 only: a v1 file stays byte-for-byte what earlier versions read.
      ...(v2 ? { marketVersion: 2 as const } : {}),
      chainId,
      rpcUrl: options.rpcUrl,
      market: getAddress(receipt.contractAddress),
      token,
      tokenSymbol: symbol.slice(0, 32),
      tokenDecimals: 6,
      deploymentBlock: receipt.blockNumber,
      deployTxHash: sent.hash,
      deployer,
      genesisHash: genesis.hash,
      params: {
        minStakeMicros: options.params.minStakeMicros.toString(),
        challengeWindowSeconds: options.params.challengeWindowSeconds,
        feeBps: options.params.feeBps,
        feeRecipient,
        reopenClaimWindowSeconds: options.params.reopenClaimWindowSeconds,
      },
      deployedAt: (options.now?.() ?? new Date()).toISOString(),
    };
  } finally {
    provider.destroy();
  }
}

/** eth_chainId without ethers' network detection (which retries forever on a dead URL). */
async function fetchChainId(rpcUrl: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    throw new AgentError('chain_offline', `The RPC ${new URL(rpcUrl).host} does not answer: ${(error as Error).message}.`, 'Check --rpc-url.');
  }
  if (response.status === 429) throw Object.assign(new Error('429 Too Many Requests'), { status: 429, headers: response.headers });
  const body = (await response.json().catch(() => null)) as { result?: string; error?: { code: number; message: string } } | null;
  if (body?.error) throw Object.assign(new Error(body.error.message), { error: body.error });
  if (!response.ok || typeof body?.result !== 'string') {
    throw new AgentError('chain_offline', `The RPC ${new URL(rpcUrl).host} answered HTTP ${response.status} without a chain id.`, 'Check --rpc-url.');
  }
  return body.result;
}

/** Polls for the receipt (no filters: public endpoints drop them), then for `confirmations` blocks. */
async function waitForReceipt(provider: JsonRpcProvider, hash: string, confirmations: number) {
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    const receipt = await rpc('eth_getTransactionReceipt', () => provider.getTransactionReceipt(hash));
    if (receipt) {
      const head = await rpc('eth_blockNumber', () => provider.getBlockNumber());
      if (head - receipt.blockNumber + 1 >= confirmations) return receipt;
    }
    if (Date.now() > deadline) throw new AgentError('deploy_timeout', `${hash} was not mined within 10 minutes.`, 'Look it up on the chain\'s explorer; run the deploy again only if it was dropped.');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}
