import { jsonLine } from '../../../shared/domain/untrusted-text';
import type { Logger } from '../ports';

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LEVELS)[number];

/** bigint amounts and Error objects, which JSON.stringify throws on or writes as {}. */
const replacer = (_key: string, value: unknown): unknown =>
  typeof value === 'bigint' ? value.toString() : value instanceof Error ? String(value) : value;

/**
 * Logs one JSON object per line to stderr, so stdout stays clean for `--json` output:
 * `{"time":…,"level":…,"msg":…,"fields":{…}}`. Messages and fields often carry names a
 * stranger chose (jobs, requesters, files): as JSON strings, a newline in one cannot
 * forge a line, and ESC, OSC, NUL, C1 controls, bidi overrides and zero-width characters
 * are written out as \uXXXX instead of acting on the terminal (see untrusted-text.ts).
 * Fields sit under their own key so a field named "level" cannot pose as the level.
 * `write` is injectable for tests.
 */
export function createConsoleLogger(
  minimum: LogLevel = 'info',
  write: (line: string) => void = (line) => process.stderr.write(line),
): Logger {
  const threshold = LEVELS.indexOf(minimum);
  const log = (level: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    if (LEVELS.indexOf(level) < threshold) return;
    const entry: Record<string, unknown> = { time: new Date().toISOString(), level, msg: message };
    if (fields && Object.keys(fields).length) entry.fields = fields;
    write(`${jsonLine(entry, replacer)}\n`);
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
