import { describe, expect, it } from 'vitest';
import { attentionItems } from '../../../shared/domain/attention';
import type { ChecksReport } from '../../../shared/domain/checks';
import { withSkipped } from '../../../shared/domain/onboarding';
import { migrateSettings } from '../../../electron/agent/settings/settings-service';
import { parseRunscVersion, readAbout } from '../../../electron/agent/desktop/about-feature';
import { sqliteNativeBinding } from '../../../electron/agent/desktop/sqlite-native-binding';
import { DEFAULT_SETTINGS } from '../../../shared/domain/settings';

const checks = (docker: 'ok' | 'fail'): ChecksReport => ({
  checks: [
    { id: 'docker-engine', title: 'Docker engine', state: docker, summary: docker === 'ok' ? 'Docker 27' : 'not reachable' },
    { id: 'nvidia-container-runtime', title: 'NVIDIA Container Toolkit', state: 'ok', summary: 'NVIDIA Container Toolkit 1.17.8' },
  ],
  gpuJobsAllowed: false,
  checkedAt: '2026-01-01T00:00:00.000Z',
});

describe('attention items', () => {
  it('problems from the checklist and the market; reminders only for steps still not done', () => {
    const items = attentionItems({
      checks: checks('fail'),
      hasBenchmark: true,
      skipped: ['checks', 'benchmark', 'wallet', 'controls'],
      market: { blocks: [{ code: 'no-gas', message: 'No ETH' }, { code: 'wallet-locked', message: 'Locked' }], wallet: { address: '0x1', unlocked: false } },
    });
    expect(items.map((i) => [i.code, i.severity])).toEqual([
      ['docker', 'problem'],
      ['low-gas', 'problem'],
      ['wallet-locked', 'problem'],
      ['skipped-checks', 'reminder'],
      ['skipped-controls', 'reminder'],
    ]);
    expect(items[0]?.action.hash).toBe('#/setup/checks');
  });

  it('a missing wallet is said once (as the problem), not also as a reminder', () => {
    const items = attentionItems({ checks: checks('ok'), hasBenchmark: false, skipped: ['wallet'], market: { blocks: [{ code: 'no-wallet', message: 'No wallet' }] } });
    expect(items.map((i) => i.code)).toEqual(['no-wallet']);
    expect(attentionItems({ checks: null, hasBenchmark: false, skipped: [], market: null })).toEqual([]);
  });

  it('a claim holding stake is a reminder that says how much', () => {
    const items = attentionItems({ checks: null, hasBenchmark: true, skipped: [], market: { blocks: [], stake: { lockedMicros: '5000000' } } });
    expect(items.map((i) => [i.code, i.severity, i.title])).toEqual([['stake-held', 'reminder', 'A claimed job holds $5.00 of your stake']]);
    expect(attentionItems({ checks: null, hasBenchmark: true, skipped: [], market: { blocks: [], stake: { lockedMicros: '0' } } })).toEqual([]);
  });

  it('withSkipped keeps the wizard order and no duplicates', () => {
    expect(withSkipped(['controls'], 'checks', true)).toEqual(['checks', 'controls']);
    expect(withSkipped(['checks', 'controls'], 'checks', true)).toEqual(['checks', 'controls']);
    expect(withSkipped(['checks', 'controls'], 'checks', false)).toEqual(['controls']);
  });
});

describe('settings migration 5 (onboarding reminders)', () => {
  it('keeps firstRunDone and starts with nothing skipped', () => {
    const v4 = { ...structuredClone(DEFAULT_SETTINGS), schemaVersion: 4, onboarding: { firstRunDone: true } } as Record<string, unknown>;
    const { settings, migrated } = migrateSettings(v4);
    expect(migrated).toBe(true);
    expect(settings.onboarding).toEqual({ firstRunDone: true, skipped: [] });
    expect(migrateSettings(undefined).settings.onboarding).toEqual({ firstRunDone: false, skipped: [] });
  });
});

describe('About', () => {
  const context = {
    detection: () => ({ gpus: [], adapters: [], nvidiaSmi: { state: 'ok' as const, path: '/usr/bin/nvidia-smi', driverVersion: '595.71.05' }, detectedAt: '' }),
    checks: () => checks('ok'),
    settings: () => DEFAULT_SETTINGS,
  };
  it('reads every version it can, and says why one is missing', async () => {
    const about = await readAbout(
      {
        appName: 'RigShift',
        version: '0.1.0',
        mode: 'electron',
        dataDir: '/data',
        versions: { ...process.versions, electron: '45.4.1', chrome: '140.0' },
        docker: {
          info: async () => ({ serverVersion: '27.3.1', runtimes: ['runc', 'runsc'], defaultRuntime: 'runc', operatingSystem: 'Debian', osType: 'linux', platformName: '' }),
        },
      },
      context,
    );
    const byName = Object.fromEntries(about.components.map((c) => [c.name, c.version]));
    expect(byName).toMatchObject({
      Electron: '45.4.1',
      'Node.js': process.versions.node,
      'Docker Engine': '27.3.1',
      'Container runtimes': 'runc, runsc',
      'NVIDIA driver': '595.71.05',
      'NVIDIA Container Toolkit': '1.17.8',
    });
    expect(about.network).toEqual({ label: 'Local devnet', chainId: 31337, detail: null });
    const headless = await readAbout(
      { appName: 'RigShift', version: '0.1.0', mode: 'headless', dataDir: '/d', versions: process.versions, docker: { info: async () => Promise.reject(new Error('connect ENOENT')) } },
      context,
    );
    expect(headless.components.find((c) => c.name === 'Electron')).toBeUndefined();
    expect(headless.components.find((c) => c.name === 'Docker Engine')).toEqual({ name: 'Docker Engine', version: null, note: 'not reachable: connect ENOENT' });
  });
});

describe('better-sqlite3 binary choice', () => {
  const env = { RIGSHIFT_SQLITE_BINDING: '/repo/build/native/electron/better_sqlite3.node' };
  it('Electron with a built binary: that binary; Node, or no binary: the default', () => {
    expect(sqliteNativeBinding({ ...process.versions, electron: '45.4.1' }, env, () => true)).toBe(env.RIGSHIFT_SQLITE_BINDING);
    expect(sqliteNativeBinding({ ...process.versions, electron: '45.4.1' }, env, () => false)).toBeUndefined();
    const node: NodeJS.ProcessVersions = { ...process.versions };
    delete (node as { electron?: string }).electron;
    expect(sqliteNativeBinding(node, env, () => true)).toBeUndefined();
  });
});

describe('gVisor version for About', () => {
  it('reads upstream and distribution versions from `runsc --version`', () => {
    expect(parseRunscVersion('runsc version release-20240212.0\nspec: 1.1.0-rc.1\n')).toBe('release-20240212.0');
    expect(parseRunscVersion('runsc version 0.0~20221219.0\nspec: 1.0.2-dev\n')).toBe('0.0~20221219.0');
    expect(parseRunscVersion('')).toBeNull();
  });
});
