/**
 * `npm run build:contracts`: compiles the shipped contracts offline with the pinned solc and
 * writes resources/contracts/<Name>.json. The artifacts are committed (the app deploys the
 * devnet from them without a compiler); test/contracts checks they match the sources.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHIPPED_CONTRACTS, SHIPPED_SOURCES, artifactsDir, compileContracts, displayPath } from './compile';

const started = Date.now();
const artifacts = compileContracts(SHIPPED_SOURCES);
mkdirSync(artifactsDir, { recursive: true });
for (const name of SHIPPED_CONTRACTS) {
  const artifact = artifacts.get(name);
  if (!artifact) throw new Error(`solc produced no ${name}`);
  const out = join(artifactsDir, `${name}.json`);
  writeFileSync(out, `${JSON.stringify(artifact, null, 2)}\n`);
  console.log(`wrote ${displayPath(out)} (${(artifact.deployedBytecode.length - 2) / 2} bytes deployed)`);
}
console.log(`compiled with solc ${artifacts.get(SHIPPED_CONTRACTS[0]!)?.compiler.version} in ${Date.now() - started} ms`);
