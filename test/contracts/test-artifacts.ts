/**
 * Compiles the contracts plus the test-only mocks (contracts/test/) once, cached on disk by a
 * hash of every .sol file, the compile settings and the compiler, so a test run pays the ~2 s
 * solc compile only when a source changed. The shipped artifacts are NOT used from here:
 * the drift test compares those with a fresh compile.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ContractArtifact, SOLC_VERSION, compileContracts, contractsDir, repoRoot } from '../../contracts/compile';

const TEST_SOURCES = [
  'contracts/RigShiftMarket.sol',
  'contracts/TestUSD.sol',
  'contracts/test/EighteenDecimalsToken.sol',
  'contracts/test/FeeOnTransferToken.sol',
  'contracts/test/ReentrantToken.sol',
  'contracts/test/RigShiftMarketHarness.sol',
];

export type TestContractName =
  | 'RigShiftMarket'
  | 'TestUSD'
  | 'EighteenDecimalsToken'
  | 'FeeOnTransferToken'
  | 'ReentrantToken'
  | 'RigShiftMarketHarness';

function sourcesHash(): string {
  const hash = createHash('sha256').update(SOLC_VERSION);
  hash.update(readFileSync(join(contractsDir, 'compile.ts')));
  for (const dir of [contractsDir, join(contractsDir, 'test')]) {
    for (const name of readdirSync(dir).filter((file) => file.endsWith('.sol')).sort()) {
      hash.update(name).update(readFileSync(join(dir, name)));
    }
  }
  return hash.digest('hex').slice(0, 16);
}

let loaded: Record<TestContractName, ContractArtifact> | null = null;

export function testArtifacts(): Record<TestContractName, ContractArtifact> {
  if (loaded) return loaded;
  const cacheDir = join(repoRoot, 'node_modules', '.cache', 'rigshift-contracts');
  const cacheFile = join(cacheDir, `test-artifacts-${sourcesHash()}.json`);
  if (existsSync(cacheFile)) {
    loaded = JSON.parse(readFileSync(cacheFile, 'utf8')) as Record<TestContractName, ContractArtifact>;
    return loaded;
  }
  const compiled = compileContracts(TEST_SOURCES);
  const byName = Object.fromEntries(compiled) as Record<TestContractName, ContractArtifact>;
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(cacheFile, JSON.stringify(byName));
  loaded = byName;
  return byName;
}
