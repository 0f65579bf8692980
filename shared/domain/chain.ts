import { z } from 'zod';

/**
 * The chain the agent works on, once resolved (electron/agent/chain/create-chain-hub.ts):
 * what the settings name plus what only the chain can tell (token, deployment block, genesis).
 */
export const ResolvedNetworkSchema = z.object({
  /** "Local devnet" or the RPC host. */
  label: z.string(),
  isDevnet: z.boolean(),
  chainId: z.number().int().min(1),
  rpcUrl: z.string(),
  marketAddress: z.string(),
  /** The market's immutable stablecoin (read from market.token()). */
  tokenAddress: z.string(),
  token: z.object({ symbol: z.string(), decimals: z.number().int().min(0).max(255) }),
  /** Block the market was deployed in: indexers and reconciliation start here. */
  deploymentBlock: z.number().int().min(0),
  /**
   * Hash of block 0. A restarted Hardhat devnet is a new chain at the same addresses:
   * anything keyed by chain (ledger, indexer cursor) must also key by this.
   */
  genesisHash: z.string(),
  /** Which market contract is there (absent: v1). The agent provides with the matching feature. */
  marketVersion: z.union([z.literal(1), z.literal(2)]).optional(),
});
export type ResolvedNetwork = z.infer<typeof ResolvedNetworkSchema>;

/** Where the agent's chain connection stands; pushed as the `chainStatus` event. */
export const ChainStatusSchema = z.discriminatedUnion('state', [
  /** No chain on purpose (`--no-devnet`, or a one-shot command): nothing is retried. */
  z.object({ state: z.literal('disabled'), message: z.string() }),
  z.object({ state: z.literal('connecting'), message: z.string() }),
  z.object({
    state: z.literal('online'),
    network: ResolvedNetworkSchema,
    headBlock: z.number().int().min(0),
    checkedAt: z.string(),
  }),
  /** RPC unreachable or failing: bidding pauses, nothing is forgotten; retried with backoff. */
  z.object({
    state: z.literal('offline'),
    message: z.string(),
    since: z.string(),
    network: ResolvedNetworkSchema.nullable(),
  }),
  /** The RPC answers for another chain than the configured one: nothing is signed for it. */
  z.object({
    state: z.literal('wrong-chain'),
    message: z.string(),
    expectedChainId: z.number().int(),
    actualChainId: z.number().int(),
  }),
]);
export type ChainStatus = z.infer<typeof ChainStatusSchema>;
