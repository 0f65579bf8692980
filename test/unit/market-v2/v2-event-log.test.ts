/**
 * The v2 event log on the fake chain: it resumes from its file without reading the chain
 * again from the start, rewinds a reorganised block (the job it posted disappears), and the
 * market switch runs the feature the connected market's version names.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentFeature, AgentFeatureContext } from '../../../electron/agent/agent-feature';
import type { ChainConnection } from '../../../electron/agent/chain/chain-hub';
import { createMarketSwitch } from '../../../electron/agent/market-v2/market-switch';
import { createV2EventLog } from '../../../electron/agent/market-v2/v2-event-log';
import { resultsToRemove, runInFlight, V2_RESULT_RETENTION_MS } from '../../../electron/agent/market-v2/v2-run-store';
import type { V2StoredRun } from '../../../electron/agent/market-v2/v2-market-source';
import { createFakeChain, type FakeChain, fakeConnection } from '../../fakes/fake-chain';
import { v2PostedLog } from '../../fakes/market-v2-logs';
import { recordingLogger } from '../../helpers/silent-logger';
import { tempDir } from '../../helpers/temp-dir';

const MARKET = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const REQUESTER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const dirs: Array<{ cleanup(): void }> = [];
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));

function logOn(chain: FakeChain, dir: string) {
  const connection = fakeConnection(chain, MARKET);
  return createV2EventLog({ connection: () => connection, reportFailure: () => undefined, dataDir: dir, logger: recordingLogger().logger, confirmations: () => 0, pollMs: 3_600_000 });
}

describe('the v2 event log', () => {
  it('resumes from its file: a restart reads only the blocks after its cursor', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const chain = createFakeChain();
    chain.mine([v2PostedLog(MARKET, 1, REQUESTER, '{"a":1}')]);
    chain.mineEmpty(3);
    const first = logOn(chain, dir.path);
    await first.poll();
    await first.stop();
    expect(first.book.get('1')?.spec).toBe('{"a":1}');
    chain.mine([v2PostedLog(MARKET, 2, REQUESTER, '{}')]);
    const before = chain.calls.getLogs ?? 0;
    const second = logOn(chain, dir.path);
    await second.poll();
    expect([...second.book.all()].map((j) => j.id).sort()).toEqual(['1', '2']);
    // One request: from the saved cursor to the head, not from the deployment block.
    expect((chain.calls.getLogs ?? 0) - before).toBe(1);
    expect(second.book.get('1')?.terms.maxPricePerHour).toBe(200_000n);
  });

  it('rewinds a reorganised block: a job posted there is gone, one in the new block is there', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const chain = createFakeChain();
    chain.mine([v2PostedLog(MARKET, 1, REQUESTER, '{}')]);
    chain.mine([v2PostedLog(MARKET, 2, REQUESTER, '{}')]);
    const log = logOn(chain, dir.path);
    const updates: Array<Set<string>> = [];
    log.onUpdate((u) => updates.push(u.changed));
    await log.poll();
    chain.reorg(1, [[v2PostedLog(MARKET, 3, REQUESTER, '{}')]]);
    await log.poll();
    expect([...log.book.all()].map((j) => j.id).sort()).toEqual(['1', '3']);
    expect(updates.some((u) => u.has('2'))).toBe(true);
    // The file says the same after a restart.
    const again = logOn(chain, dir.path);
    await again.poll();
    expect([...again.book.all()].map((j) => j.id).sort()).toEqual(['1', '3']);
  });
});

describe('the market switch', () => {
  const feature = (name: string, events: string[]): AgentFeature => ({
    name,
    handlers: { getMarket: async () => name },
    start: () => void events.push(`start ${name}`),
    stop: async () => void events.push(`stop ${name}`),
  });

  it('runs v1 until the connected market says v2, then only v2 (and v2 answers the Market calls)', async () => {
    const chain = createFakeChain();
    let connection: ChainConnection | null = null;
    const listeners: Array<() => void> = [];
    const events: string[] = [];
    const market = createMarketSwitch({
      chain: { connection: () => connection, onStatus: (l) => (listeners.push(() => l({ state: 'disabled', message: '' })), () => undefined) },
      v1: feature('v1', events),
      v2: () => feature('v2', events),
      logger: recordingLogger().logger,
    });
    await market.start?.({} as AgentFeatureContext, { longRunning: true });
    await market.settled();
    expect(events).toEqual(['start v1']);
    const base = fakeConnection(chain, MARKET);
    connection = { ...base, network: { ...base.network, marketVersion: 2 } };
    listeners.forEach((l) => l());
    await market.settled();
    expect(events).toEqual(['start v1', 'stop v1', 'start v2']);
    expect(market.version()).toBe(2);
    expect(await (market.handlers.getMarket as (r: never) => Promise<unknown>)({} as never)).toBe('v2');
    await market.stop?.();
    expect(events.at(-1)).toBe('stop v2');
  });
});

describe('the wallet hold', () => {
  const run = (id: string, error: string | null = null): V2StoredRun => ({ chainJobId: id, slot: 0, outputsDigest: null, salt: null, seconds: null, deliveredTo: [], localJobId: null, askMicrosPerHour: null, error, updatedAt: '' });
  it('holds while a job of ours is running, committed or submitted; not once settled, refunded or given up', () => {
    const states: Record<string, string> = { '1': 'running', '2': 'submitted', '3': 'settled', '4': 'refunded' };
    const stateOf = (id: string) => states[id];
    expect(runInFlight([run('1')], stateOf)).toBe(true);
    expect(runInFlight([run('2')], stateOf)).toBe(true);
    expect(runInFlight([run('3'), run('4')], stateOf)).toBe(false);
    expect(runInFlight([run('1', 'The job could not start')], stateOf)).toBe(false);
    expect(runInFlight([run('9')], stateOf)).toBe(false);
  });
});

describe('result retention', () => {
  it('removes the results of a closed job only after the retention time, and never of a running one', () => {
    const at = Date.parse('2026-12-01T00:00:00Z');
    const run = (id: string): V2StoredRun => ({ chainJobId: id, slot: 0, outputsDigest: '0x1', salt: '0x2', seconds: 3, deliveredTo: [], localJobId: `market2-1-${id}-aaaaaa`, askMicrosPerHour: null, error: null, updatedAt: new Date(at).toISOString() });
    const states: Record<string, string> = { '1': 'settled', '2': 'running', '3': 'refunded' };
    const runs = [run('1'), run('2'), run('3')];
    expect(resultsToRemove(runs, (id) => states[id], at + V2_RESULT_RETENTION_MS - 1)).toEqual([]);
    expect(resultsToRemove(runs, (id) => states[id], at + V2_RESULT_RETENTION_MS).map((r) => r.chainJobId)).toEqual(['1', '3']);
  });
});
