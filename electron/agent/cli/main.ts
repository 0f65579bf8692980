/**
 * `rigshift` command line: detect, bench, headless, run-job. Every command has --help and fails
 * with exit code 1 and one line saying why (and what to do), never a stack trace.
 */
import { parseArgs } from 'node:util';
import pkg from '../../../package.json';
import { AgentError } from '../../../shared/api/result';
import { runBench } from './bench-command';
import { HELP } from './commands';
import { runDetect } from './detect-command';
import { runHeadless } from './headless-command';
import { runJobCommand } from './run-job-command';

class UsageError extends Error {}

const helpOption = { help: { type: 'boolean', short: 'h' } } as const;

/** parseArgs with its errors turned into one-line usage errors. */
function usage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(`${HELP.main}\n`);
    return 0;
  }
  if (command === '-v' || command === '--version') {
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  switch (command) {
    case 'detect': {
      const { values } = usage(() =>
        parseArgs({ args: rest, strict: true, options: { ...helpOption, json: { type: 'boolean' } } }),
      );
      if (values.help) return help('detect');
      return runDetect({ json: Boolean(values.json) });
    }
    case 'bench': {
      const { values } = usage(() =>
        parseArgs({
          args: rest,
          strict: true,
          options: {
            ...helpOption,
            json: { type: 'boolean' },
            cpu: { type: 'boolean' },
            gpu: { type: 'string' },
            quick: { type: 'boolean' },
            'data-dir': { type: 'string' },
          },
        }),
      );
      if (values.help) return help('bench');
      if (values.cpu && values.gpu) throw new UsageError('--cpu and --gpu cannot be used together');
      return runBench({
        json: Boolean(values.json),
        target: values.cpu ? { kind: 'cpu' } : values.gpu ? { kind: 'gpu', gpuUuid: values.gpu } : { kind: 'auto' },
        quick: Boolean(values.quick),
        dataDir: values['data-dir'],
      });
    }
    case 'headless': {
      const { values } = usage(() =>
        parseArgs({
          args: rest,
          strict: true,
          options: {
            ...helpOption,
            port: { type: 'string' },
            'data-dir': { type: 'string' },
            'quick-bench': { type: 'boolean' },
            'run-job': { type: 'string' },
          },
        }),
      );
      if (values.help) return help('headless');
      const port = values.port === undefined ? 0 : Number(values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new UsageError(`--port must be a whole number from 0 to 65535, not "${String(values.port)}"`);
      }
      return runHeadless({
        port,
        dataDir: values['data-dir'],
        quickBench: Boolean(values['quick-bench']),
        runJob: values['run-job'],
      });
    }
    case 'run-job': {
      const { values, positionals } = usage(() =>
        parseArgs({
          args: rest,
          strict: true,
          allowPositionals: true,
          options: {
            ...helpOption,
            json: { type: 'boolean' },
            'data-dir': { type: 'string' },
            runtime: { type: 'string' },
          },
        }),
      );
      if (values.help) return help('run-job');
      if (positionals.length !== 1) throw new UsageError('run-job needs exactly one job spec file (try: rigshift run-job --help)');
      const runtime = values.runtime;
      if (runtime !== undefined && runtime !== 'runc' && runtime !== 'runsc') {
        throw new UsageError(`--runtime must be runc or runsc, not "${runtime}"`);
      }
      return runJobCommand({ specPath: positionals[0]!, json: Boolean(values.json), dataDir: values['data-dir'], runtime });
    }
    default:
      throw new UsageError(`unknown command "${command}" (try: rigshift --help)`);
  }
}

function help(command: keyof typeof HELP): number {
  process.stdout.write(`${HELP[command]}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) process.stderr.write(`rigshift: ${error.message}\n`);
    else if (error instanceof AgentError) {
      process.stderr.write(`rigshift: ${error.message}${error.hint ? ` ${error.hint}` : ''}\n`);
    } else process.stderr.write(`rigshift: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  },
);
