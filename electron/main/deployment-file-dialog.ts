/**
 * Settings → Network → "Import deployment file…" in the desktop app: Electron's native open
 * dialog behind the agent's small DeploymentFileChooser interface (the agent never imports
 * electron; it reads the chosen file itself, size-capped, and previews it).
 */
import { type BrowserWindow, dialog } from 'electron';
import type { DeploymentFileChooser } from '../agent/deploy/deployment-import-feature';

export function electronDeploymentFileChooser(window: () => BrowserWindow | null): DeploymentFileChooser {
  return {
    async choose() {
      const options = {
        title: 'Import a RigShift deployment file',
        buttonLabel: 'Preview',
        properties: ['openFile' as const],
        filters: [
          { name: 'Deployment file (JSON)', extensions: ['json'] },
          { name: 'All files', extensions: ['*'] },
        ],
      };
      const owner = window();
      const { canceled, filePaths } = owner && !owner.isDestroyed() ? await dialog.showOpenDialog(owner, options) : await dialog.showOpenDialog(options);
      return canceled ? null : (filePaths[0] ?? null);
    },
  };
}
