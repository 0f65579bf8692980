/**
 * Settings fail closed. When the settings file cannot be read (damaged JSON) or does not
 * validate, RigShift must not quietly start from defaults: the defaults rent whenever the
 * PC is idle and bid on the market, which would lift an owner's "pause until I resume"
 * and their price floor without a word. Instead it starts paused, with bidding off, keeps
 * the damaged file aside, and tells the owner what happened and how to get the last good
 * copy (written on every successful save) back.
 */
import { z } from 'zod';
import { DEFAULT_SETTINGS, type Settings } from './settings';

export const SettingsRecoverySchema = z.object({
  /** unreadable: not JSON at all; invalid: JSON, but not settings this version accepts. */
  reason: z.enum(['unreadable', 'invalid']),
  /** The parser's or validator's words (for support; the owner reads `message`). */
  detail: z.string().max(2000),
  /** Where the damaged file was kept; null when there was nothing left to keep. */
  keptAt: z.string().max(4096).nullable(),
  /** The last good copy that can be restored, or null when none was ever saved. */
  lastGood: z.object({ savedAt: z.string().datetime().nullable(), path: z.string().max(4096) }).nullable(),
  /** What the owner reads: what was lost, what RigShift did, how to restore. */
  message: z.string(),
});
export type SettingsRecovery = z.infer<typeof SettingsRecoverySchema>;

/**
 * Defaults, except paused until the owner resumes and not bidding; and past the first-run
 * wizard (a settings file existed, so the owner has been here: the wizard would hide the
 * notice that says what happened).
 */
export function failClosedSettings(now: Date): Settings {
  return {
    ...DEFAULT_SETTINGS,
    onboarding: { ...DEFAULT_SETTINGS.onboarding, firstRunDone: true },
    controls: { ...DEFAULT_SETTINGS.controls, pause: { kind: 'indefinite', since: now.toISOString() } },
    market: { ...DEFAULT_SETTINGS.market, bidding: false },
  };
}

export function settingsRecoveryMessage(recovery: Omit<SettingsRecovery, 'message'>): string {
  const what = recovery.reason === 'unreadable' ? 'could not be read (the file is damaged)' : 'were not valid';
  const kept = recovery.keptAt ? ` The damaged file was kept as ${recovery.keptAt}.` : '';
  const restore = recovery.lastGood
    ? ` A last good copy${recovery.lastGood.savedAt ? ` from ${recovery.lastGood.savedAt}` : ''} is kept in ${recovery.lastGood.path}: ` +
      'restore it ("Restore the last good settings" on the overview page, or the restoreLastGoodSettings call), or set your settings again.'
    : ' No earlier copy was saved: set your hours, price floor, wallet payout and market lists again.';
  return (
    `Your settings ${what}.${kept} RigShift started paused, with market bidding off, and is using default settings: ` +
    `your schedule, pause, price floor, payout address and market lists are not in effect until you restore them or set them again.${restore}`
  );
}
