/**
 * The file `rigshift market deploy` writes and the app imports (`rigshift headless
 * --deployment FILE`): which chain, which RPC, which market and stablecoin, from which block.
 * Unlike the devnet's deployment.json it describes a lasting deployment on a real chain; it
 * holds no secret (the RPC URL may carry an API key, so it is written private, 0600).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { AgentError } from '../../../shared/api/result';
import type { NetworkSettings } from '../../../shared/domain/settings';
import type { MarketVersion } from '../chain/market-v2-abi';
import { writeJsonAtomically } from '../node-adapters/atomic-json-file';

const Address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);

export const MarketDeploymentSchema = z
  .object({
    kind: z.literal('rigshift-market-deployment'),
    version: z.literal(1),
    /** Which market contract: absent in files written before v2 (they are v1 markets). */
    marketVersion: z.union([z.literal(1), z.literal(2)]).optional(),
    chainId: z.number().int().min(1),
    rpcUrl: z.string().url().max(2048),
    market: Address,
    token: Address,
    tokenSymbol: z.string().max(32),
    tokenDecimals: z.literal(6),
    /** The block the market was created in: indexers start there. */
    deploymentBlock: z.number().int().min(0),
    deployTxHash: z.string().regex(/^0x[0-9a-fA-F]{64}$/),
    deployer: Address,
    genesisHash: z.string().regex(/^0x[0-9a-fA-F]{64}$/),
    params: z.object({
      minStakeMicros: z.string().regex(/^[0-9]+$/),
      challengeWindowSeconds: z.number().int().min(0),
      feeBps: z.number().int().min(0).max(10_000),
      feeRecipient: Address,
      reopenClaimWindowSeconds: z.number().int().min(0),
    }),
    deployedAt: z.string(),
  })
  .strict();
export type MarketDeployment = z.infer<typeof MarketDeploymentSchema>;

export function writeMarketDeployment(path: string, deployment: MarketDeployment): Promise<void> {
  return writeJsonAtomically(path, MarketDeploymentSchema.parse(deployment));
}

/** Reads and checks a deployment file (never moves it: it is the owner's); every problem is one AgentError line. */
export function readMarketDeployment(path: string): MarketDeployment {
  const hint = 'Pass the file `rigshift market deploy --out` wrote.';
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new AgentError('deployment_file', `Cannot read ${path} as JSON: ${(error as Error).message.split('\n')[0]}`, hint);
  }
  const parsed = MarketDeploymentSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AgentError('deployment_file', `${path} is not a RigShift market deployment (${issue?.path.join('.') || 'file'}: ${issue?.message ?? 'malformed'}).`, hint);
  }
  return parsed.data;
}

/** The market version a deployment file names (files without one are v1). */
export const marketVersionOf = (deployment: { marketVersion?: MarketVersion }): MarketVersion => deployment.marketVersion ?? 1;

/** The network setting that points the agent at a deployment ("custom": custom rules, never devnet ones). */
export function networkFromDeployment(deployment: MarketDeployment, rpcUrl?: string): Extract<NetworkSettings, { kind: 'custom' }> {
  // Either version: the chain hub probes the contract and the agent provides with the
  // matching feature (market-v2/market-switch.ts). The event log starts at the deployment
  // block (no search, no scan from block 0).
  return { kind: 'custom', rpcUrl: rpcUrl ?? deployment.rpcUrl, chainId: deployment.chainId, marketAddress: deployment.market, deploymentBlock: deployment.deploymentBlock };
}
