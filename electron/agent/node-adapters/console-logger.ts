import type { Logger } from '../ports';

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LEVELS)[number];

/**
 * Logs one line per entry to stderr, so stdout stays clean for `--json` output.
 * `write` is injectable for tests.
 */
export function createConsoleLogger(
  minimum: LogLevel = 'info',
  write: (line: string) => void = (line) => process.stderr.write(line),
): Logger {
  const threshold = LEVELS.indexOf(minimum);
  const log = (level: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    if (LEVELS.indexOf(level) < threshold) return;
    const extra = fields && Object.keys(fields).length ? ` ${JSON.stringify(fields)}` : '';
    write(`${new Date().toISOString()} ${level.padEnd(5)} ${message}${extra}\n`);
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
