/**
 * The network part of the API contract (spread into shared/api/contract.ts): importing a
 * market deployment file from Settings → Network (shared/domain/deployment-import.ts).
 */
import { z } from 'zod';
import { DeploymentImportPreviewSchema } from '../domain/deployment-import';
import { defineCall, EmptyRequest } from './define-call';

export const networkCalls = {
  /**
   * What importing this deployment file would change (nothing changes: the owner applies the
   * preview's `network` with updateSettings, and can undo it). The text is checked on the agent:
   * size, JSON, the deployment schema, no private key or recovery words, a v1 market.
   * 128 K characters here so an oversized file gets the agent's own words (it refuses over 64 KiB).
   */
  previewDeploymentImport: defineCall(
    z.object({ text: z.string().max(128 * 1024), fileName: z.string().max(1024).optional() }).strict(),
    DeploymentImportPreviewSchema,
  ),
  /**
   * Desktop app only: the native "open file" dialog; answers the chosen file's text for
   * previewDeploymentImport (null when the owner cancelled). Headless answers `unavailable`:
   * the browser reads the file itself.
   */
  openDeploymentFile: defineCall(EmptyRequest, z.object({ text: z.string(), fileName: z.string() }).nullable()),
} as const;
