/**
 * The agent's v2 provider (market-v2/v2-provider.ts) on the fake chain, with its runs on
 * disk (v2-run-store.ts) and its book from the v2 event log (v2-event-log.ts): the salt is
 * on disk before the commit goes out and survives a restart to reveal the same digest; a run
 * cut short by a restart runs again; a requester the owner's rule excludes is passed over.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobRecord } from '../../../shared/domain/job';
import { outputsDigest } from '../../../shared/domain/market-job';
import { commitmentOf } from '../../../electron/agent/market-v2/v2-provider-loop';
import { createFakeChain } from '../../fakes/fake-chain';
import { v2Log, v2PostedLog } from '../../fakes/market-v2-logs';
import { tempDir } from '../../helpers/temp-dir';
import { agentOn, MARKET, ME, OTHER, OUTPUTS, REQUESTER, T0 } from './v2-provider-fixture';

const BAD_REQUESTER = '0x976EA74026E726554dB657fA54763abd0C3a0aa9';

const dirs: Array<{ cleanup(): void }> = [];
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));

const replicatedJob = (id: number) => [
  v2PostedLog(MARKET, id, REQUESTER, '{}', { bidWindowSeconds: 0, replicas: 2, claimBy: T0 + 300, runBy: T0 + 4000 }),
  v2Log(MARKET, 'SlotAssigned', [id, 0, ME, 200_000n, 0]),
  v2Log(MARKET, 'SlotAssigned', [id, 1, OTHER, 200_000n, 0]),
];

describe('the v2 provider with its runs on disk', () => {
  it('stores the digest and salt before the commit is sent, and after a restart reveals with that same salt', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const chain = createFakeChain({ startTime: T0 });
    chain.mine(replicatedJob(1));
    const first = agentOn(chain, dir.path, {
      send: async (call) => {
        // What is on disk at the moment the commit goes out: the salt it commits to.
        const onDisk = JSON.parse(readFileSync(join(dir.path, 'market', 'v2-runs', 'fake-market.json'), 'utf8')) as { runs: Array<{ salt: string; outputsDigest: string }> };
        const commitment = call.args[2] as string;
        expect(commitmentOf(onDisk.runs[0]!.outputsDigest, onDisk.runs[0]!.salt, ME)).toBe(commitment);
        first.calls.push(call);
      },
    });
    expect((await first.tick()).map((a) => a.kind)).toEqual(['run']);
    expect(first.started).toHaveLength(1);
    await first.tick();
    const commit = first.calls.find((c) => c.method === 'commit')!;
    expect(commit).toBeDefined();
    const run = first.store.get('1')!;
    expect(run.outputsDigest).toBe(outputsDigest(OUTPUTS));

    // The agent stops (crash) after the commit was mined; both replicas committed since.
    chain.mine([v2Log(MARKET, 'Committed', [1, 0, ME, commit.args[2], 7]), v2Log(MARKET, 'Committed', [1, 1, OTHER, `0x${'77'.repeat(32)}`, 7])]);
    const second = agentOn(chain, dir.path);
    const actions = await second.tick();
    expect(actions.map((a) => a.kind)).toEqual(['reveal']);
    // Never sent again what the chain already has: no second commit, no second run.
    expect(second.calls.map((c) => c.method)).toEqual(['reveal']);
    expect(second.started).toEqual([]);
    const [, slot, digest, salt] = second.calls[0]!.args as [bigint, number, string, string];
    expect(slot).toBe(0);
    expect(commitmentOf(digest, salt, ME)).toBe(commit.args[2]);
  });

  it('never reveals a replica before the other one committed', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const chain = createFakeChain({ startTime: T0 });
    chain.mine(replicatedJob(2));
    const agent = agentOn(chain, dir.path);
    await agent.tick();
    await agent.tick();
    const commit = agent.calls.find((c) => c.method === 'commit')!;
    chain.mine([v2Log(MARKET, 'Committed', [2, 0, ME, commit.args[2], 7])]);
    await agent.tick();
    expect(agent.calls.map((c) => c.method)).toEqual(['commit']);
  });

  it('runs a slot again after a restart cut its run short, and commits only the finished run', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const chain = createFakeChain({ startTime: T0 });
    chain.mine(replicatedJob(3));
    // First life: the container starts and the agent dies before it ends.
    const first = agentOn(chain, dir.path, {
      startJob: async (_s, _d, localJobId) => ({ jobId: localJobId, done: new Promise<JobRecord>(() => undefined) }),
    });
    await first.tick();
    const cut = first.store.get('3')!;
    expect(cut.localJobId).toMatch(/^market2-31337-3-/);
    expect(cut.outputsDigest).toBeNull();
    expect(first.calls).toEqual([]);
    const second = agentOn(chain, dir.path);
    await second.tick();
    expect(second.started).toHaveLength(1);
    expect(second.started[0]).not.toBe(cut.localJobId);
    await second.tick();
    expect(second.calls.map((c) => c.method)).toEqual(['commit']);
  });

  it('passes over a requester that lost more disputes than the rule allows, and bids its floor on another', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const lost = (id: number) => [v2PostedLog(MARKET, id, BAD_REQUESTER, '{}', { bidWindowSeconds: 0 }), v2Log(MARKET, 'DisputeResolved', [id, OTHER, true, false]), v2Log(MARKET, 'JobSettled', [id, BAD_REQUESTER, 0n, false])];
    const market = () => {
      const chain = createFakeChain({ startTime: T0 });
      chain.mine([...lost(10), ...lost(11), ...lost(12)]);
      chain.mine([
        v2PostedLog(MARKET, 13, BAD_REQUESTER, '{}', { bidWindowSeconds: 10, claimBy: T0 + 300, runBy: T0 + 9000 }),
        v2PostedLog(MARKET, 14, REQUESTER, '{}', { bidWindowSeconds: 10, claimBy: T0 + 300, runBy: T0 + 9000 }),
      ]);
      return chain;
    };
    const chain = market();
    const agent = agentOn(chain, dir.path);
    await agent.tick();
    expect(agent.provider.passes.get('13')).toBe('its requester lost 3 disputes (our rule: at most 2)');
    expect(agent.calls).toEqual([{ method: 'bid', args: [14n, 90_000n] }]);
    // With a looser rule the same requester's job is taken.
    const loose = agentOn(market(), tempPath(), { rule: () => ({ maxDisputesLost: 3 }) });
    await loose.tick();
    expect(loose.calls).toEqual([{ method: 'bid', args: [13n, 90_000n] }]);
  });
});

describe('redelivery', () => {
  it('uploads to the document URL without holding up the commit, then to each URL the requester asks for, once each', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const chain = createFakeChain({ startTime: T0 });
    chain.mine(replicatedJob(5));
    const uploads: string[] = [];
    let uploadWorks = false;
    const agent = agentOn(chain, dir.path, {
      upload: async (url) => {
        uploads.push(url);
        if (!uploadWorks) throw new Error('connection refused');
      },
    });
    await agent.tick();
    await agent.tick();
    // The document's endpoint refused the upload: the commit went out all the same.
    expect(agent.calls.map((c) => c.method)).toEqual(['commit']);
    expect(uploads).toEqual(['http://127.0.0.1:9/up']);
    expect(agent.store.get('5')!.deliveredTo).toEqual([]);
    uploadWorks = true;
    const commitment = agent.calls[0]!.args[2];
    chain.mine([v2Log(MARKET, 'Committed', [5, 0, ME, commitment, 7]), v2Log(MARKET, 'RedeliveryRequested', [5, REQUESTER, 'http://127.0.0.1:10/again'])]);
    await agent.tick();
    await agent.tick();
    expect(uploads).toContain('http://127.0.0.1:10/again');
    expect(agent.store.get('5')!.deliveredTo).toContain('http://127.0.0.1:10/again');
    const count = uploads.filter((u) => u === 'http://127.0.0.1:10/again').length;
    await agent.tick();
    expect(uploads.filter((u) => u === 'http://127.0.0.1:10/again')).toHaveLength(count);
  });
});

function tempPath(): string {
  const dir = tempDir();
  dirs.push(dir);
  return dir.path;
}
