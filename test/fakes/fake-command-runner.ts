/**
 * A recording CommandRunner: tests script the answers per command line and then assert
 * the exact argv the code under test sent. Unscripted commands answer { kind: 'missing' },
 * like a machine without that tool.
 */
import type { CommandResult, CommandRunner } from '../../electron/agent/ports';

export interface RecordedRun {
  command: string;
  args: string[];
  timeoutMs: number | undefined;
}

export interface FakeStream {
  command: string;
  args: string[];
  stopped: boolean;
  /** Feeds a stdout line to the consumer, as the child would. */
  emit(line: string): void;
}

type Answer = CommandResult | ((args: readonly string[]) => CommandResult);

export class FakeCommandRunner implements CommandRunner {
  readonly runs: RecordedRun[] = [];
  readonly streams: FakeStream[] = [];
  private readonly answers: Array<{ command: string; args: readonly string[] | null; answers: Answer[] }> = [];

  /**
   * Scripts the answers for `command` (with exactly `args`, or any args when null). Several
   * answers are returned in order, the last one repeating.
   */
  on(command: string, args: readonly string[] | null, ...answers: Answer[]): this {
    this.answers.push({ command, args, answers });
    return this;
  }

  async run(command: string, args: readonly string[], options?: { timeoutMs?: number }): Promise<CommandResult> {
    this.runs.push({ command, args: [...args], timeoutMs: options?.timeoutMs });
    const entry =
      this.answers.find((a) => a.command === command && a.args !== null && sameArgs(a.args, args)) ??
      this.answers.find((a) => a.command === command && a.args === null);
    if (!entry) return { kind: 'missing' };
    const answer = entry.answers.length > 1 ? entry.answers.shift() : entry.answers[0];
    if (!answer) return { kind: 'missing' };
    return typeof answer === 'function' ? answer(args) : answer;
  }

  stream(command: string, args: readonly string[], onLine: (line: string) => void): { stop(): void } {
    const stream: FakeStream = {
      command,
      args: [...args],
      stopped: false,
      emit: (line) => {
        if (!stream.stopped) onLine(line);
      },
    };
    this.streams.push(stream);
    return {
      stop: () => {
        stream.stopped = true;
      },
    };
  }
}

const sameArgs = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((v, i) => v === b[i]);

export const exited = (stdout: string, code = 0, stderr = ''): CommandResult => ({ kind: 'exited', code, stdout, stderr });

export const fixedClock = (iso = '2026-11-23T10:00:00.000Z') => ({ now: () => new Date(iso) });
