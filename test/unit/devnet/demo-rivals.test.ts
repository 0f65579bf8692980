/**
 * The demo devnet's rival providers: who they are (never the requester's or the deployer's
 * account), what they ask (around the default ask, so a newcomer at the default wins some
 * auctions and loses others), the settings they run with, and how they are started, moved to
 * their next ask and stopped, against fake agents (no process, no chain).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Result } from '../../../shared/api/result';
import { applySettingsPatch, DEFAULT_SETTINGS, SettingsPatchSchema } from '../../../shared/domain/settings';
import { devnetAccount } from '../../../electron/agent/devnet/devnet-accounts';
import { readDeployment, type DevnetDeployment } from '../../../electron/agent/devnet/deployment-file';
import {
  checkRivalPlan,
  defaultCpuAsk,
  DEMO_RESERVED_ACCOUNTS,
  DEMO_RIVAL_WALLET_PASSWORD,
  DEMO_RIVALS,
  type DemoRival,
  rivalCpuAsk,
  rivalPercentFor,
  rivalPrice,
  rivalSettingsPatch,
} from '../../../electron/agent/devnet/demo-rival-plan';
import { type RivalAgent, startDemoRivals } from '../../../electron/agent/devnet/demo-rivals';
import { askFor } from '../../../shared/domain/market-evaluation';
import { recordingLogger } from '../../helpers/silent-logger';
import { tempDir } from '../../helpers/temp-dir';

/** Who wins a job with `replicas` slots at job index `k`, the newcomer asking the default: lowest asks. */
function winners(k: number, replicas: number): string[] {
  const asks = [{ who: 'newcomer', ask: defaultCpuAsk() }, ...DEMO_RIVALS.map((r) => ({ who: r.name, ask: rivalCpuAsk(rivalPercentFor(r, k)) }))];
  return asks
    .sort((a, b) => (a.ask < b.ask ? -1 : a.ask > b.ask ? 1 : 0))
    .slice(0, replicas)
    .map((a) => a.who);
}

describe('the demo rivals plan', () => {
  it('uses devnet accounts of their own: not the deployer, not the demo requester, not each other', () => {
    const accounts = DEMO_RIVALS.map((r) => r.account);
    expect(accounts.some((a) => DEMO_RESERVED_ACCOUNTS.includes(a))).toBe(false);
    expect(new Set(accounts).size).toBe(accounts.length);
    expect(() => checkRivalPlan(DEMO_RIVALS)).not.toThrow();
    expect(() => checkRivalPlan([{ name: 'x', account: 2, askPercents: [90] }])).toThrow(/#2, which the demo requester or the deployer uses/);
    expect(() => checkRivalPlan([{ name: 'x', account: 8, askPercents: [90] }, { name: 'y', account: 8, askPercents: [110] }])).toThrow(/two rivals would use devnet account #8/);
    expect(() => checkRivalPlan([{ name: 'x', account: 8, askPercents: [100] }])).toThrow(/none of them 100 %/);
  });

  it('asks a share of the default ask: electricity scaled, so the CPU ask scales with it', () => {
    // Default: (0 W + 90 W overhead) / 90 % PSU = 100 W × 0.18 USD/kWh = 0.018 USD/h, + 10 %.
    expect(defaultCpuAsk()).toBe(19_800n);
    expect(rivalCpuAsk(80)).toBe(15_840n);
    expect(rivalCpuAsk(125)).toBe(24_750n);
    // A GPU of the same power as the newcomer's: the same share of the newcomer's GPU ask.
    const defaults = { ...rivalPrice(100), floorMicrosPerHour: '0' };
    expect(askFor(rivalPrice(80), 250)).toBe((askFor(defaults, 250) * 80n) / 100n);
    expect(() => rivalPrice(0)).toThrow(RangeError);
  });

  it('makes a newcomer at the default ask win some single jobs and lose others, and share replicated ones', () => {
    const singles = [0, 1, 2, 3].map((k) => winners(k, 1)[0]);
    expect(singles).toContain('newcomer');
    expect(singles.filter((w) => w !== 'newcomer').length).toBeGreaterThan(0);
    // Both rivals win some: neither always undercuts the other.
    expect(new Set(singles)).toEqual(new Set(['newcomer', 'rival-a', 'rival-b']));
    // A 2-replica job always has a rival among its winners.
    for (const k of [0, 1, 2, 3]) expect(winners(k, 2).some((w) => w.startsWith('rival'))).toBe(true);
  });

  it('moves through each rival list in turn, for ever', () => {
    const rival = DEMO_RIVALS[0]!;
    const n = rival.askPercents.length;
    expect([0, 1, n, n + 1].map((k) => rivalPercentFor(rival, k))).toEqual([rival.askPercents[0], rival.askPercents[1], rival.askPercents[0], rival.askPercents[1]]);
  });

  it('gives settings the agent accepts: bidding, all week, no presence detector, a wallet that stays unlocked', () => {
    const patch = SettingsPatchSchema.parse(rivalSettingsPatch(90));
    const settings = applySettingsPatch(DEFAULT_SETTINGS, patch);
    expect(settings.market.bidding).toBe(true);
    expect(settings.onboarding.firstRunDone).toBe(true);
    expect(settings.wallet.autoLockMinutes).toBe(0);
    expect(settings.network).toEqual({ kind: 'devnet' });
    expect(settings.controls.schedule.cells).toMatch(/^1+$/);
    const presence = settings.controls.presence;
    expect([presence.idle, presence.processes, presence.fullscreen, presence.gpuInUse, presence.battery].every((d) => !d.enabled)).toBe(true);
    expect(settings.controls.price).toEqual(rivalPrice(90));
  });
});

interface FakeAgent extends RivalAgent {
  calls: Array<{ name: string; request: unknown }>;
  started: boolean;
  stopped: boolean;
}

function fakeAgent(wallet: { state: string; address: string | null }): FakeAgent {
  const agent: FakeAgent = {
    calls: [],
    started: false,
    stopped: false,
    async start() {
      agent.started = true;
    },
    async stop() {
      agent.stopped = true;
    },
    async call(name, request): Promise<Result<unknown>> {
      agent.calls.push({ name, request });
      if (name === 'getWallet') return { ok: true, value: wallet };
      return { ok: true, value: {} };
    },
  };
  return agent;
}

const DEPLOYMENT: DevnetDeployment = {
  chainId: 31337,
  rpcUrl: 'http://127.0.0.1:18545',
  port: 18545,
  pid: 4242,
  market: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
  marketVersion: 2,
  token: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
  deploymentBlock: 2,
  genesisHash: `0x${'ab'.repeat(32)}`,
  startedAt: '2026-12-07T18:00:00.000Z',
};

describe('starting the demo rivals', () => {
  const dirs: Array<{ cleanup(): void }> = [];
  afterAll(() => dirs.forEach((d) => d.cleanup()));
  const devnetDir = () => {
    const dir = tempDir('rigshift-rivals-');
    dirs.push(dir);
    return dir.path;
  };
  const docker = { info: async () => ({ serverVersion: '27', runtimes: ['runc'], defaultRuntime: 'runc', operatingSystem: 'x', osType: 'linux', platformName: '' }) };

  it('starts none without Docker, and says why', async () => {
    let composed = 0;
    const result = await startDemoRivals({
      deployment: DEPLOYMENT,
      devnetDir: devnetDir(),
      compose: () => (composed++, fakeAgent({ state: 'none', address: null })),
      docker: { info: () => Promise.reject(new Error('connect ENOENT /var/run/docker.sock')) },
      logger: recordingLogger().logger,
    });
    expect(result).toEqual({ kind: 'no-docker', reason: 'connect ENOENT /var/run/docker.sock' });
    expect(composed).toBe(0);
  });

  it('starts each rival on this devnet with its settings and its devnet key, then moves their asks per job', async () => {
    const dir = devnetDir();
    const agents = new Map<string, FakeAgent>();
    const result = await startDemoRivals({
      deployment: DEPLOYMENT,
      devnetDir: dir,
      compose: (dataDir, rival) => {
        expect(dataDir).toBe(join(dir, 'rivals', rival.name));
        const agent = fakeAgent({ state: 'none', address: null });
        agents.set(rival.name, agent);
        return agent;
      },
      docker,
      logger: recordingLogger().logger,
    });
    if (result.kind !== 'started') throw new Error('no rivals');
    expect(result.rivals.running.map((r) => r.address)).toEqual(DEMO_RIVALS.map((r) => devnetAccount(r.account).address));
    expect(result.rivals.skipped).toEqual([]);
    for (const rival of DEMO_RIVALS) {
      const agent = agents.get(rival.name)!;
      expect(agent.started).toBe(true);
      // Its chain hub finds this very devnet in its own data dir.
      expect(readDeployment(join(dir, 'rivals', rival.name, 'devnet'))).toEqual(DEPLOYMENT);
      expect(agent.calls.map((c) => c.name)).toEqual(['updateSettings', 'getWallet', 'importWallet']);
      expect(agent.calls[0]!.request).toEqual({ patch: rivalSettingsPatch(rival.askPercents[0]!) });
      expect(agent.calls[2]!.request).toEqual({ source: { kind: 'privateKey', privateKey: devnetAccount(rival.account).privateKey }, password: DEMO_RIVAL_WALLET_PASSWORD, replaceExisting: false });
    }
    expect(result.rivals.running[0]!.summary).toContain('$0.0158 (80 %)');

    await result.rivals.nextAsks();
    await result.rivals.nextAsks();
    for (const rival of DEMO_RIVALS) {
      const prices = agents.get(rival.name)!.calls.slice(3).map((c) => (c.request as { patch: { controls: { price: unknown } } }).patch.controls.price);
      expect(prices).toEqual([rivalPrice(rival.askPercents[1]!), rivalPrice(rival.askPercents[2]!)]);
    }
    await result.rivals.stop();
    expect([...agents.values()].every((a) => a.stopped)).toBe(true);
  });

  it('unlocks a rival wallet kept from an earlier run, and leaves out a rival that cannot start', async () => {
    const dir = devnetDir();
    const rivals: DemoRival[] = [
      { name: 'kept', account: 8, askPercents: [90, 120] },
      { name: 'held', account: 9, askPercents: [110, 80] },
    ];
    const kept = fakeAgent({ state: 'locked', address: devnetAccount(8).address });
    const result = await startDemoRivals({
      deployment: DEPLOYMENT,
      devnetDir: dir,
      rivals,
      compose: (_dataDir, rival) => {
        if (rival.name === 'held') throw new Error('another devnet holds this data dir');
        return kept;
      },
      docker,
      logger: recordingLogger().logger,
    });
    if (result.kind !== 'started') throw new Error('no rivals');
    expect(kept.calls.map((c) => c.name)).toEqual(['updateSettings', 'getWallet', 'unlockWallet']);
    expect(result.rivals.running.map((r) => r.rival.name)).toEqual(['kept']);
    expect(result.rivals.skipped).toEqual([{ rival: rivals[1], reason: 'another devnet holds this data dir' }]);
    expect(existsSync(join(dir, 'rivals', 'held', 'devnet', 'deployment.json'))).toBe(true);
    await result.rivals.stop();
  });
});
