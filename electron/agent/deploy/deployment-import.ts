/**
 * A deployment file's text, from the app (Settings → Network → "Import deployment file…"),
 * checked and turned into a preview of the network change (shared/domain/deployment-import.ts).
 * The text is untrusted and never logged: it may be huge, not JSON, of the wrong shape, or hold
 * a private key or recovery words pasted in by mistake. Error messages never quote it (Node's
 * JSON.parse messages quote the text around the fault, so they are not passed on).
 */
import { AgentError } from '../../../shared/api/result';
import {
  type DeploymentImportPreview,
  deploymentFileTooLarge,
  MAX_DEPLOYMENT_FILE_BYTES,
  networkChanges,
} from '../../../shared/domain/deployment-import';
import type { NetworkSettings } from '../../../shared/domain/settings';
import { CUSTOM_NETWORK_CONFIRMATIONS, isLocalChain } from '../chain/local-chain-rules';
import { type MarketDeployment, MarketDeploymentSchema, marketVersionOf, networkFromDeployment } from './market-deployment-file';

const HINT = 'Choose the JSON file `rigshift market deploy --out` wrote (deployment.json), unchanged.';

/** 64 hex digits standing alone, with or without 0x: a private key has this shape (so does a hash). */
const HEX64 = /(?<![0-9a-fA-F])(?:0x)?[0-9a-fA-F]{64}(?![0-9a-fA-F])/g;
/** The two places a deployment file holds 64 hex digits of its own. */
const OWN_HASHES = /"(?:deployTxHash|genesisHash)"\s*:\s*"(0x[0-9a-fA-F]{64})"/g;
/** Twelve or more short lowercase words in a row: a BIP-39 recovery phrase. */
const RECOVERY_WORDS = /\b(?:[a-z]{3,8}[ \t]+){11,}[a-z]{3,8}\b/;

/** Why a text must not be read further, or null. Says where, never what. */
export function secretLookingContent(text: string): string | null {
  const own = new Set([...text.matchAll(OWN_HASHES)].map((m) => m[1]!.toLowerCase()));
  for (const match of text.matchAll(HEX64)) {
    const value = match[0].toLowerCase();
    if (!value.startsWith('0x') || !own.has(value)) {
      return 'it holds 64 hex digits outside deployTxHash and genesisHash, which looks like a private key';
    }
  }
  if (RECOVERY_WORDS.test(text)) return 'it holds a run of twelve or more words, which looks like wallet recovery words';
  return null;
}

/** The deployment a text describes, or an AgentError saying what is wrong with it (never quoting it). */
export function parseDeploymentText(text: string): MarketDeployment {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_DEPLOYMENT_FILE_BYTES) throw new AgentError('deployment_file', deploymentFileTooLarge(bytes), HINT);
  const secret = secretLookingContent(text);
  if (secret) {
    throw new AgentError(
      'deployment_file_secret',
      `That file was refused: ${secret}. A deployment file holds no secret; RigShift did not keep or log it.`,
      'If a key was pasted into it, delete that line (and move any funds if the file was shared), then import the file `rigshift market deploy` wrote.',
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    const at = /position (\d+)/.exec((error as Error).message)?.[1];
    throw new AgentError('deployment_file', `That file is not JSON${at ? ` (it breaks at character ${at})` : ''}.`, HINT);
  }
  const parsed = MarketDeploymentSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.map(String).join('.') || 'file';
    const what = (issue?.message ?? 'malformed').slice(0, 160);
    throw new AgentError('deployment_file', `That file is not a RigShift market deployment (${where}: ${what}).`, HINT);
  }
  const deployment = parsed.data;
  const protocol = new URL(deployment.rpcUrl).protocol;
  if (protocol !== 'https:' && protocol !== 'http:') {
    throw new AgentError('deployment_file', `The file's RPC URL uses ${protocol.slice(0, 20)}; the agent reaches a chain over https:// (or http://).`, HINT);
  }
  return deployment;
}

/** Blocks the event log waits for on a network setting (market-event-log.ts applies the same rule). */
export function confirmationsFor(network: NetworkSettings, env: NodeJS.ProcessEnv = process.env): number {
  if (network.kind === 'devnet') return 0;
  return isLocalChain({ isDevnet: false, chainId: network.chainId, rpcUrl: network.rpcUrl }, env) ? 0 : CUSTOM_NETWORK_CONFIRMATIONS;
}

/** What importing this text would change; nothing is changed here. */
export function previewDeploymentImport(
  request: { text: string; fileName?: string },
  current: NetworkSettings,
  env: NodeJS.ProcessEnv = process.env,
): DeploymentImportPreview {
  const deployment = parseDeploymentText(request.text);
  // The market-version rule lives in networkFromDeployment (one place; a v2 provider lifts it there).
  const network = networkFromDeployment(deployment);
  const confirmations = confirmationsFor(network, env);
  return {
    fileName: request.fileName ? baseName(request.fileName) : null,
    network,
    deployment: {
      chainId: deployment.chainId,
      rpcUrl: deployment.rpcUrl,
      market: deployment.market,
      token: deployment.token,
      tokenSymbol: deployment.tokenSymbol,
      deploymentBlock: deployment.deploymentBlock,
      marketVersion: marketVersionOf(deployment),
      deployedAt: deployment.deployedAt.slice(0, 64),
    },
    confirmations,
    changes: networkChanges(current, confirmationsFor(current, env), network, confirmations),
  };
}

function baseName(name: string): string {
  return (name.split(/[\\/]/).pop() ?? '').slice(0, 256);
}
