/**
 * The Elevation port: how the unprivileged agent gets ONE privileged thing done, setting a
 * GPU power limit (`nvidia-smi -i <uuid> -pl <W>` needs root / Administrator; see
 * /work/shared/reference/gpu-specs.md §4). Every implementation accepts only that exact
 * argv shape, validated here, so nothing else can ever be smuggled through it:
 *
 *  - direct:        the agent already runs as root / elevated Administrator → nvidia-smi.
 *  - sudo-helper:   Linux → `sudo -n /usr/lib/rigshift/rigshift-power-helper set-power-limit <uuid> <W>`;
 *                   non-interactive, fails at once (and clearly) without the sudoers rule.
 *  - pkexec-helper: Linux → `pkexec --disable-internal-agent <helper> ...` with the polkit
 *                   action io.rigshift.power-helper.set-power-limit.
 *  - windows-uac:   Windows non-admin → PowerShell `Start-Process -Verb RunAs` running
 *                   nvidia-smi.exe with the allow-listed arguments (the owner sees a UAC prompt).
 *  - unavailable:   anything else; run() refuses with the reason.
 *
 * The helper, its sudoers rule and polkit policy live in resources/power-helper/.
 */
import type { CommandResult, CommandRunner } from '../ports';

export const DEFAULT_POWER_HELPER_PATH = '/usr/lib/rigshift/rigshift-power-helper';
export const POLKIT_ACTION_ID = 'io.rigshift.power-helper.set-power-limit';
/** Exit status of the helper when it refuses its arguments (EX_USAGE). */
export const HELPER_REJECTED_EXIT = 64;
/** ERROR_CANCELLED: the owner dismissed the UAC prompt. */
export const WINDOWS_CANCELLED_EXIT = 1223;

const ELEVATED_TIMEOUT_MS = 30_000;
/** The UAC prompt waits for a person. */
const UAC_TIMEOUT_MS = 120_000;

/** nvidia-smi GPU UUIDs (8-4-4-4-12 hex). MIG instances have no power limit of their own. */
export const GPU_UUID = /^GPU-[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** Whole watts, 1..9999, no sign, no leading zero: the same rule the helper script applies. */
const WATTS = /^[1-9][0-9]{0,3}$/;

export type ElevationKind = 'direct' | 'sudo-helper' | 'pkexec-helper' | 'windows-uac' | 'unavailable';
export type ElevationPurpose = 'set' | 'reset';

export interface ElevationFailure {
  code: 'elevation-unavailable' | 'elevation-refused' | 'helper-rejected';
  reason: string;
  hint?: string;
}

export interface Elevation {
  readonly kind: ElevationKind;
  /**
   * Runs `nvidia-smi <args>` with privileges. `args` must be exactly powerLimitArgs(uuid, W);
   * anything else answers { kind: 'error' } without running anything. `purpose` only picks
   * the helper verb (set-power-limit / reset-power-limit) for the audit trail.
   */
  run(args: readonly string[], options?: { purpose?: ElevationPurpose }): Promise<CommandResult>;
  /** One line for logs and the UI, e.g. "sudo -n /usr/lib/rigshift/rigshift-power-helper". */
  describe(): string;
  /** Recognises failures of the elevation mechanism itself (as opposed to nvidia-smi's). */
  explainFailure(result: CommandResult): ElevationFailure | null;
}

/** The only nvidia-smi argv any Elevation accepts. */
export function powerLimitArgs(uuid: string, watts: number): string[] {
  return ['-i', uuid, '-pl', String(watts)];
}

/** Parses and validates powerLimitArgs(); null for anything else. */
export function parsePowerLimitArgs(args: readonly string[]): { uuid: string; watts: string } | null {
  if (args.length !== 4 || args[0] !== '-i' || args[2] !== '-pl') return null;
  const uuid = args[1] ?? '';
  const watts = args[3] ?? '';
  return GPU_UUID.test(uuid) && WATTS.test(watts) ? { uuid, watts } : null;
}

const notAllowListed = (args: readonly string[]): CommandResult => ({
  kind: 'error',
  message: `Refused to run privileged nvidia-smi with arguments other than "-i GPU-<uuid> -pl <watts>": ${JSON.stringify(args)}`,
});

const output = (result: CommandResult): string =>
  result.kind === 'exited' ? `${result.stderr}\n${result.stdout}`.trim() : result.kind === 'error' ? result.message : '';

const firstLine = (text: string): string =>
  text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .find((line) => line.length > 0) ?? '';

const helperHint = (helperPath: string) =>
  `Install the RigShift power helper as ${helperPath} (root-owned, mode 0755) and add the sudoers rule from resources/power-helper/README.md, ` +
  `e.g. "%rigshift ALL=(root) NOPASSWD: ${helperPath}", then add yourself to the rigshift group and log in again.`;

export function directElevation(commands: CommandRunner, nvidiaSmiPath = 'nvidia-smi'): Elevation {
  return {
    kind: 'direct',
    async run(args) {
      if (!parsePowerLimitArgs(args)) return notAllowListed(args);
      return commands.run(nvidiaSmiPath, args, { timeoutMs: ELEVATED_TIMEOUT_MS });
    },
    describe: () => `${nvidiaSmiPath} (RigShift already runs as root / Administrator)`,
    explainFailure: () => null,
  };
}

export function sudoHelperElevation(commands: CommandRunner, helperPath = DEFAULT_POWER_HELPER_PATH): Elevation {
  return {
    kind: 'sudo-helper',
    async run(args, options) {
      const parsed = parsePowerLimitArgs(args);
      if (!parsed) return notAllowListed(args);
      const verb = options?.purpose === 'reset' ? 'reset-power-limit' : 'set-power-limit';
      // -n: never prompt. Without a NOPASSWD rule sudo fails at once instead of hanging.
      return commands.run('sudo', ['-n', helperPath, verb, parsed.uuid, parsed.watts], { timeoutMs: ELEVATED_TIMEOUT_MS });
    },
    describe: () => `sudo -n ${helperPath}`,
    explainFailure(result) {
      if (result.kind === 'missing') {
        return { code: 'elevation-unavailable', reason: 'sudo is not installed, so RigShift cannot run its power helper as root.', hint: helperHint(helperPath) };
      }
      if (result.kind !== 'exited' || result.code === 0) return null;
      const text = output(result);
      if (result.code === HELPER_REJECTED_EXIT && /rigshift-power-helper/i.test(text)) {
        return { code: 'helper-rejected', reason: `The power helper refused the request: ${firstLine(text)}` };
      }
      if (/password is required|terminal is required|askpass|not allowed to (execute|run)|may not run sudo|not in the sudoers/i.test(text)) {
        return {
          code: 'elevation-unavailable',
          reason: `sudo refused to run the power helper without a password: ${firstLine(text)}`,
          hint: helperHint(helperPath),
        };
      }
      if (/command not found|no such file/i.test(text)) {
        return { code: 'elevation-unavailable', reason: `The power helper is not installed at ${helperPath}.`, hint: helperHint(helperPath) };
      }
      return null;
    },
  };
}

export function pkexecHelperElevation(commands: CommandRunner, helperPath = DEFAULT_POWER_HELPER_PATH): Elevation {
  const hint =
    `Install ${helperPath} and the polkit policy resources/power-helper/io.rigshift.power-helper.policy into /usr/share/polkit-1/actions/ ` +
    '(see resources/power-helper/README.md); approve the prompt when it appears.';
  return {
    kind: 'pkexec-helper',
    async run(args, options) {
      const parsed = parsePowerLimitArgs(args);
      if (!parsed) return notAllowListed(args);
      const verb = options?.purpose === 'reset' ? 'reset-power-limit' : 'set-power-limit';
      return commands.run('pkexec', ['--disable-internal-agent', helperPath, verb, parsed.uuid, parsed.watts], {
        timeoutMs: UAC_TIMEOUT_MS,
      });
    },
    describe: () => `pkexec ${helperPath} (polkit action ${POLKIT_ACTION_ID})`,
    explainFailure(result) {
      if (result.kind === 'missing') {
        return { code: 'elevation-unavailable', reason: 'pkexec (polkit) is not installed.', hint };
      }
      if (result.kind !== 'exited' || result.code === 0) return null;
      const text = output(result);
      if (result.code === HELPER_REJECTED_EXIT && /rigshift-power-helper/i.test(text)) {
        return { code: 'helper-rejected', reason: `The power helper refused the request: ${firstLine(text)}` };
      }
      // pkexec: 126 = the owner dismissed the dialog / was not authorized; 127 = no
      // authentication agent, not authorized, or the program does not exist.
      if (result.code === 126 || /dismissed|Not authorized/i.test(text)) {
        return { code: 'elevation-refused', reason: `Authorization for changing the power limit was refused: ${firstLine(text) || 'dialog dismissed'}.`, hint };
      }
      if (result.code === 127) {
        return { code: 'elevation-unavailable', reason: `pkexec could not run the power helper: ${firstLine(text) || 'exit 127'}.`, hint };
      }
      return null;
    },
  };
}

/** Single-quoted PowerShell literal. */
const psQuote = (text: string): string => `'${text.replace(/'/g, "''")}'`;

/**
 * The PowerShell script for windowsUacElevation; only validated values reach it. The
 * elevated child's output cannot be captured through RunAs, only its exit code, which is
 * why the power limiter reads the limit back afterwards.
 */
export function windowsUacScript(nvidiaSmiPath: string, uuid: string, watts: string): string {
  return [
    "$ErrorActionPreference = 'Stop'",
    'try {',
    `  $p = Start-Process -FilePath ${psQuote(nvidiaSmiPath)} -ArgumentList @('-i', ${psQuote(uuid)}, '-pl', ${psQuote(watts)}) -Verb RunAs -Wait -PassThru -WindowStyle Hidden`,
    '  exit $p.ExitCode',
    '} catch {',
    '  $m = $_.Exception.Message',
    '  [Console]::Error.WriteLine($m)',
    `  if ($m -match 'cancel') { exit ${WINDOWS_CANCELLED_EXIT} } else { exit 1 }`,
    '}',
  ].join('\n');
}

export function windowsUacElevation(commands: CommandRunner, nvidiaSmiPath = 'C:\\Windows\\System32\\nvidia-smi.exe'): Elevation {
  return {
    kind: 'windows-uac',
    async run(args) {
      const parsed = parsePowerLimitArgs(args);
      if (!parsed) return notAllowListed(args);
      return commands.run(
        'powershell.exe',
        ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command', windowsUacScript(nvidiaSmiPath, parsed.uuid, parsed.watts)],
        { timeoutMs: UAC_TIMEOUT_MS },
      );
    },
    describe: () => `a UAC prompt running ${nvidiaSmiPath} as Administrator`,
    explainFailure(result) {
      if (result.kind === 'missing') {
        return { code: 'elevation-unavailable', reason: 'Windows PowerShell (powershell.exe) was not found, so RigShift cannot ask for Administrator rights.' };
      }
      if (result.kind === 'timeout') {
        return { code: 'elevation-refused', reason: 'Nobody answered the Windows administrator (UAC) prompt in time.', hint: 'Approve the prompt, or run RigShift as Administrator.' };
      }
      if (result.kind !== 'exited' || result.code === 0) return null;
      const text = output(result);
      if (result.code === WINDOWS_CANCELLED_EXIT || /canceled by the user|cancelled by the user/i.test(text)) {
        return {
          code: 'elevation-refused',
          reason: 'The Windows administrator (UAC) prompt was declined, so the power limit was not changed.',
          hint: 'Approve the prompt next time, or run RigShift as Administrator.',
        };
      }
      return null;
    },
  };
}

export function unavailableElevation(reason: string, hint?: string): Elevation {
  return {
    kind: 'unavailable',
    async run() {
      return { kind: 'error', message: reason };
    },
    describe: () => `none (${reason})`,
    explainFailure: () => ({ code: 'elevation-unavailable', reason, ...(hint === undefined ? {} : { hint }) }),
  };
}

export interface ElevationOptions {
  commands: CommandRunner;
  platform: NodeJS.Platform;
  /** True when the agent already runs as root / elevated Administrator (see isPrivilegedProcess). */
  privileged: boolean;
  nvidiaSmiPath?: string;
  helperPath?: string;
  /** Linux: sudo (non-interactive, works while the owner is away; default) or pkexec. */
  linuxMethod?: 'sudo' | 'pkexec';
}

/** Picks the implementation for this machine. */
export function createElevation(options: ElevationOptions): Elevation {
  const { commands, platform, privileged } = options;
  if (privileged) return directElevation(commands, options.nvidiaSmiPath ?? (platform === 'win32' ? 'C:\\Windows\\System32\\nvidia-smi.exe' : 'nvidia-smi'));
  if (platform === 'linux') {
    return options.linuxMethod === 'pkexec'
      ? pkexecHelperElevation(commands, options.helperPath)
      : sudoHelperElevation(commands, options.helperPath);
  }
  if (platform === 'win32') return windowsUacElevation(commands, options.nvidiaSmiPath);
  return unavailableElevation(`Changing GPU power limits is not supported on ${platform}.`);
}

/**
 * Whether this process already has the rights `nvidia-smi -pl` needs: uid 0 on Linux;
 * on Windows `net session` succeeds only in an elevated process.
 */
export async function isPrivilegedProcess(deps: {
  platform: NodeJS.Platform;
  commands: CommandRunner;
  getuid?: () => number;
}): Promise<boolean> {
  if (deps.platform === 'win32') {
    const result = await deps.commands.run('net', ['session'], { timeoutMs: 10_000 });
    return result.kind === 'exited' && result.code === 0;
  }
  const getuid = deps.getuid ?? process.getuid?.bind(process);
  return getuid ? getuid() === 0 : false;
}
