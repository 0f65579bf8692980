/**
 * Importing a market deployment file (the one `rigshift market deploy` writes) from the app:
 * the file's text goes to the agent, which checks it and answers with a preview of what
 * applying would change; nothing changes until the owner applies it (an ordinary network
 * settings change, with the usual Undo). The file is untrusted: it may be huge, malformed, or
 * hold a private key pasted in by mistake.
 */
import { z } from 'zod';
import { CustomNetworkSettingsSchema, DeploymentBlockSchema, EvmAddressSchema, type NetworkSettings } from './settings';

/** A real deployment file is about 1 KB; anything over this is refused before it is read. */
export const MAX_DEPLOYMENT_FILE_BYTES = 64 * 1024;

export const deploymentFileTooLarge = (bytes: number) =>
  `That file is ${Math.ceil(bytes / 1024)} KiB; a deployment file is about 1 KiB (at most ${MAX_DEPLOYMENT_FILE_BYTES / 1024} KiB). Choose the JSON file \`rigshift market deploy --out\` wrote.`;

/** The preview's lines: what the network setting has now and what it would have. */
export const NetworkChangeFieldSchema = z.enum(['network', 'rpcUrl', 'chainId', 'marketAddress', 'deploymentBlock', 'confirmations']);
export type NetworkChangeField = z.infer<typeof NetworkChangeFieldSchema>;

export const DeploymentImportPreviewSchema = z.object({
  /** The file's name as the owner chose it (display only; no path). */
  fileName: z.string().max(256).nullable(),
  /** What applying sets as the network setting (updateSettings { network }). */
  network: CustomNetworkSettingsSchema,
  /** What the file says, for the owner to check. */
  deployment: z.object({
    chainId: z.number().int().min(1),
    rpcUrl: z.string(),
    market: EvmAddressSchema,
    token: EvmAddressSchema,
    tokenSymbol: z.string(),
    deploymentBlock: DeploymentBlockSchema,
    marketVersion: z.union([z.literal(1), z.literal(2)]),
    deployedAt: z.string(),
  }),
  /** Blocks the agent waits before it trusts an event on this network (custom rules). */
  confirmations: z.number().int().min(0),
  /** Every line that differs from the setting in effect now; empty when it is already in effect. */
  changes: z.array(z.object({ field: NetworkChangeFieldSchema, label: z.string(), from: z.string().nullable(), to: z.string() })),
});
export type DeploymentImportPreview = z.infer<typeof DeploymentImportPreviewSchema>;

/** How a network setting reads in the preview, line by line ('Local devnet' has no RPC of its own). */
export function describeNetwork(network: NetworkSettings, confirmations: number): Record<NetworkChangeField, string | null> {
  if (network.kind === 'devnet') {
    return { network: 'Local devnet', rpcUrl: null, chainId: null, marketAddress: null, deploymentBlock: null, confirmations: String(confirmations) };
  }
  return {
    network: 'Custom network',
    rpcUrl: network.rpcUrl,
    chainId: String(network.chainId),
    marketAddress: network.marketAddress,
    deploymentBlock: network.deploymentBlock === undefined ? 'not set (searched for)' : String(network.deploymentBlock),
    confirmations: String(confirmations),
  };
}

export const NETWORK_FIELD_LABELS: Record<NetworkChangeField, string> = {
  network: 'Network',
  rpcUrl: 'RPC URL',
  chainId: 'Chain id',
  marketAddress: 'Market contract',
  deploymentBlock: 'Deployment block',
  confirmations: 'Confirmations',
};

/** The lines that differ between two network settings (addresses compared without case). */
export function networkChanges(
  from: NetworkSettings,
  fromConfirmations: number,
  to: NetworkSettings,
  toConfirmations: number,
): DeploymentImportPreview['changes'] {
  const before = describeNetwork(from, fromConfirmations);
  const after = describeNetwork(to, toConfirmations);
  const changes: DeploymentImportPreview['changes'] = [];
  for (const field of NetworkChangeFieldSchema.options) {
    const a = before[field];
    const b = after[field];
    const same = field === 'marketAddress' ? a?.toLowerCase() === b?.toLowerCase() : a === b;
    if (!same && b !== null) changes.push({ field, label: NETWORK_FIELD_LABELS[field], from: a, to: b });
  }
  return changes;
}
