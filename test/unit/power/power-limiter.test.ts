import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  directElevation,
  type Elevation,
  pkexecHelperElevation,
  sudoHelperElevation,
  unavailableElevation,
  windowsUacElevation,
} from '../../../electron/agent/power/elevation';
import { createPowerLimiter, readPowerLimitArgs, restoreTarget } from '../../../electron/agent/power/power-limiter';
import type { GpuInfo } from '../../../shared/domain/gpu';
import { exited, FakeCommandRunner, fixedClock } from '../../fakes/fake-command-runner';
import { recordingLogger } from '../../helpers/silent-logger';
import { tempDir } from '../../helpers/temp-dir';

const UUID = 'GPU-5e2a7b3c-1d4f-4a6b-9c8d-0e1f2a3b4c5d';
const UUID2 = 'GPU-0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d';
const HELPER = '/usr/lib/rigshift/rigshift-power-helper';
const READ = ['-i', UUID, '--query-gpu=power.limit', '--format=csv,noheader,nounits'];
const READ2 = ['-i', UUID2, '--query-gpu=power.limit', '--format=csv,noheader,nounits'];
const SET_OK = (w: number, from = 450) => exited(`Power limit for GPU 00000000:01:00.0 was set to ${w}.00 W from ${from}.00 W.\nAll done.\n`);

const gpu = (overrides: Partial<GpuInfo> = {}): GpuInfo => ({
  index: 0,
  uuid: UUID,
  name: 'NVIDIA GeForce RTX 4090',
  driverVersion: '580.76.05',
  vramMiB: 24564,
  power: { min: 150, default: 450, max: 480, enforced: 450 },
  temperatureC: 40,
  pcie: { genCurrent: 4, genMax: 4, widthCurrent: 16, widthMax: 16 },
  computeCapability: '8.9',
  pciBusId: '00000000:01:00.0',
  ...overrides,
});

let dir: ReturnType<typeof tempDir>;
let commands: FakeCommandRunner;
let log: ReturnType<typeof recordingLogger>;
const restoreFile = () => join(dir.path, 'power-restore.json');
const fileRecords = () => (JSON.parse(readFileSync(restoreFile(), 'utf8')) as { records: Array<Record<string, unknown>> }).records;

beforeEach(() => {
  dir = tempDir('rigshift-power-');
  commands = new FakeCommandRunner();
  log = recordingLogger();
});
afterEach(() => dir.cleanup());

const limiter = (elevation: Elevation = sudoHelperElevation(commands)) =>
  createPowerLimiter({ commands, dataDir: dir.path, elevation, logger: log.logger, clock: fixedClock() });

const argv = () => commands.runs.map((r) => [r.command, ...r.args]);

describe('power limiter: apply', () => {
  it('reads the limit, records it, sets the new one through sudo + helper, and reads it back', async () => {
    commands.on('nvidia-smi', READ, exited('450.00\n'), exited('300.00\n'));
    commands.on('sudo', null, SET_OK(300));
    const power = limiter();
    await expect(power.apply(gpu(), 300)).resolves.toEqual({ applied: true, watts: 300, gpuUuid: UUID });
    expect(argv()).toEqual([
      ['nvidia-smi', '-i', UUID, '--query-gpu=power.limit', '--format=csv,noheader,nounits'],
      ['sudo', '-n', HELPER, 'set-power-limit', UUID, '300'],
      ['nvidia-smi', '-i', UUID, '--query-gpu=power.limit', '--format=csv,noheader,nounits'],
    ]);
    expect(fileRecords()).toEqual([
      { gpuUuid: UUID, previousW: 450, appliedW: 300, at: '2026-11-23T10:00:00.000Z', minW: 150, maxW: 480 },
    ]);
    expect(power.pending()).toHaveLength(1);
  });

  it('runs nvidia-smi -i <uuid> -pl <W> directly when already privileged', async () => {
    commands.on('nvidia-smi', READ, exited('450.00\n'), exited('350.00\n'));
    commands.on('nvidia-smi', ['-i', UUID, '-pl', '350'], SET_OK(350));
    await expect(limiter(directElevation(commands)).apply(gpu(), 350)).resolves.toMatchObject({ applied: true, watts: 350 });
    expect(argv()[1]).toEqual(['nvidia-smi', '-i', UUID, '-pl', '350']);
  });

  it.each([
    [100, '100 W is outside the range NVIDIA GeForce RTX 4090 accepts: 150–480 W.'],
    [481, '481 W is outside the range NVIDIA GeForce RTX 4090 accepts: 150–480 W.'],
  ])('refuses %i W outside min..max without running anything', async (watts, reason) => {
    const outcome = await limiter().apply(gpu(), watts);
    expect(outcome).toEqual({
      applied: false,
      code: 'out-of-range',
      reason,
      hint: 'Choose a power limit between 150 W and 480 W.',
      gpuUuid: UUID,
    });
    expect(commands.runs).toEqual([]);
    expect(existsSync(restoreFile())).toBe(false);
  });

  it('accepts the exact range ends', async () => {
    commands.on('nvidia-smi', READ, exited('450.00\n'), exited('150.00\n'), exited('450.00\n'), exited('480.00\n'));
    commands.on('sudo', null, exited('All done.\n'));
    const power = limiter();
    await expect(power.apply(gpu(), 150)).resolves.toMatchObject({ applied: true, watts: 150 });
    await expect(power.apply(gpu(), 480)).resolves.toMatchObject({ applied: true, watts: 480 });
  });

  it.each([250.5, 0, -5, Number.NaN])('refuses %s W (not whole positive watts)', async (watts) => {
    await expect(limiter().apply(gpu(), watts)).resolves.toMatchObject({ applied: false, code: 'invalid-watts' });
    expect(commands.runs).toEqual([]);
  });

  it('refuses a GPU without a power-limit range (laptop GPU) and a non-GPU UUID', async () => {
    const laptop = gpu({ power: { min: null, default: null, max: null, enforced: null } });
    await expect(limiter().apply(laptop, 80)).resolves.toMatchObject({ applied: false, code: 'unsupported' });
    await expect(limiter().apply(gpu({ uuid: 'GPU-1;rm -rf /' }), 300)).resolves.toMatchObject({ applied: false, code: 'invalid-gpu' });
    expect(commands.runs).toEqual([]);
  });

  it('refuses when the card reports no software power limit ([N/A])', async () => {
    commands.on('nvidia-smi', READ, exited('[N/A]\n'));
    await expect(limiter().apply(gpu(), 300)).resolves.toMatchObject({ applied: false, code: 'unsupported' });
    expect(argv()).toHaveLength(1);
    expect(existsSync(restoreFile())).toBe(false);
  });

  it('writes the restore record before changing anything', async () => {
    commands.on('nvidia-smi', READ, exited('450.00\n'), exited('300.00\n'));
    let seenAtChange: unknown = null;
    const spy: Elevation = {
      kind: 'direct',
      describe: () => 'spy',
      explainFailure: () => null,
      run: async (args) => {
        seenAtChange = JSON.parse(readFileSync(restoreFile(), 'utf8'));
        expect(args).toEqual(['-i', UUID, '-pl', '300']);
        return SET_OK(300);
      },
    };
    await limiter(spy).apply(gpu(), 300);
    expect(seenAtChange).toMatchObject({ version: 1, records: [{ gpuUuid: UUID, previousW: 450, appliedW: 300 }] });
    expect(readdirSync(dir.path).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('keeps the original previous limit when a limited card is limited again', async () => {
    commands.on('nvidia-smi', READ, exited('450.00\n'), exited('300.00\n'), exited('300.00\n'), exited('250.00\n'));
    commands.on('sudo', null, SET_OK(300), SET_OK(250, 300));
    const power = limiter();
    await power.apply(gpu(), 300);
    await power.apply(gpu(), 250);
    expect(power.pending()).toMatchObject([{ gpuUuid: UUID, previousW: 450, appliedW: 250 }]);
  });

  it('reports "not supported" even when nvidia-smi exits 0, and drops the record', async () => {
    commands.on('nvidia-smi', READ, exited('115.00\n'));
    commands.on(
      'sudo',
      null,
      exited(
        'Changing power management limit is not supported in current scope for GPU: 00000000:01:00.0.\nTreating as warning and moving on.\nAll done.\n',
      ),
    );
    const outcome = await limiter().apply(gpu(), 300);
    expect(outcome).toMatchObject({
      applied: false,
      code: 'unsupported',
      reason: 'nvidia-smi: Changing power management limit is not supported in current scope for GPU: 00000000:01:00.0.',
    });
    expect(outcome.applied === false && outcome.hint).toMatch(/laptop/);
    expect(existsSync(restoreFile())).toBe(false);
  });

  it('reports a limit that did not stick', async () => {
    commands.on('nvidia-smi', READ, exited('450.00\n'), exited('450.00\n'));
    commands.on('sudo', null, exited('All done.\n'));
    const outcome = await limiter().apply(gpu(), 300);
    expect(outcome).toMatchObject({ applied: false, code: 'not-verified' });
    expect(outcome.applied === false && outcome.reason).toContain('now reports a power limit of 450 W instead of 300 W');
  });

  it('keeps the record when the change timed out (it may have happened)', async () => {
    commands.on('nvidia-smi', READ, exited('450.00\n'));
    commands.on('sudo', null, { kind: 'timeout' });
    await expect(limiter().apply(gpu(), 300)).resolves.toMatchObject({ applied: false, code: 'nvidia-smi-failed' });
    expect(fileRecords()).toMatchObject([{ gpuUuid: UUID, previousW: 450 }]);
  });

  it('passes driver errors through with their fix', async () => {
    commands.on('nvidia-smi', READ, exited('', 9, "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver."));
    await expect(limiter().apply(gpu(), 300)).resolves.toMatchObject({
      applied: false,
      code: 'nvidia-smi-failed',
      hint: expect.stringContaining('Install the latest NVIDIA driver'),
    });
  });

  it('reports a missing nvidia-smi', async () => {
    await expect(limiter().apply(gpu(), 300)).resolves.toMatchObject({ applied: false, code: 'no-nvidia-smi' });
  });
});

describe('power limiter: elevation failures are never hidden', () => {
  beforeEach(() => {
    commands.on('nvidia-smi', READ, exited('450.00\n'));
  });

  it('sudo without the NOPASSWD rule → applied:false with sudo\'s words and the sudoers fix', async () => {
    commands.on('sudo', null, exited('', 1, 'sudo: a password is required\n'));
    const outcome = await limiter().apply(gpu(), 300);
    expect(outcome).toMatchObject({
      applied: false,
      code: 'elevation-unavailable',
      reason: 'sudo refused to run the power helper without a password: sudo: a password is required',
    });
    expect(outcome.applied === false && outcome.hint).toContain('%rigshift ALL=(root) NOPASSWD: /usr/lib/rigshift/rigshift-power-helper');
    expect(existsSync(restoreFile())).toBe(false);
  });

  it('sudo not installed / helper not installed', async () => {
    await expect(limiter().apply(gpu(), 300)).resolves.toMatchObject({ applied: false, code: 'elevation-unavailable', reason: expect.stringContaining('sudo is not installed') });
    commands.on('sudo', null, exited('', 1, `sudo: ${HELPER}: command not found\n`));
    await expect(limiter().apply(gpu(), 300)).resolves.toMatchObject({ applied: false, code: 'elevation-unavailable', reason: `The power helper is not installed at ${HELPER}.` });
  });

  it('the helper refusing its arguments', async () => {
    commands.on('sudo', null, exited('', 64, 'rigshift-power-helper: invalid GPU UUID\nusage: ...\n'));
    await expect(limiter().apply(gpu(), 300)).resolves.toMatchObject({ applied: false, code: 'helper-rejected' });
  });

  it('pkexec dialog dismissed → elevation-refused', async () => {
    commands.on('pkexec', null, exited('', 126, 'Error executing command as another user: Request dismissed\n'));
    const outcome = await limiter(pkexecHelperElevation(commands)).apply(gpu(), 300);
    expect(outcome).toMatchObject({ applied: false, code: 'elevation-refused' });
    expect(commands.runs[1]).toMatchObject({ command: 'pkexec', args: ['--disable-internal-agent', HELPER, 'set-power-limit', UUID, '300'] });
  });

  it('Windows UAC prompt declined → elevation-refused', async () => {
    commands.on('powershell.exe', null, exited('', 1223, 'This command cannot be run due to the error: The operation was canceled by the user.\n'));
    const outcome = await limiter(windowsUacElevation(commands)).apply(gpu(), 300);
    expect(outcome).toMatchObject({
      applied: false,
      code: 'elevation-refused',
      reason: 'The Windows administrator (UAC) prompt was declined, so the power limit was not changed.',
    });
  });

  it('no elevation on this platform', async () => {
    const outcome = await limiter(unavailableElevation('Changing GPU power limits is not supported on darwin.')).apply(gpu(), 300);
    expect(outcome).toMatchObject({ applied: false, code: 'elevation-unavailable', reason: 'Changing GPU power limits is not supported on darwin.' });
  });

  it('nvidia-smi itself lacking permission (direct, not actually root)', async () => {
    commands.on('nvidia-smi', ['-i', UUID, '-pl', '300'], exited('', 4, 'Failed to set power management limit for GPU 00000000:01:00.0: Insufficient Permissions\n'));
    await expect(limiter(directElevation(commands)).apply(gpu(), 300)).resolves.toMatchObject({ applied: false, code: 'elevation-unavailable' });
  });
});

describe('power limiter: restore', () => {
  it('puts the previous limit back with reset-power-limit and removes the record afterwards', async () => {
    commands.on('nvidia-smi', READ, exited('450.00\n'), exited('300.00\n'), exited('450.00\n'));
    commands.on('sudo', null, SET_OK(300), SET_OK(450, 300));
    const power = limiter();
    await power.apply(gpu(), 300);
    expect(existsSync(restoreFile())).toBe(true);
    await expect(power.restore(UUID)).resolves.toEqual({ applied: true, watts: 450, gpuUuid: UUID });
    expect(argv()[3]).toEqual(['sudo', '-n', HELPER, 'reset-power-limit', UUID, '450']);
    expect(existsSync(restoreFile())).toBe(false);
    expect(power.pending()).toEqual([]);
  });

  it('keeps the record when restoring fails', async () => {
    commands.on('nvidia-smi', READ, exited('450.00\n'), exited('300.00\n'));
    commands.on('sudo', null, SET_OK(300), exited('', 1, 'sudo: a password is required\n'));
    const power = limiter();
    await power.apply(gpu(), 300);
    await expect(power.restore(UUID)).resolves.toMatchObject({ applied: false, code: 'elevation-unavailable' });
    expect(fileRecords()).toHaveLength(1);
    expect(power.pending()).toHaveLength(1);
  });

  it('has nothing to restore for a card it never changed', async () => {
    await expect(limiter().restore(UUID)).resolves.toMatchObject({ applied: false, code: 'nothing-to-restore' });
    expect(commands.runs).toEqual([]);
  });

  it('a crash: limiter A applies, a NEW limiter B over the same data folder restores on start', async () => {
    commands.on('nvidia-smi', READ, exited('450.00\n'), exited('300.00\n'), exited('450.00\n'));
    commands.on('nvidia-smi', READ2, exited('350.00\n'), exited('250.00\n'), exited('350.00\n'));
    commands.on('sudo', null, exited('All done.\n'));
    const a = limiter();
    await a.apply(gpu(), 300);
    await a.apply(gpu({ uuid: UUID2, index: 1, power: { min: 100, default: 350, max: 400, enforced: 350 } }), 250);
    // A is gone without restoring (crash, kill, power cut). B starts.
    commands.runs.length = 0;
    const b = limiter();
    expect(b.pending().map((r) => [r.gpuUuid, r.previousW, r.appliedW])).toEqual([
      [UUID, 450, 300],
      [UUID2, 350, 250],
    ]);
    await expect(b.restorePending()).resolves.toEqual([
      { applied: true, watts: 450, gpuUuid: UUID },
      { applied: true, watts: 350, gpuUuid: UUID2 },
    ]);
    expect(argv().filter((a) => a[0] === 'sudo')).toEqual([
      ['sudo', '-n', HELPER, 'reset-power-limit', UUID, '450'],
      ['sudo', '-n', HELPER, 'reset-power-limit', UUID2, '350'],
    ]);
    expect(existsSync(restoreFile())).toBe(false);
    expect(b.pending()).toEqual([]);
  });

  it('restorePending keeps the records it could not restore', async () => {
    commands.on('nvidia-smi', READ, exited('450.00\n'), exited('300.00\n'));
    commands.on('sudo', null, SET_OK(300), exited('', 1, 'sudo: a password is required\n'));
    await limiter().apply(gpu(), 300);
    const b = limiter();
    await expect(b.restorePending()).resolves.toMatchObject([{ applied: false, code: 'elevation-unavailable', gpuUuid: UUID }]);
    expect(fileRecords()).toMatchObject([{ gpuUuid: UUID, previousW: 450 }]);
  });

  it('a corrupt power-restore.json is kept aside, not deleted', async () => {
    writeFileSync(restoreFile(), '{"version":1,"records":[{"gpuUuid":');
    const power = limiter();
    expect(power.pending()).toEqual([]);
    await expect(power.restorePending()).resolves.toEqual([]);
    const aside = readdirSync(dir.path).filter((name) => name.startsWith('power-restore.json.corrupt-'));
    expect(aside).toEqual(['power-restore.json.corrupt-2026-11-23T10-00-00-000Z']);
    expect(readFileSync(join(dir.path, aside[0] ?? ''), 'utf8')).toBe('{"version":1,"records":[{"gpuUuid":');
    expect(existsSync(restoreFile())).toBe(false);
    expect(log.entries.some((e) => e.level === 'error' && e.message.includes('could not be read'))).toBe(true);
  });

  it('a file of the wrong shape counts as corrupt too', () => {
    writeFileSync(restoreFile(), JSON.stringify({ version: 2, records: [] }));
    expect(limiter().pending()).toEqual([]);
    expect(readdirSync(dir.path).some((name) => name.startsWith('power-restore.json.corrupt-'))).toBe(true);
  });
});

describe('restoreTarget', () => {
  it.each([
    [{ previousW: 450, minW: 150, maxW: 480 }, 450],
    [{ previousW: 112.5, minW: 60, maxW: 112.5 }, 112],
    [{ previousW: 299.6, minW: 100, maxW: 400 }, 300],
    [{ previousW: 60.2, minW: 60.5, maxW: 100 }, 61],
    [{ previousW: 215.4 }, 215],
  ])('%j → %i W', (record, watts) => {
    expect(restoreTarget(record)).toBe(watts);
  });

  it('exposes the exact read argv', () => {
    expect(readPowerLimitArgs(UUID)).toEqual(READ);
  });
});
