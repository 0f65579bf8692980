import { describe, expect, it } from 'vitest';
import {
  createElevation,
  DEFAULT_POWER_HELPER_PATH,
  directElevation,
  isPrivilegedProcess,
  parsePowerLimitArgs,
  pkexecHelperElevation,
  powerLimitArgs,
  sudoHelperElevation,
  unavailableElevation,
  windowsUacElevation,
  windowsUacScript,
} from '../../../electron/agent/power/elevation';
import { exited, FakeCommandRunner } from '../../fakes/fake-command-runner';

const UUID = 'GPU-5e2a7b3c-1d4f-4a6b-9c8d-0e1f2a3b4c5d';

describe('allow-list', () => {
  it('builds and accepts only -i GPU-<uuid> -pl <whole watts>', () => {
    expect(powerLimitArgs(UUID, 300)).toEqual(['-i', UUID, '-pl', '300']);
    expect(parsePowerLimitArgs(powerLimitArgs(UUID, 300))).toEqual({ uuid: UUID, watts: '300' });
  });

  it.each([
    [['-i', UUID, '-pl', '300', '-pm', '1']],
    [['-pm', '1']],
    [['-i', UUID, '-pl', '250.5']],
    [['-i', UUID, '-pl', '0300']],
    [['-i', UUID, '-pl', '-1']],
    [['-i', 'GPU-1;rm -rf /', '-pl', '300']],
    [['-i', '0', '-pl', '300']],
    [['-i', `${UUID}\n`, '-pl', '300']],
    [['-pl', '300', '-i', UUID]],
    [['-r', '-i', UUID]],
  ])('refuses %j in every implementation without running anything', async (args) => {
    expect(parsePowerLimitArgs(args)).toBeNull();
    const commands = new FakeCommandRunner();
    for (const elevation of [
      directElevation(commands),
      sudoHelperElevation(commands),
      pkexecHelperElevation(commands),
      windowsUacElevation(commands),
    ]) {
      await expect(elevation.run(args)).resolves.toMatchObject({ kind: 'error' });
    }
    expect(commands.runs).toEqual([]);
  });
});

describe('implementations', () => {
  it('direct: nvidia-smi with the same argv', async () => {
    const commands = new FakeCommandRunner().on('nvidia-smi', null, exited('All done.\n'));
    await directElevation(commands).run(powerLimitArgs(UUID, 300));
    expect(commands.runs).toMatchObject([{ command: 'nvidia-smi', args: ['-i', UUID, '-pl', '300'] }]);
  });

  it('sudo: non-interactive helper call, verb by purpose', async () => {
    const commands = new FakeCommandRunner().on('sudo', null, exited('All done.\n'));
    const elevation = sudoHelperElevation(commands);
    await elevation.run(powerLimitArgs(UUID, 300));
    await elevation.run(powerLimitArgs(UUID, 450), { purpose: 'reset' });
    expect(commands.runs.map((r) => [r.command, ...r.args])).toEqual([
      ['sudo', '-n', DEFAULT_POWER_HELPER_PATH, 'set-power-limit', UUID, '300'],
      ['sudo', '-n', DEFAULT_POWER_HELPER_PATH, 'reset-power-limit', UUID, '450'],
    ]);
    expect(elevation.describe()).toBe('sudo -n /usr/lib/rigshift/rigshift-power-helper');
  });

  it('sudo: recognises its own failures, not nvidia-smi\'s', () => {
    const sudo = sudoHelperElevation(new FakeCommandRunner());
    expect(sudo.explainFailure(exited('', 1, 'sudo: a password is required\n'))).toMatchObject({ code: 'elevation-unavailable' });
    expect(sudo.explainFailure(exited('', 1, 'sudo: a terminal is required to read the password; either use the -S option to read from standard input or configure an askpass helper\n'))).toMatchObject({ code: 'elevation-unavailable' });
    expect(sudo.explainFailure({ kind: 'missing' })).toMatchObject({ code: 'elevation-unavailable' });
    expect(sudo.explainFailure(exited('All done.\n'))).toBeNull();
    expect(sudo.explainFailure(exited('Changing power management limit is not supported\n', 3))).toBeNull();
  });

  it('pkexec: polkit helper call', async () => {
    const commands = new FakeCommandRunner().on('pkexec', null, exited(''));
    await pkexecHelperElevation(commands, '/opt/rigshift/helper').run(powerLimitArgs(UUID, 300));
    expect(commands.runs[0]).toMatchObject({ command: 'pkexec', args: ['--disable-internal-agent', '/opt/rigshift/helper', 'set-power-limit', UUID, '300'] });
    const pk = pkexecHelperElevation(commands);
    expect(pk.explainFailure(exited('', 127, 'Error executing command as another user: No authentication agent found.\n'))).toMatchObject({ code: 'elevation-unavailable' });
    expect(pk.explainFailure(exited('', 126, 'Error executing command as another user: Not authorized\n'))).toMatchObject({ code: 'elevation-refused' });
  });

  it('Windows: PowerShell Start-Process -Verb RunAs with only the validated values', async () => {
    const commands = new FakeCommandRunner().on('powershell.exe', null, exited(''));
    await windowsUacElevation(commands, "C:\\Program Files\\NVIDIA Corp's\\nvidia-smi.exe").run(powerLimitArgs(UUID, 300));
    const run = commands.runs[0];
    expect(run?.command).toBe('powershell.exe');
    expect(run?.args.slice(0, 5)).toEqual(['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command']);
    expect(run?.args[5]).toBe(windowsUacScript("C:\\Program Files\\NVIDIA Corp's\\nvidia-smi.exe", UUID, '300'));
    expect(run?.args[5]).toContain(
      `Start-Process -FilePath 'C:\\Program Files\\NVIDIA Corp''s\\nvidia-smi.exe' -ArgumentList @('-i', '${UUID}', '-pl', '300') -Verb RunAs -Wait -PassThru -WindowStyle Hidden`,
    );
    expect(run?.args[5]).toContain('exit $p.ExitCode');
    expect(run?.timeoutMs).toBe(120_000);
  });

  it('unavailable: refuses with the reason', async () => {
    const none = unavailableElevation('no way', 'do this');
    await expect(none.run(powerLimitArgs(UUID, 300))).resolves.toEqual({ kind: 'error', message: 'no way' });
    expect(none.explainFailure({ kind: 'error', message: 'no way' })).toEqual({ code: 'elevation-unavailable', reason: 'no way', hint: 'do this' });
  });
});

describe('createElevation / isPrivilegedProcess', () => {
  const commands = new FakeCommandRunner();
  it.each([
    ['linux', true, undefined, 'direct'],
    ['win32', true, undefined, 'direct'],
    ['linux', false, undefined, 'sudo-helper'],
    ['linux', false, 'pkexec', 'pkexec-helper'],
    ['win32', false, undefined, 'windows-uac'],
    ['darwin', false, undefined, 'unavailable'],
  ] as const)('%s privileged=%s method=%s → %s', (platform, privileged, linuxMethod, kind) => {
    expect(createElevation({ commands, platform, privileged, ...(linuxMethod ? { linuxMethod } : {}) }).kind).toBe(kind);
  });

  it('uid 0 on POSIX; `net session` on Windows', async () => {
    await expect(isPrivilegedProcess({ platform: 'linux', commands, getuid: () => 0 })).resolves.toBe(true);
    await expect(isPrivilegedProcess({ platform: 'linux', commands, getuid: () => 1000 })).resolves.toBe(false);
    const win = new FakeCommandRunner().on('net', ['session'], exited('', 2, 'System error 5 has occurred.\n\nAccess is denied.\n'));
    await expect(isPrivilegedProcess({ platform: 'win32', commands: win })).resolves.toBe(false);
    const admin = new FakeCommandRunner().on('net', ['session'], exited('There are no entries in the list.\n'));
    await expect(isPrivilegedProcess({ platform: 'win32', commands: admin })).resolves.toBe(true);
  });
});
