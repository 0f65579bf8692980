/**
 * Offline Solidity compilation with the pinned solc-js npm package (the npm version IS the
 * compiler version; never loadRemoteVersion, which downloads). Used by `npm run build:contracts`
 * (the shipped artifacts) and by the contract tests (test-only mocks, and the drift check that
 * recompiles the sources and compares with the committed artifacts).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

export const SOLC_VERSION = '0.8.30';
export const EVM_VERSION = 'cancun';
export const OPTIMIZER_RUNS = 200;

export const contractsDir = dirname(fileURLToPath(import.meta.url));
export const repoRoot = join(contractsDir, '..');

export interface ContractArtifact {
  contractName: string;
  abi: unknown[];
  bytecode: string;
  deployedBytecode: string;
  compiler: { name: 'solc'; version: string; evmVersion: string; optimizer: { enabled: true; runs: number } };
  /** sha256 of the compiler input (sources + settings): which sources produced this bytecode. */
  sourceHash: string;
}

interface Solc {
  version(): string;
  compile(input: string, callbacks: { import: (path: string) => { contents: string } | { error: string } }): string;
}

interface SolcOutput {
  errors?: { severity: 'error' | 'warning' | 'info'; formattedMessage: string }[];
  contracts?: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string }; deployedBytecode: { object: string } } }>>;
}

let solc: Solc | null = null;

function loadSolc(): Solc {
  if (solc) return solc;
  const loaded = require('solc') as Solc;
  const version = loaded.version();
  // A caret range or a stray upgrade would silently change the bytecode we ship.
  if (!version.startsWith(`${SOLC_VERSION}+`)) {
    throw new Error(`solc ${version} is installed but ${SOLC_VERSION} is pinned: run npm ci (package.json pins "solc": "${SOLC_VERSION}")`);
  }
  solc = loaded;
  return loaded;
}

/** Serves @openzeppelin/... (and any other package) imports from node_modules, offline. */
function resolveImport(path: string): { contents: string } | { error: string } {
  try {
    return { contents: readFileSync(require.resolve(path), 'utf8') };
  } catch (error) {
    return { error: `cannot resolve ${path}: ${(error as Error).message}` };
  }
}

/**
 * Compiles the given .sol files (paths relative to the repo root, e.g. 'contracts/TestUSD.sol';
 * their relative imports are resolved by solc against these names) and returns one artifact
 * per contract defined in them. Throws with solc's messages on any error.
 */
export function compileContracts(files: string[]): Map<string, ContractArtifact> {
  const compiler = loadSolc();
  const sources: Record<string, { content: string }> = {};
  for (const file of files) sources[file] = { content: readFileSync(join(repoRoot, file), 'utf8') };
  const input = {
    language: 'Solidity',
    sources,
    settings: {
      evmVersion: EVM_VERSION,
      optimizer: { enabled: true, runs: OPTIMIZER_RUNS },
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
    },
  };
  const inputJson = JSON.stringify(input);
  const output = JSON.parse(compiler.compile(inputJson, { import: resolveImport })) as SolcOutput;
  const errors = (output.errors ?? []).filter((entry) => entry.severity === 'error');
  if (errors.length > 0) throw new Error(`solc failed:\n${errors.map((entry) => entry.formattedMessage).join('\n')}`);
  const warnings = (output.errors ?? []).filter((entry) => entry.severity === 'warning');
  if (warnings.length > 0) throw new Error(`solc warnings (fix them):\n${warnings.map((entry) => entry.formattedMessage).join('\n')}`);

  const sourceHash = `sha256:${createHash('sha256').update(inputJson).digest('hex')}`;
  const artifacts = new Map<string, ContractArtifact>();
  for (const file of files) {
    for (const [contractName, contract] of Object.entries(output.contracts?.[file] ?? {})) {
      artifacts.set(contractName, {
        contractName,
        abi: contract.abi,
        bytecode: `0x${contract.evm.bytecode.object}`,
        deployedBytecode: `0x${contract.evm.deployedBytecode.object}`,
        compiler: {
          name: 'solc',
          version: compiler.version(),
          evmVersion: EVM_VERSION,
          optimizer: { enabled: true, runs: OPTIMIZER_RUNS },
        },
        sourceHash,
      });
    }
  }
  return artifacts;
}

/** The contracts the app ships (resources/contracts/<name>.json). */
export const SHIPPED_SOURCES = ['contracts/RigShiftMarket.sol', 'contracts/TestUSD.sol', 'contracts/RigShiftMarketV2.sol'];
export const SHIPPED_CONTRACTS = ['RigShiftMarket', 'TestUSD', 'RigShiftMarketV2'];
export const artifactsDir = join(repoRoot, 'resources', 'contracts');

export const displayPath = (path: string) => relative(repoRoot, path);
