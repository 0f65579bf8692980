/**
 * `<devnetDir>/deployment.json`: where a running devnet is and what is deployed on it. The
 * agent, `rigshift market post` and a second `rigshift devnet` read it to find (and reuse)
 * the same chain. Hardhat keeps its state in memory, so the file is only true while that
 * node runs: readers check the genesis hash and the market's code before trusting it.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { readJsonOrSetAside, writeJsonAtomically } from '../node-adapters/atomic-json-file';

export const DevnetDeploymentSchema = z.object({
  chainId: z.number().int(),
  rpcUrl: z.string().url(),
  port: z.number().int().min(1).max(65535),
  /** The Hardhat node process. */
  pid: z.number().int(),
  market: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
  token: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
  deploymentBlock: z.number().int().min(0),
  genesisHash: z.string().regex(/^0x[0-9a-f]{64}$/),
  startedAt: z.string(),
});
export type DevnetDeployment = z.infer<typeof DevnetDeploymentSchema>;

export const deploymentPath = (devnetDir: string) => join(devnetDir, 'deployment.json');

export function readDeployment(devnetDir: string, now = new Date()): DevnetDeployment | null {
  const read = readJsonOrSetAside(
    deploymentPath(devnetDir),
    (raw) => {
      const parsed = DevnetDeploymentSchema.safeParse(raw);
      return parsed.success ? { ok: true, value: parsed.data } : { ok: false, reason: parsed.error.message };
    },
    now,
  );
  return read.kind === 'ok' ? read.value : null;
}

export function writeDeployment(devnetDir: string, deployment: DevnetDeployment): Promise<void> {
  return writeJsonAtomically(deploymentPath(devnetDir), DevnetDeploymentSchema.parse(deployment));
}
