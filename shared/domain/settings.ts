import { z } from 'zod';
import { type Controls, ControlsSchema, SCHEDULE_CELLS } from './controls';
import { OnboardingStepSchema } from './onboarding';
import { DEFAULT_GPU_USE_THRESHOLD_PERCENT } from './presence';

/** 0x + 40 hex digits; checksums are verified where an address is entered (ethers getAddress). */
export const EvmAddressSchema = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'An address is 0x followed by 40 hex digits.');

/** A block number the agent can hold exactly (JavaScript numbers are exact up to 2^53 − 1). */
export const DeploymentBlockSchema = z
  .number()
  .int('The deployment block is a whole block number.')
  .min(0, 'The deployment block is 0 or more.')
  .max(Number.MAX_SAFE_INTEGER, 'That deployment block is beyond any chain.');

/** A custom network: any EVM RPC, its chain id (checked at connect) and the market's address. */
export const CustomNetworkSettingsSchema = z
  .object({
    kind: z.literal('custom'),
    rpcUrl: z.string().url().max(2048),
    chainId: z.number().int().min(1),
    marketAddress: EvmAddressSchema,
    /**
     * The block the market was deployed at (the deployment file has it): the event log starts
     * there. Absent: searched for with eth_getCode (archive nodes only; else block 0, which on
     * a real chain is hours of getLogs through a public endpoint's range cap). Schema 8.
     */
    deploymentBlock: DeploymentBlockSchema.optional(),
  })
  .strict();
export type CustomNetworkSettings = z.infer<typeof CustomNetworkSettingsSchema>;

/**
 * Which chain the agent works on. "devnet" is the embedded default: a local Hardhat node the
 * app starts for the owner (addresses from its deployment file). "custom" is any EVM RPC,
 * with the chain id checked at connect and the market contract's address.
 */
export const NetworkSettingsSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('devnet') }).strict(),
  CustomNetworkSettingsSchema,
]);
export type NetworkSettings = z.infer<typeof NetworkSettingsSchema>;

/**
 * The owner's settings, persisted by the settings port (electron-store in the app,
 * the same file format through `conf` in headless mode). Every change of shape gets a
 * numbered migration in electron/agent/settings/migrations and a bump here.
 */
export const SETTINGS_SCHEMA_VERSION = 9;

export const SettingsSchema = z.object({
  schemaVersion: z.literal(SETTINGS_SCHEMA_VERSION),
  sandbox: z.object({
    /** Run containers under gVisor (runsc) when the engine has it registered. */
    preferGvisor: z.boolean(),
  }),
  ui: z.object({
    theme: z.enum(['system', 'light', 'dark']),
    /** Which OS the fix instructions are shown for first. */
    fixOs: z.enum(['auto', 'linux', 'windows']),
  }),
  onboarding: z.object({
    /** The owner has been through the first-run wizard at least once. */
    firstRunDone: z.boolean(),
    /**
     * Wizard steps the owner skipped: each comes back as a reminder on the dashboard until
     * the step is done (or the owner opens it again from the reminder). Schema 5.
     */
    skipped: z.array(OnboardingStepSchema).max(OnboardingStepSchema.options.length),
  }),
  controls: ControlsSchema,
  jobs: z.object({
    /** Disk the job-image cache may use; least recently used job images go first. */
    imageBudgetGiB: z.number().int().min(1).max(4096),
    /**
     * Jobs that ask for it may reach the internet, never the LAN, the host or cloud
     * metadata (per-job bridge + firewall; Linux with the agent as root only). Off by default.
     */
    allowEgress: z.boolean(),
  }),
  network: NetworkSettingsSchema,
  wallet: z.object({
    /** Lock the wallet (drop the key from memory) after this many idle minutes; 0 = never. */
    autoLockMinutes: z.number().int().min(0).max(24 * 60),
    /** Earnings go on to this external address (the owner's own wallet) when set. */
    payoutAddress: EvmAddressSchema.nullable(),
    /** Sweep the stablecoin to payoutAddress when the balance exceeds this (token micros, decimal string). */
    sweepThresholdMicros: z.string().regex(/^[0-9]{1,30}$/),
  }),
  market: z.object({
    /**
     * Look for jobs and claim those that fit. The owner's availability still decides when.
     * Off on a new install until the wizard's "Start renting" (schema 6): nothing is funded,
     * staked or claimed while the owner is still setting up.
     */
    bidding: z.boolean(),
    /** Requesters whose jobs are never claimed. */
    blockedRequesters: z.array(EvmAddressSchema).max(1000),
    /** When non-empty, only images whose name (before @sha256) starts with one of these run. */
    imageAllowList: z.array(z.string().min(1).max(256)).max(200),
    /** Images whose name starts with one of these never run. */
    imageDenyList: z.array(z.string().min(1).max(256)).max(200),
    /** Market v2: jobs of requesters that lost more disputes than this are refused (schema 9). */
    maxRequesterDisputesLost: z.number().int().min(0).max(1000),
  }),
  desktop: z.object({
    /** Start with the OS login, hidden in the tray (off by default). */
    startOnLogin: z.boolean(),
    /** Closing the window keeps RigShift running in the tray. */
    closeToTray: z.boolean(),
    /** Notification kinds the owner muted. */
    mutedNotifications: z.array(z.string().min(1).max(64)).max(50),
  }),
});
export type Settings = z.infer<typeof SettingsSchema>;

/** The machine's time zone, where the runtime knows it. */
export function localTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/**
 * Defaults follow what owners of idle-PC apps expect (peers.md): rent whenever the PC is
 * idle for 10 minutes, pause for games, full screen, other GPU use and battery, and never
 * below the electricity break-even plus 10 %.
 */
export function defaultControls(timeZone: string = localTimeZone()): Controls {
  return {
    schedule: { timeZone, cells: '1'.repeat(SCHEDULE_CELLS) },
    pause: { kind: 'none' },
    presence: {
      idle: { enabled: true, minutes: 10 },
      processes: { enabled: true, builtIn: true, watchList: [] },
      fullscreen: { enabled: true },
      gpuInUse: { enabled: true, thresholdPercent: DEFAULT_GPU_USE_THRESHOLD_PERCENT },
      battery: { enabled: true },
    },
    price: {
      floorMicrosPerHour: '0',
      // 0.18 USD/kWh: a mid-range household price (US residential ~0.13-0.32, EU average ~0.29 EUR).
      electricityMicrosPerKwh: '180000',
      systemOverheadW: 90,
      neverBelowBreakEven: true,
      marginPercent: 10,
    },
    temperatureLimitC: 83,
    gpus: {},
  };
}

/** The groups schema version 4 added (migration 0004 uses the same values). */
export const DEFAULT_V4_GROUPS: Pick<Settings, 'network' | 'wallet' | 'desktop'> & { market: Omit<Settings['market'], 'maxRequesterDisputesLost'> } = {
  network: { kind: 'devnet' },
  wallet: { autoLockMinutes: 15, payoutAddress: null, sweepThresholdMicros: '0' },
  market: { bidding: true, blockedRequesters: [], imageAllowList: [], imageDenyList: [] },
  desktop: { startOnLogin: false, closeToTray: true, mutedNotifications: [] },
};

/** Market v2's requester rule (schema 9): a requester that lost more disputes than this is refused. */
export const DEFAULT_MAX_REQUESTER_DISPUTES_LOST = 2;

/** Room for a few CUDA images (5 to 15 GB each) until the owner sets a budget. */
export const DEFAULT_IMAGE_BUDGET_GIB = 40;

export const DEFAULT_SETTINGS: Settings = {
  schemaVersion: SETTINGS_SCHEMA_VERSION,
  sandbox: { preferGvisor: true },
  ui: { theme: 'system', fixOs: 'auto' },
  onboarding: { firstRunDone: false, skipped: [] },
  controls: defaultControls('UTC'),
  jobs: { imageBudgetGiB: DEFAULT_IMAGE_BUDGET_GIB, allowEgress: false },
  ...DEFAULT_V4_GROUPS,
  // A new install rents nothing until the wizard's "Start renting" (migration 0006).
  market: { ...DEFAULT_V4_GROUPS.market, bidding: false, maxRequesterDisputesLost: DEFAULT_MAX_REQUESTER_DISPUTES_LOST },
};

/** A partial update: each group may be given in part. */
export const SettingsPatchSchema = z
  .object({
    sandbox: SettingsSchema.shape.sandbox.partial().strict(),
    ui: SettingsSchema.shape.ui.partial().strict(),
    onboarding: SettingsSchema.shape.onboarding.partial().strict(),
    /** Each controls group is replaced whole: the UI edits and validates one group at a time. */
    controls: ControlsSchema.partial().strict(),
    jobs: SettingsSchema.shape.jobs.partial().strict(),
    /** Replaced whole: an RPC URL, chain id and market address only make sense together. */
    network: NetworkSettingsSchema,
    wallet: SettingsSchema.shape.wallet.partial().strict(),
    market: SettingsSchema.shape.market.partial().strict(),
    desktop: SettingsSchema.shape.desktop.partial().strict(),
  })
  .partial()
  .strict();
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;

export function applySettingsPatch(current: Settings, patch: SettingsPatch): Settings {
  return SettingsSchema.parse({
    ...current,
    sandbox: { ...current.sandbox, ...patch.sandbox },
    ui: { ...current.ui, ...patch.ui },
    onboarding: { ...current.onboarding, ...patch.onboarding },
    controls: { ...current.controls, ...patch.controls },
    jobs: { ...current.jobs, ...patch.jobs },
    network: patch.network ?? current.network,
    wallet: { ...current.wallet, ...patch.wallet },
    market: { ...current.market, ...patch.market },
    desktop: { ...current.desktop, ...patch.desktop },
  });
}
