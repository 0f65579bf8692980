import { DeploymentBlockSchema } from '../../../../shared/domain/settings';
import type { Migration } from './index';

/**
 * Version 8: a custom network may name the block its market was deployed at (the deployment
 * file has it), so the event log starts there instead of searching (archive nodes only) or
 * scanning from block 0. Nothing to add: a custom network without one keeps searching. A value
 * already there that is not a usable block number (a hand-edited file) is dropped rather than
 * making the whole settings document fail closed.
 */
export const m0008NetworkDeploymentBlock: Migration = {
  to: 8,
  description: 'network (custom): optional deployment block the event log starts at',
  up(document) {
    const network = document.network;
    if (typeof network !== 'object' || network === null || Array.isArray(network)) return { ...document, schemaVersion: 8 };
    const { deploymentBlock, ...rest } = network as Record<string, unknown>;
    const kept = (rest.kind === 'custom' && DeploymentBlockSchema.safeParse(deploymentBlock).success) ? { deploymentBlock } : {};
    return { ...document, schemaVersion: 8, network: { ...rest, ...kept } };
  },
};
