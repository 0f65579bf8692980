/**
 * The privileged helper, run for real with /bin/sh against a fake nvidia-smi that records
 * its argv. The helper pins PATH to a fixed constant (so a caller cannot substitute
 * nvidia-smi); the test rewrites only that one constant to point at the fake.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/temp-dir';

const HELPER = join(__dirname, '../../../resources/power-helper/rigshift-power-helper');
const UUID = 'GPU-5e2a7b3c-1d4f-4a6b-9c8d-0e1f2a3b4c5d';
const SAFE_PATH_LINE = /^SAFE_PATH='[^']*'$/m;

let dir: ReturnType<typeof tempDir>;
let helper: string;
let record: string;
let fakeBin: string;

beforeEach(() => {
  dir = tempDir('rigshift-helper-');
  fakeBin = join(dir.path, 'bin');
  mkdirSync(fakeBin);
  record = join(dir.path, 'argv.txt');
  const fake = join(fakeBin, 'nvidia-smi');
  writeFileSync(fake, `#!/bin/sh\n: > '${record}'\nfor a in "$@"; do printf '%s\\n' "$a" >> '${record}'; done\necho "Power limit for GPU 00000000:01:00.0 was set to $4.00 W from 450.00 W."\necho "All done."\n`);
  chmodSync(fake, 0o755);
  const source = readFileSync(HELPER, 'utf8');
  expect(source).toMatch(SAFE_PATH_LINE);
  helper = join(dir.path, 'rigshift-power-helper');
  writeFileSync(helper, source.replace(SAFE_PATH_LINE, `SAFE_PATH='${fakeBin}:/usr/bin:/bin'`));
});
afterEach(() => dir.cleanup());

const runHelper = (args: string[], script = helper, env: NodeJS.ProcessEnv = { PATH: '/usr/bin:/bin' }) =>
  spawnSync('sh', [script, ...args], { encoding: 'utf8', env });

const recordedArgv = () => (existsSync(record) ? readFileSync(record, 'utf8').split('\n').filter(Boolean) : null);

describe.skipIf(process.platform === 'win32')('rigshift-power-helper', () => {
  it('is shipped executable, as a POSIX sh script', () => {
    expect(statSync(HELPER).mode & 0o111).not.toBe(0);
    expect(readFileSync(HELPER, 'utf8').startsWith('#!/bin/sh\n')).toBe(true);
    expect(spawnSync('sh', ['-n', HELPER]).status).toBe(0);
  });

  it.each(['set-power-limit', 'reset-power-limit'])('%s execs exactly nvidia-smi -i <uuid> -pl <W>', (verb) => {
    const result = runHelper([verb, UUID, '300']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(recordedArgv()).toEqual(['-i', UUID, '-pl', '300']);
    expect(result.stdout).toContain('was set to 300.00 W');
  });

  it('accepts upper-case hex and the 1..9999 W range ends', () => {
    expect(runHelper(['set-power-limit', UUID.toUpperCase(), '1']).status).toBe(0);
    expect(runHelper(['set-power-limit', UUID, '9999']).status).toBe(0);
    expect(recordedArgv()).toEqual(['-i', UUID, '-pl', '9999']);
  });

  it.each([
    ['no arguments', []],
    ['too few arguments', ['set-power-limit', UUID]],
    ['an extra argument', ['set-power-limit', UUID, '300', '--force']],
    ['an extra nvidia-smi option', ['set-power-limit', UUID, '300', '-pm', '1']],
    ['an unknown action', ['set-persistence', UUID, '1']],
    ['a raw nvidia-smi option as action', ['-pl', UUID, '300']],
    ['shell injection in the UUID', ['set-power-limit', 'GPU-1;rm -rf /', '300']],
    ['command substitution in the UUID', ['set-power-limit', 'GPU-$(id)', '300']],
    ['a newline-smuggled UUID', ['set-power-limit', `${UUID}\n-pm`, '300']],
    ['a UUID with a trailing space', ['set-power-limit', `${UUID} `, '300']],
    ['a MIG UUID', ['set-power-limit', 'MIG-5e2a7b3c-1d4f-4a6b-9c8d-0e1f2a3b4c5d', '300']],
    ['a GPU index instead of a UUID', ['set-power-limit', '0', '300']],
    ['a short UUID', ['set-power-limit', 'GPU-5e2a7b3c', '300']],
    ['an option as the UUID', ['set-power-limit', '-pm', '300']],
    ['fractional watts', ['set-power-limit', UUID, '250.5']],
    ['negative watts', ['set-power-limit', UUID, '-300']],
    ['zero watts', ['set-power-limit', UUID, '0']],
    ['a leading zero', ['set-power-limit', UUID, '0300']],
    ['five digits', ['set-power-limit', UUID, '10000']],
    ['watts with a unit', ['set-power-limit', UUID, '300W']],
    ['injection in the watts', ['set-power-limit', UUID, '300;reboot']],
    ['empty watts', ['set-power-limit', UUID, '']],
    ['a newline after the watts', ['set-power-limit', UUID, '300\n']],
  ])('rejects %s with exit 64 and runs nothing', (_label, args) => {
    const result = runHelper(args);
    expect(result.status).toBe(64);
    expect(result.stderr).toMatch(/^rigshift-power-helper: /);
    expect(result.stderr).toContain('usage:');
    expect(recordedArgv()).toBeNull();
  });

  it("does not trust the caller's PATH", () => {
    // The shipped script with the fake first on the caller's PATH: the fake must not run.
    const result = runHelper(['set-power-limit', UUID, '300'], HELPER, { PATH: `${fakeBin}:/usr/bin:/bin` });
    expect(recordedArgv()).toBeNull();
    // No real nvidia-smi here: 69 (not installed). On a machine with one it would run it.
    if (!existsSync('/usr/bin/nvidia-smi') && !existsSync('/usr/local/bin/nvidia-smi') && !existsSync('/bin/nvidia-smi')) {
      expect(result.status).toBe(69);
      expect(result.stderr).toContain('nvidia-smi not found');
    }
  });

  it('passes nvidia-smi failures through', () => {
    writeFileSync(join(fakeBin, 'nvidia-smi'), '#!/bin/sh\necho "Changing power management limit is not supported in current scope for GPU: 00000000:01:00.0." \nexit 3\n');
    const result = runHelper(['set-power-limit', UUID, '300']);
    expect(result.status).toBe(3);
    expect(result.stdout).toContain('not supported');
  });
});
