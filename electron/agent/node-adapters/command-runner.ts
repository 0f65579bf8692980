/**
 * The Node implementation of the CommandRunner port. Never goes through a shell: the
 * arguments reach the program exactly as given, so no quoting or injection questions.
 */
import { spawn } from 'node:child_process';
import type { CommandResult, CommandRunner } from '../ports';

export interface NodeCommandRunnerOptions {
  /** Applied when the caller gives no timeout; a hung driver tool must not hang the agent. */
  defaultTimeoutMs?: number;
  /** Per stream (stdout, stderr). Version banners and CSV are tiny; more means trouble. */
  maxOutputBytes?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;
/** A streamed line longer than this is not a telemetry line; it is dropped, not buffered. */
const MAX_STREAM_LINE = 64 * 1024;

export function createNodeCommandRunner(options: NodeCommandRunnerOptions = {}): CommandRunner {
  const defaultTimeoutMs = options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxOutputBytes = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;

  return {
    run(command, args, runOptions) {
      const timeoutMs = runOptions?.timeoutMs ?? defaultTimeoutMs;
      return new Promise<CommandResult>((resolve) => {
        let settled = false;
        const settle = (result: CommandResult) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve(result);
        };

        const child = spawn(command, [...args], {
          shell: false,
          windowsHide: true,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        const stdout: Buffer[] = [];
        const stderr: Buffer[] = [];
        let sizes = { stdout: 0, stderr: 0 };

        const collect = (which: 'stdout' | 'stderr', sink: Buffer[]) => (chunk: Buffer) => {
          sizes = { ...sizes, [which]: sizes[which] + chunk.length };
          if (sizes[which] > maxOutputBytes) {
            child.kill('SIGKILL');
            settle({ kind: 'error', message: `${command} wrote more than ${maxOutputBytes} bytes to ${which}` });
            return;
          }
          sink.push(chunk);
        };
        child.stdout.on('data', collect('stdout', stdout));
        child.stderr.on('data', collect('stderr', stderr));

        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          settle({ kind: 'timeout' });
        }, timeoutMs);

        child.once('error', (error: NodeJS.ErrnoException) => {
          settle(error.code === 'ENOENT' ? { kind: 'missing' } : { kind: 'error', message: error.message });
        });
        child.once('close', (code, signal) => {
          if (code === null) {
            settle({ kind: 'error', message: `${command} was killed by ${signal ?? 'a signal'}` });
            return;
          }
          settle({
            kind: 'exited',
            code,
            stdout: Buffer.concat(stdout).toString('utf8'),
            stderr: Buffer.concat(stderr).toString('utf8'),
          });
        });
      });
    },

    stream(command, args, onLine) {
      const child = spawn(command, [...args], {
        shell: false,
        windowsHide: true,
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      let stopped = false;
      let pending = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        if (stopped) return;
        pending += chunk;
        const lines = pending.split(/\r?\n/);
        pending = lines.pop() ?? '';
        if (pending.length > MAX_STREAM_LINE) pending = '';
        for (const line of lines) {
          if (!stopped) onLine(line);
        }
      });
      child.stdout.once('end', () => {
        if (!stopped && pending !== '') onLine(pending);
        pending = '';
      });
      // ENOENT and friends: the stream simply produces no lines; the caller sees no samples.
      child.once('error', () => undefined);
      return {
        stop() {
          if (stopped) return;
          stopped = true;
          if (child.exitCode === null && child.signalCode === null) child.kill();
        },
      };
    },
  };
}
