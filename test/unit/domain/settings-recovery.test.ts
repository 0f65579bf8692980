import { describe, expect, it } from 'vitest';
import { attentionItems } from '../../../shared/domain/attention';
import { DEFAULT_SETTINGS } from '../../../shared/domain/settings';
import { failClosedSettings, settingsRecoveryMessage } from '../../../shared/domain/settings-recovery';

describe('settings that failed closed', () => {
  it('are the defaults, but paused until the owner resumes and not bidding', () => {
    const now = new Date('2026-12-07T04:00:00.000Z');
    const settings = failClosedSettings(now);
    expect(settings.controls.pause).toEqual({ kind: 'indefinite', since: now.toISOString() });
    expect(settings.market.bidding).toBe(false);
    expect(settings.onboarding.firstRunDone).toBe(true);
    expect({
      ...settings,
      controls: { ...settings.controls, pause: DEFAULT_SETTINGS.controls.pause },
      market: DEFAULT_SETTINGS.market,
      onboarding: DEFAULT_SETTINGS.onboarding,
    }).toEqual(DEFAULT_SETTINGS);
  });

  it('tell the owner what was lost, where the damaged file is and how to restore the last good copy', () => {
    const message = settingsRecoveryMessage({
      reason: 'unreadable',
      detail: 'Unexpected end of JSON input',
      keptAt: '/data/settings.json.corrupt-1',
      lastGood: { savedAt: '2026-12-06T20:00:00.000Z', path: '/data/settings.last-good.json' },
    });
    expect(message).toContain('could not be read');
    expect(message).toContain('/data/settings.json.corrupt-1');
    expect(message).toContain('started paused, with market bidding off');
    expect(message).toContain('schedule, pause, price floor, payout address and market lists');
    expect(message).toContain('/data/settings.last-good.json');
    expect(message).toContain('restoreLastGoodSettings');
  });

  it('come first in "needs your attention", as a problem', () => {
    const items = attentionItems({
      checks: null,
      hasBenchmark: true,
      skipped: ['controls'],
      market: null,
      settingsRecovery: { message: 'Your settings could not be read.', lastGood: null },
    });
    expect(items[0]).toMatchObject({ code: 'settings-lost', severity: 'problem', detail: 'Your settings could not be read.' });
    expect(attentionItems({ checks: null, hasBenchmark: true, skipped: [], market: null, settingsRecovery: null })).toEqual([]);
  });
});
