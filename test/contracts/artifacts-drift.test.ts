/**
 * The app ships precompiled artifacts (resources/contracts/*.json); this recompiles the
 * sources with the pinned solc and fails if anything differs, so the committed artifacts can
 * never drift from contracts/*.sol. Fix a failure with `npm run build:contracts`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHIPPED_CONTRACTS, SHIPPED_SOURCES, SOLC_VERSION, artifactsDir, compileContracts } from '../../contracts/compile';
import { MARKET_ABI, MARKET_BYTECODE, TOKEN_ABI, TOKEN_BYTECODE } from '../../electron/agent/chain/market-abi';

describe('committed contract artifacts', () => {
  it('match a fresh offline compile of the sources (run npm run build:contracts if not)', () => {
    const fresh = compileContracts(SHIPPED_SOURCES);
    for (const name of SHIPPED_CONTRACTS) {
      const committed = JSON.parse(readFileSync(join(artifactsDir, `${name}.json`), 'utf8')) as Record<string, unknown>;
      const compiled = fresh.get(name);
      expect(compiled, `${name} compiled`).toBeDefined();
      expect(committed.contractName).toBe(name);
      expect(committed.sourceHash).toBe(compiled?.sourceHash);
      expect(committed.bytecode).toBe(compiled?.bytecode);
      expect(committed.deployedBytecode).toBe(compiled?.deployedBytecode);
      expect(committed.abi).toEqual(compiled?.abi);
      expect(committed.compiler).toEqual(compiled?.compiler);
      expect(String((committed.compiler as { version: string }).version)).toMatch(new RegExp(`^${SOLC_VERSION.replaceAll('.', '\\.')}\\+`));
    }
  }, 60_000);

  it('are what the agent imports (market-abi.ts)', () => {
    const market = JSON.parse(readFileSync(join(artifactsDir, 'RigShiftMarket.json'), 'utf8')) as { abi: unknown; bytecode: string };
    const token = JSON.parse(readFileSync(join(artifactsDir, 'TestUSD.json'), 'utf8')) as { abi: unknown; bytecode: string };
    expect(MARKET_ABI).toEqual(market.abi);
    expect(MARKET_BYTECODE).toBe(market.bytecode);
    expect(TOKEN_ABI).toEqual(token.abi);
    expect(TOKEN_BYTECODE).toBe(token.bytecode);
  });
});
