/**
 * Deploys TestUSD and the market (v2, RigShiftMarketV2; the legacy v1 RigShiftMarket only when
 * asked) on a fresh devnet from the committed artifacts (no compiler at runtime) with the
 * devnet parameters, and funds the test accounts with tUSD.
 */
import { Contract, ContractFactory, JsonRpcProvider, NonceManager, Wallet } from 'ethers';
import { MARKET_ABI, MARKET_BYTECODE, TOKEN_ABI, TOKEN_BYTECODE } from '../chain/market-abi';
import { MARKET_V2_ABI, MARKET_V2_BYTECODE, type MarketVersion } from '../chain/market-v2-abi';
import { devnetAccounts } from './devnet-accounts';

/** The devnet's market parameters (docs/ARCHITECTURE.md, "Chain, devnet and requester"). */
export const DEVNET_MARKET_PARAMS = {
  /** 5 tUSD. */
  minStake: 5_000_000n,
  /**
   * 60 s: a result the demo requester does not accept (an upload that failed) is paid a
   * minute after its submit, so a newcomer's first payment never waits long (issue 13).
   * Devnet only; a real market keeps the hour of deploy-market.ts.
   */
  challengeWindowSeconds: 60n,
  /** 1 %. */
  feeBps: 100n,
  reopenClaimWindowSeconds: 300n,
} as const;

/** tUSD each devnet account starts with: 100,000 tUSD. */
export const DEVNET_TOKEN_GRANT = 100_000n * 1_000_000n;

/**
 * The market a new devnet deploys (`npm run devnet`, the agent's embedded one): v2, the
 * auction market (docs/MARKET-V2.md). The v1 market is the legacy contract, kept deployable
 * for its existing test suites: only `--market-version 1` or RIGSHIFT_DEVNET_MARKET_VERSION=1
 * deploys it, never a default.
 */
export const DEFAULT_DEVNET_MARKET_VERSION: MarketVersion = 2;

/** The environment variable that picks the market of a new devnet ('1' or '2'; empty: the default). */
export const DEVNET_MARKET_VERSION_ENV = 'RIGSHIFT_DEVNET_MARKET_VERSION';

/** `rigshift devnet --market-version N`, else RIGSHIFT_DEVNET_MARKET_VERSION, else the default above (v2). */
export function devnetMarketVersion(flag?: string, env: NodeJS.ProcessEnv = process.env): MarketVersion {
  const wanted = flag ?? env[DEVNET_MARKET_VERSION_ENV];
  if (wanted === undefined || wanted === '') return DEFAULT_DEVNET_MARKET_VERSION;
  if (wanted !== '1' && wanted !== '2') throw new Error(`the devnet market version must be 1 or 2, not "${wanted}"`);
  return wanted === '2' ? 2 : 1;
}

export interface DevnetContracts {
  marketVersion: MarketVersion;
  market: string;
  token: string;
  deploymentBlock: number;
}

export async function deployDevnetContracts(rpcUrl: string, marketVersion: MarketVersion = devnetMarketVersion()): Promise<DevnetContracts> {
  const provider = new JsonRpcProvider(rpcUrl, 31337, { staticNetwork: true, cacheTimeout: -1 });
  try {
    const accounts = devnetAccounts();
    const deployer = new NonceManager(new Wallet(accounts[0]!.privateKey, provider));
    const tokenDeploy = await new ContractFactory(TOKEN_ABI, TOKEN_BYTECODE, deployer).deploy();
    const marketDeploy = await new ContractFactory(marketVersion === 2 ? MARKET_V2_ABI : MARKET_ABI, marketVersion === 2 ? MARKET_V2_BYTECODE : MARKET_BYTECODE, deployer).deploy(
      await tokenDeploy.getAddress(),
      DEVNET_MARKET_PARAMS.minStake,
      DEVNET_MARKET_PARAMS.challengeWindowSeconds,
      DEVNET_MARKET_PARAMS.feeBps,
      accounts[0]!.address,
      DEVNET_MARKET_PARAMS.reopenClaimWindowSeconds,
    );
    const token = new Contract(await tokenDeploy.getAddress(), TOKEN_ABI, deployer);
    // Sent back to back (the nonce manager numbers them), then awaited together.
    const mints = [];
    for (const account of accounts) mints.push(await token.getFunction('mint')(account.address, DEVNET_TOKEN_GRANT));
    await tokenDeploy.waitForDeployment();
    const marketReceipt = await marketDeploy.deploymentTransaction()!.wait();
    for (const tx of mints) await tx.wait();
    return {
      marketVersion,
      market: await marketDeploy.getAddress(),
      token: await tokenDeploy.getAddress(),
      deploymentBlock: marketReceipt!.blockNumber,
    };
  } finally {
    provider.destroy();
  }
}
