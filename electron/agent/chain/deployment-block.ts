/**
 * Where the market event log starts: the block the market contract was created in. Known for
 * the devnet (its deployment.json) and for a custom network whose owner gave it (Settings, or
 * an imported deployment file); otherwise searched for by "has code at block n", which needs an
 * archive node (public full nodes refuse state that old) and falls back to block 0.
 *
 * A block the owner gave is trusted unless the chain can show it is too late (the market
 * already had code the block before): then events before it would be missed, so the real
 * block is searched for below it. An earlier block only costs a few more getLogs.
 */
export interface CodeReader {
  blockNumber(): Promise<number>;
  /** The contract code at `address` as of block `block` ('0x' for none); may throw on non-archive nodes. */
  codeAt(address: string, block: number): Promise<string>;
}

export interface DeploymentBlockLog {
  warn(message: string, fields?: Record<string, unknown>): void;
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 300);

/** Binary search for the first block with code in [0, hi]; 0 when the node cannot answer. */
export async function searchDeploymentBlock(reader: CodeReader, market: string, hi: number, log: DeploymentBlockLog): Promise<number> {
  let lo = 0;
  try {
    if ((await reader.codeAt(market, 0)) !== '0x') return 0;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if ((await reader.codeAt(market, mid)) !== '0x') hi = mid;
      else lo = mid + 1;
    }
    return hi;
  } catch (error) {
    log.warn('could not find the market deployment block (no archive RPC?); scanning from block 0. Set the deployment block in Settings → Network (the deployment file has it).', { error: describe(error) });
    return 0;
  }
}

/**
 * The block the event log starts at: `given` (the owner's setting) when the chain does not
 * contradict it, else the searched one.
 */
export async function resolveDeploymentBlock(reader: CodeReader, market: string, given: number | null, log: DeploymentBlockLog): Promise<number> {
  const head = await reader.blockNumber();
  if (given === null) return searchDeploymentBlock(reader, market, head, log);
  if (given > head) {
    log.warn('the deployment block in Settings is past the chain head; searching for the real one', { given, head });
    return searchDeploymentBlock(reader, market, head, log);
  }
  if (given === 0) return 0;
  let before: string;
  try {
    before = await reader.codeAt(market, given - 1);
  } catch {
    // A full (non-archive) node cannot say: the owner's block stands.
    return given;
  }
  if (before === '0x') return given;
  log.warn('the market already existed before the deployment block in Settings; searching for the real one so no event is missed', { given });
  return searchDeploymentBlock(reader, market, given - 1, log);
}
