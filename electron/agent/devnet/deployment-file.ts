/**
 * `<devnetDir>/deployment.json`: where a running devnet is and what is deployed on it. The
 * agent, `rigshift market post` and a second `rigshift devnet` read it to find (and reuse)
 * the same chain. Hardhat keeps its state in memory, so the file is only true while that
 * node runs: readers check the genesis hash and the market's code before trusting it.
 */
import { lstatSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
  /** Which market contract is deployed (absent: v1, as every devnet wrote before v2). */
  marketVersion: z.union([z.literal(1), z.literal(2)]).optional(),
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

/**
 * Where `rigshift devnet` also publishes its deployment, so an agent with any --data-dir
 * finds it (README's demo: `npm run devnet -- --demo`, then `npm run headless -- --data-dir X`).
 * Per user: $RIGSHIFT_RUNTIME_DIR (tests), else $XDG_RUNTIME_DIR/rigshift, else
 * <tmp>/rigshift-<uid>. Only a folder this user owns and nobody else may write is trusted:
 * another local user must not point our agent at a chain of theirs.
 */
export function publishedDevnetDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.RIGSHIFT_RUNTIME_DIR) return join(env.RIGSHIFT_RUNTIME_DIR, 'devnet');
  if (env.XDG_RUNTIME_DIR) return join(env.XDG_RUNTIME_DIR, 'rigshift', 'devnet');
  return join(tmpdir(), `rigshift-${process.getuid?.() ?? 'user'}`, 'devnet');
}

/** The folder, created 0700 when missing; null when it exists but is not safely ours. */
export function ownPublishedDir(dir: string, create: boolean): string | null {
  try {
    if (create) mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const path of [join(dir, '..'), dir]) {
      const stat = lstatSync(path);
      if (!stat.isDirectory()) return null;
      if (process.getuid && stat.uid !== process.getuid()) return null;
      if ((stat.mode & 0o022) !== 0 && process.platform !== 'win32') return null;
    }
    return dir;
  } catch {
    return null;
  }
}
