/**
 * The Settings → Network form as text fields, parsed into a network setting with one
 * problem per field (the agent parses it again with the settings schema). Pure, so it is
 * unit-tested without a page.
 */
import type { NetworkSettings } from '../../../shared/domain/settings';

export interface NetworkDraft {
  kind: 'devnet' | 'custom';
  rpcUrl: string;
  chainId: string;
  marketAddress: string;
  /** Empty: not set (the agent searches for it). */
  deploymentBlock: string;
}

export type NetworkField = 'rpcUrl' | 'chainId' | 'marketAddress' | 'deploymentBlock';
export type NetworkProblems = Partial<Record<NetworkField, string>>;

export const DEPLOYMENT_BLOCK_HINT =
  'The block the market was deployed at; the deployment file has it ("deploymentBlock"). RigShift reads the market\'s events from there. ' +
  'Left empty, it is searched for, which needs an archive RPC; otherwise every block from 0 is read, which on a public endpoint takes hours.';

export function draftOf(network: NetworkSettings): NetworkDraft {
  if (network.kind === 'devnet') return { kind: 'devnet', rpcUrl: '', chainId: '', marketAddress: '', deploymentBlock: '' };
  return {
    kind: 'custom',
    rpcUrl: network.rpcUrl,
    chainId: String(network.chainId),
    marketAddress: network.marketAddress,
    deploymentBlock: network.deploymentBlock === undefined ? '' : String(network.deploymentBlock),
  };
}

const wholeNumber = (text: string): number | null => {
  if (!/^[0-9]{1,16}$/.test(text)) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : null;
};

export function parseNetworkDraft(draft: NetworkDraft): { ok: true; network: NetworkSettings } | { ok: false; problems: NetworkProblems } {
  if (draft.kind === 'devnet') return { ok: true, network: { kind: 'devnet' } };
  const problems: NetworkProblems = {};
  const rpcUrl = draft.rpcUrl.trim();
  let url: URL | null;
  try {
    url = new URL(rpcUrl);
  } catch {
    url = null;
  }
  if (!rpcUrl) problems.rpcUrl = 'Enter the RPC URL of your chain (https://…).';
  else if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) problems.rpcUrl = 'The RPC URL starts with https:// (or http://).';
  else if (rpcUrl.length > 2048) problems.rpcUrl = 'That RPC URL is too long (2,048 characters at most).';
  const chainId = wholeNumber(draft.chainId.trim());
  if (chainId === null || chainId < 1) problems.chainId = 'The chain id is a whole number (8453 is Base, 84532 Base Sepolia).';
  const marketAddress = draft.marketAddress.trim();
  if (!/^0x[0-9a-fA-F]{40}$/.test(marketAddress)) problems.marketAddress = 'The market address is 0x followed by 40 hex digits.';
  const blockText = draft.deploymentBlock.trim().replace(/[,_ ]/g, '');
  const deploymentBlock = blockText === '' ? undefined : wholeNumber(blockText);
  if (deploymentBlock === null) problems.deploymentBlock = 'The deployment block is a whole block number (or leave it empty).';
  if (Object.keys(problems).length > 0) return { ok: false, problems };
  const network: NetworkSettings = { kind: 'custom', rpcUrl, chainId: chainId!, marketAddress };
  if (deploymentBlock !== undefined && deploymentBlock !== null) network.deploymentBlock = deploymentBlock;
  return { ok: true, network };
}

/** The same network (market addresses compared without case). */
export function sameNetwork(a: NetworkSettings, b: NetworkSettings): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'devnet' || b.kind === 'devnet') return true;
  return a.rpcUrl === b.rpcUrl && a.chainId === b.chainId && a.marketAddress.toLowerCase() === b.marketAddress.toLowerCase() && a.deploymentBlock === b.deploymentBlock;
}

/** One line for the network in effect. */
export function networkSummary(network: NetworkSettings): string {
  if (network.kind === 'devnet') return 'Local devnet (test money on this computer)';
  let host = network.rpcUrl;
  try {
    host = new URL(network.rpcUrl).host;
  } catch {
    // shown as entered
  }
  const from = network.deploymentBlock === undefined ? 'deployment block not set' : `from block ${network.deploymentBlock.toLocaleString('en-US')}`;
  return `Custom: ${host} · chain ${network.chainId} · market ${network.marketAddress.slice(0, 6)}…${network.marketAddress.slice(-4)} · ${from}`;
}
