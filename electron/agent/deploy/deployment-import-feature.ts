/**
 * Settings → Network → "Import deployment file…" as an agent feature. previewDeploymentImport
 * checks the file's text (deployment-import.ts) against the network setting in effect;
 * applying is an ordinary updateSettings({ network }) the page can undo. In the desktop app the
 * file comes from a native open dialog behind `DeploymentFileChooser` (electron/main; the agent
 * never imports electron) and is read here, size-capped; headless has no chooser, so
 * openDeploymentFile answers `unavailable` and the browser reads the file itself.
 */
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { AgentError } from '../../../shared/api/result';
import { deploymentFileTooLarge, MAX_DEPLOYMENT_FILE_BYTES } from '../../../shared/domain/deployment-import';
import type { NetworkSettings } from '../../../shared/domain/settings';
import type { CallHandlers } from '../api/dispatch';
import type { AgentFeature } from '../agent-feature';
import { previewDeploymentImport } from './deployment-import';

export interface DeploymentFileChooser {
  /** The path the owner chose (a native "open file" dialog), or null when cancelled. */
  choose(): Promise<string | null>;
}

export interface DeploymentImportDeps {
  network: () => NetworkSettings;
  /** The desktop app's dialog; absent in headless mode. */
  chooser?: DeploymentFileChooser;
}

/** Reads at most MAX_DEPLOYMENT_FILE_BYTES of a chosen file; a larger one is refused unread. */
export async function readChosenDeploymentFile(path: string): Promise<{ text: string; fileName: string }> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw new AgentError('deployment_file', `Cannot open ${basename(path)}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}.`, 'Choose the file again, or copy it somewhere RigShift can read.');
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new AgentError('deployment_file', `${basename(path)} is not a file.`, 'Choose the JSON file `rigshift market deploy --out` wrote.');
    if (stat.size > MAX_DEPLOYMENT_FILE_BYTES) throw new AgentError('deployment_file', deploymentFileTooLarge(stat.size), 'Choose the JSON file `rigshift market deploy --out` wrote.');
    const buffer = Buffer.alloc(MAX_DEPLOYMENT_FILE_BYTES + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    // A file that grew after the size check is still refused, never half read.
    if (bytesRead > MAX_DEPLOYMENT_FILE_BYTES) throw new AgentError('deployment_file', deploymentFileTooLarge(bytesRead), 'Choose the JSON file `rigshift market deploy --out` wrote.');
    return { text: buffer.subarray(0, bytesRead).toString('utf8'), fileName: basename(path) };
  } finally {
    await handle.close();
  }
}

export function createDeploymentImportFeature(deps: DeploymentImportDeps): AgentFeature {
  const handlers: CallHandlers = {
    previewDeploymentImport: async (request: { text: string; fileName?: string }) => previewDeploymentImport(request, deps.network()),
  };
  const { chooser } = deps;
  if (chooser) {
    handlers.openDeploymentFile = async () => {
      const path = await chooser.choose();
      return path === null ? null : readChosenDeploymentFile(path);
    };
  }
  return { name: 'deployment-import', handlers };
}
