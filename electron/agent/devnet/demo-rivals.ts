/**
 * The demo devnet's rival providers (`rigshift devnet --demo` on a v2 market): each is the
 * shipped agent (the same composition `rigshift headless` runs, its v2 market client and its
 * job runner with real containers), composed in this process with its own data dir under
 * <devnet dir>/rivals/<name>, a devnet account's PUBLIC key as its wallet, and the asks
 * demo-rival-plan.ts gives it. `nextAsks()` moves every rival to its next ask (the devnet
 * calls it each time the demo requester posts a job).
 *
 * Without a Docker engine no rival starts (a rival that bids and cannot run the job would
 * be slashed, and the demo is about real runs): the caller says so and the demo goes on.
 * A rival that cannot start (its data dir held by another devnet for this data dir, say) is
 * left out with its reason; the others run.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Result } from '../../../shared/api/result';
import type { WalletState } from '../../../shared/domain/wallet';
import type { ContainerRuntime, Logger } from '../ports';
import { devnetAccount } from './devnet-accounts';
import { type DevnetDeployment, writeDeployment } from './deployment-file';
import { checkRivalPlan, DEMO_RIVAL_WALLET_PASSWORD, DEMO_RIVALS, type DemoRival, describeRival, rivalPercentFor, rivalPrice, rivalSettingsPatch } from './demo-rival-plan';

/** What a rival needs of the agent (electron/agent/agent.ts). */
export interface RivalAgent {
  start(options: { longRunning: boolean }): Promise<void>;
  stop(): Promise<void>;
  call(name: string, request: unknown): Promise<Result<unknown>>;
}

export interface DemoRivalsOptions {
  deployment: DevnetDeployment;
  /** The devnet's folder (<data dir>/devnet): the rivals' data dirs go under it. */
  devnetDir: string;
  /** Builds the agent for one rival's data dir; its stop() releases whatever it took (the data-dir lock). */
  compose(dataDir: string, rival: DemoRival): RivalAgent;
  docker: Pick<ContainerRuntime, 'info'>;
  logger: Logger;
  rivals?: readonly DemoRival[];
}

export interface RunningRival {
  rival: DemoRival;
  address: string;
  dataDir: string;
  /** The devnet's summary line: name, account, asks. */
  summary: string;
}

export interface DemoRivals {
  running: RunningRival[];
  /** Rivals that could not start, each with why. */
  skipped: Array<{ rival: DemoRival; reason: string }>;
  /** Moves every rival to its next ask (one step per job posted). */
  nextAsks(): Promise<void>;
  stop(): Promise<void>;
}

export type StartDemoRivalsResult = { kind: 'started'; rivals: DemoRivals } | { kind: 'no-docker'; reason: string };

export async function startDemoRivals(options: DemoRivalsOptions): Promise<StartDemoRivalsResult> {
  const plan = options.rivals ?? DEMO_RIVALS;
  checkRivalPlan(plan);
  try {
    await options.docker.info();
  } catch (error) {
    return { kind: 'no-docker', reason: error instanceof Error ? error.message : String(error) };
  }
  const agents: Array<{ rival: DemoRival; agent: RivalAgent }> = [];
  const running: RunningRival[] = [];
  const skipped: DemoRivals['skipped'] = [];
  for (const rival of plan) {
    const dataDir = join(options.devnetDir, 'rivals', rival.name);
    let agent: RivalAgent | null = null;
    try {
      mkdirSync(join(dataDir, 'devnet'), { recursive: true, mode: 0o700 });
      // Its chain hub reuses exactly this devnet (devnet-supervisor.ts reads this file first).
      await writeDeployment(join(dataDir, 'devnet'), options.deployment);
      agent = options.compose(dataDir, rival);
      await startRival(agent, rival);
      agents.push({ rival, agent });
      const address = devnetAccount(rival.account).address;
      running.push({ rival, address, dataDir, summary: describeRival(rival, address) });
    } catch (error) {
      await agent?.stop().catch(() => undefined);
      skipped.push({ rival, reason: error instanceof Error ? error.message : String(error) });
      options.logger.warn('a demo rival could not start', { rival: rival.name, error: String(error) });
    }
  }
  let jobIndex = 0;
  let stepping: Promise<void> = Promise.resolve();
  return {
    kind: 'started',
    rivals: {
      running,
      skipped,
      nextAsks() {
        jobIndex += 1;
        const index = jobIndex;
        // One step after another, so a burst of posts never leaves a rival on an older ask.
        stepping = stepping.then(async () => {
          for (const { rival, agent } of agents) {
            const result = await agent.call('updateSettings', { patch: { controls: { price: rivalPrice(rivalPercentFor(rival, index)) } } });
            if (!result.ok) options.logger.warn('a demo rival kept its ask', { rival: rival.name, error: result.error.message });
          }
        });
        return stepping;
      },
      async stop() {
        await stepping.catch(() => undefined);
        await Promise.all(agents.map(({ agent }) => agent.stop().catch((error: unknown) => options.logger.warn('a demo rival did not stop cleanly', { error: String(error) }))));
      },
    },
  };
}

/** Configures and starts one rival; its wallet is the rival's devnet key, unlocked. */
async function startRival(agent: RivalAgent, rival: DemoRival): Promise<void> {
  // Before start: the presence detectors must never run, and the first tick must see the price.
  await must(agent.call('updateSettings', { patch: rivalSettingsPatch(rivalPercentFor(rival, 0)) }), 'its settings');
  await agent.start({ longRunning: true });
  const key = devnetAccount(rival.account);
  const wallet = (await must(agent.call('getWallet', {}), 'its wallet')) as WalletState;
  const ours = wallet.address?.toLowerCase() === key.address.toLowerCase();
  if (wallet.state === 'none' || !ours) {
    const source = { kind: 'privateKey', privateKey: key.privateKey };
    await must(agent.call('importWallet', { source, password: DEMO_RIVAL_WALLET_PASSWORD, replaceExisting: wallet.state !== 'none' }), 'its wallet import');
  } else if (wallet.state === 'locked') {
    await must(agent.call('unlockWallet', { password: DEMO_RIVAL_WALLET_PASSWORD }), 'its wallet unlock');
  }
}

async function must(result: Promise<Result<unknown>>, what: string): Promise<unknown> {
  const r = await result;
  if (!r.ok) throw new Error(`${what}: ${r.error.message}`);
  return r.value;
}
