/**
 * Settings fail closed, through a real `rigshift headless` process: an owner paused "until
 * I resume" and set a price floor; the settings file is then damaged. The next start must
 * not silently go back to the defaults (renting and bidding): it starts paused with
 * bidding off, says what happened over the API, and restores the last good copy on request.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Settings } from '../../shared/domain/settings';
import type { SettingsRecovery } from '../../shared/domain/settings-recovery';
import { cliBundle } from '../helpers/cli';
import { type HeadlessProcess, startHeadlessAgent } from '../helpers/headless-process';
import { fileExists, need } from '../helpers/requirements';
import { tempDir } from '../helpers/temp-dir';

const ready = need(fileExists(cliBundle, 'npm run build:electron'));

async function call<T>(agent: HeadlessProcess, name: string, body: unknown = {}): Promise<T> {
  const response = await fetch(`${agent.origin}/api/call/${name}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${agent.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const result = (await response.json()) as { ok: boolean; value?: T; error?: unknown };
  if (!result.ok) throw new Error(`${name} failed: ${JSON.stringify(result.error)}`);
  return result.value as T;
}

describe.skipIf(!ready)('settings fail closed (rigshift headless)', () => {
  let dir: ReturnType<typeof tempDir>;
  let agent: HeadlessProcess | null = null;
  beforeEach(() => (dir = tempDir('rigshift-settings-closed-')));
  afterEach(async () => {
    await agent?.stop();
    agent = null;
    dir.cleanup();
  });

  it('starts paused with bidding off after the settings file is damaged, says so, and restores the last good copy', async () => {
    agent = await startHeadlessAgent(['--data-dir', dir.path]);
    const pause = await call<{ kind: string }>(agent, 'pauseRenting', { duration: 'indefinite' });
    expect(pause.kind).toBe('indefinite');
    const before = await call<Settings>(agent, 'updateSettings', { patch: { market: { bidding: true }, ui: { theme: 'dark' } } });
    await agent.stop();
    agent = null;

    writeFileSync(join(dir.path, 'settings.json'), '{"schemaVersion": 5, "controls": {"pause": ');
    agent = await startHeadlessAgent(['--data-dir', dir.path]);
    const snapshot = await call<{ settings: Settings }>(agent, 'getSnapshot');
    expect(snapshot.settings.controls.pause.kind).toBe('indefinite');
    expect(snapshot.settings.market.bidding).toBe(false);

    const recovery = await call<SettingsRecovery | null>(agent, 'getSettingsRecovery');
    expect(recovery?.reason).toBe('unreadable');
    expect(recovery?.keptAt).toMatch(/settings\.json\.corrupt-\d+$/);
    expect(readdirSync(dir.path).some((f) => f.startsWith('settings.json.corrupt-'))).toBe(true);
    expect(recovery?.lastGood?.path).toBe(join(dir.path, 'settings.last-good.json'));
    expect(recovery?.message).toMatch(/started paused, with market bidding off/);
    expect(agent.output()).toMatch(/started paused with bidding off/);

    const restored = await call<Settings>(agent, 'restoreLastGoodSettings');
    expect(restored).toEqual(before);
    expect((await call<{ settings: Settings }>(agent, 'getSnapshot')).settings).toEqual(before);
    expect(await call<SettingsRecovery | null>(agent, 'getSettingsRecovery')).toBeNull();
  }, 90_000);
});
