/**
 * Incoming token transfers on a v2 market: the v2 event log reads the token's Transfer events
 * to our wallet along with the market's events (one log per market, same cursor, same reorg
 * policy, same file), and the wallet page's rows come from whichever log the market switch
 * runs. Before this, a v2 market showed no incoming transfer at all.
 */
import { Interface } from 'ethers';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentFeatureContext } from '../../../electron/agent/agent-feature';
import type { ChainConnection } from '../../../electron/agent/chain/chain-hub';
import { TOKEN_ABI } from '../../../electron/agent/chain/market-abi';
import { createMarketSwitch } from '../../../electron/agent/market-v2/market-switch';
import { createV2EventLog, type V2EventLog } from '../../../electron/agent/market-v2/v2-event-log';
import { activeIncomingSource, createIncomingTransfersFeature, type IncomingSource } from '../../../electron/agent/wallet/incoming-feature';
import { createFakeChain, type FakeChain, fakeConnection } from '../../fakes/fake-chain';
import { v2PostedLog } from '../../fakes/market-v2-logs';
import { recordingLogger } from '../../helpers/silent-logger';
import { tempDir } from '../../helpers/temp-dir';

const MARKET = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const TOKEN = '0x0000000000000000000000000000000000000001';
const REQUESTER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const ME = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';
const OTHER = '0x90F79bf6EB2c4f870365E785982E1f101E93b906';
const tokenInterface = new Interface(TOKEN_ABI);
const transfer = (from: string, to: string, value: bigint) => {
  const encoded = tokenInterface.encodeEventLog('Transfer', [from, to, value]);
  return { address: TOKEN, topics: encoded.topics, data: encoded.data };
};

const dirs: Array<{ cleanup(): void }> = [];
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));

function v2Connection(chain: FakeChain): ChainConnection {
  const base = fakeConnection(chain, MARKET);
  return { ...base, network: { ...base.network, marketVersion: 2 } };
}

function logOn(chain: FakeChain, dir: string, account: () => string | null = () => ME): V2EventLog {
  const connection = v2Connection(chain);
  return createV2EventLog({ connection: () => connection, reportFailure: () => undefined, dataDir: dir, logger: recordingLogger().logger, account, confirmations: () => 0, pollMs: 3_600_000 });
}

function newDir(): string {
  const dir = tempDir('rigshift-v2-incoming-');
  dirs.push(dir);
  return dir.path;
}

describe('the v2 event log: token transfers to our wallet', () => {
  it('keeps them newest first (only ours), with the market events, across a reorg and a restart', async () => {
    const dir = newDir();
    const chain = createFakeChain({ startTime: 1_000_000 });
    const log = logOn(chain, dir);
    const updates: unknown[] = [];
    log.onUpdate((u) => updates.push(u));
    chain.mine([v2PostedLog(MARKET, 1, REQUESTER, '{}'), transfer(REQUESTER, ME, 5_000_000n), transfer(REQUESTER, OTHER, 7n)]);
    chain.mine([transfer(OTHER, ME, 250_000n)]);
    await log.poll();
    expect(log.received(ME).map((r) => [r.from, r.amount])).toEqual([
      [OTHER, 250_000n],
      [REQUESTER, 5_000_000n],
    ]);
    expect(log.received(ME)[0]!.timestamp).toBeGreaterThan(0);
    expect(log.received(OTHER)).toEqual([]);
    expect(log.book.get('1')).toBeDefined();
    // A transfer alone (no market event) is an update: the wallet page is told.
    const before = updates.length;
    chain.mine([transfer(OTHER, ME, 1n)]);
    await log.poll();
    expect(updates.length).toBe(before + 1);
    expect(log.received(ME)).toHaveLength(3);
    // The newest block is replaced: its transfer goes with it.
    chain.reorg(1, [[]]);
    await log.poll();
    expect(log.received(ME).map((r) => r.amount)).toEqual([250_000n, 5_000_000n]);
    await log.stop();
    // A restart reads them back from the file, without reading the chain from the start.
    const getLogsBefore = chain.calls.getLogs ?? 0;
    const again = logOn(chain, dir);
    await again.poll();
    expect(again.received(ME).map((r) => r.amount)).toEqual([250_000n, 5_000_000n]);
    expect((chain.calls.getLogs ?? 0) - getLogsBefore).toBe(0);
  });

  it('a wallet that becomes ours later gets the transfers it received before, once', async () => {
    const dir = newDir();
    const chain = createFakeChain({ startTime: 1_000_000 });
    let account: string | null = null;
    const log = logOn(chain, dir, () => account);
    chain.mine([transfer(REQUESTER, ME, 9n)]);
    await log.poll();
    expect(log.received(ME)).toEqual([]);
    account = ME;
    chain.mine([transfer(REQUESTER, ME, 10n)]);
    await log.poll();
    await log.poll();
    expect(log.received(ME).map((r) => r.amount)).toEqual([10n, 9n]);
    await log.stop();
    const again = logOn(chain, dir, () => account);
    await again.poll();
    expect(again.received(ME).map((r) => r.amount)).toEqual([10n, 9n]);
  });
});

describe('incoming transfers follow the running market', () => {
  it('on a v2 market the wallet page lists what the v2 event log read (none from the idle v1 log)', async () => {
    const dir = newDir();
    const chain = createFakeChain({ startTime: 1_000_000 });
    const connection = v2Connection(chain);
    const log = logOn(chain, dir);
    const v1Listeners = new Set<() => void>();
    const v1: IncomingSource & { fire(): void } = {
      received: () => [],
      onUpdate: (l) => (v1Listeners.add(l), () => v1Listeners.delete(l)),
      fire: () => v1Listeners.forEach((l) => l()),
    };
    const idle = { name: 'idle', handlers: {} };
    const market = createMarketSwitch({ chain: { connection: () => connection, onStatus: () => () => undefined }, v1: idle, v2: () => ({ ...idle, internals: { log } }), logger: recordingLogger().logger });
    const feature = createIncomingTransfersFeature({ events: activeIncomingSource({ market, v1, v2: () => market.v2Feature()?.internals.log ?? null }), address: () => ME });
    const pushed: Array<[string, Array<{ amount: string }>]> = [];
    await feature.start?.({ emit: (name: string, rows: Array<{ amount: string }>) => pushed.push([name, rows]) } as unknown as AgentFeatureContext, { longRunning: true });
    await market.start?.({} as AgentFeatureContext, { longRunning: true });
    expect(market.version()).toBe(2);
    chain.mine([transfer(REQUESTER, ME, 3_000_000n)]);
    await log.poll();
    const list = () => (feature.handlers.listIncomingTransfers as (r: object) => Promise<Array<{ amount: string; from: string }>>)({});
    expect((await list()).map((r) => [r.from, r.amount])).toEqual([[REQUESTER, '3000000']]);
    expect(pushed.at(-1)).toEqual(['walletIncoming', [expect.objectContaining({ amount: '3000000' })]]);
    // The v1 log's updates are not passed on while v2 runs.
    const count = pushed.length;
    v1.fire();
    expect(pushed.length).toBe(count);
    await feature.stop?.();
    await market.stop?.();
    await log.stop();
  });
});
