/**
 * Makes a fresh `rigshift headless` agent bid on the market at once, the way e2e tests of
 * live jobs need it: every presence detector off, renting hours all week, no pause, the
 * wizard done, bidding on, a devnet key imported as the wallet (scrypt kept cheap for the
 * test); returns once the market reports bidding active.
 */
import type { MarketStatus } from '../../shared/domain/market';
import { SCHEDULE_CELLS } from '../../shared/domain/controls';
import { TEST_SCRYPT_N_ENV } from '../../electron/agent/wallet/scrypt-params';
import type { HeadlessProcess } from './headless-process';

export type AgentCall = <T = unknown>(name: string, request?: unknown) => Promise<T>;

export async function startBidding(
  api: AgentCall,
  agent: HeadlessProcess,
  options: { privateKey: string; password: string; floorMicrosPerHour: string },
): Promise<void> {
  const settings = await api<{ controls: { price: Record<string, unknown> } }>('updateSettings', { patch: {} });
  await api('updateSettings', {
    patch: {
      controls: {
        price: { ...settings.controls.price, floorMicrosPerHour: options.floorMicrosPerHour, neverBelowBreakEven: false },
        presence: {
          idle: { enabled: false, minutes: 10 },
          processes: { enabled: false, builtIn: true, watchList: [] },
          fullscreen: { enabled: false },
          gpuInUse: { enabled: false, thresholdPercent: 5 },
          battery: { enabled: false },
        },
        schedule: { timeZone: 'UTC', cells: '1'.repeat(SCHEDULE_CELLS) },
        pause: { kind: 'none' },
      },
      onboarding: { firstRunDone: true },
      market: { bidding: true },
    },
  });
  const before = process.env[TEST_SCRYPT_N_ENV];
  process.env[TEST_SCRYPT_N_ENV] = '1024';
  try {
    await api('importWallet', { source: { kind: 'privateKey', privateKey: options.privateKey }, password: options.password });
  } finally {
    if (before === undefined) delete process.env[TEST_SCRYPT_N_ENV];
    else process.env[TEST_SCRYPT_N_ENV] = before;
  }
  const end = Date.now() + 60_000;
  while (!(await api<{ status: MarketStatus }>('getMarket', { limit: 1 })).status.biddingActive) {
    if (Date.now() > end) throw new Error(`the agent never started bidding\n${agent.output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
