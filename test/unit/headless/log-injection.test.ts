/**
 * Logs are data. The attack run forged `info wallet: payout address changed {"to":"0xATTACKER"}`
 * with a "\n" in a job name, and sent NUL, ANSI colour and OSC window-title sequences to the
 * owner's terminal. The console logger `rigshift headless` uses writes one JSON object per
 * line with every such character written out.
 */
import { describe, expect, it } from 'vitest';
import { createConsoleLogger } from '../../../electron/agent/node-adapters/console-logger';

const FORGED = 'evil\n2026-12-07T03:00:00.000Z info  wallet: payout address changed {"to":"0xATTACKER"}';
const CONTROLS = 'a\u0000b\u001b[31mred\u001b[0m\u001b]0;pwned\u0007\u009b2J\r\u202Egnp.exe\u200b\u2028\u{E0041}z';
/** What must never reach a terminal raw: C0 (but the final newline), DEL, C1, bidi, zero-width, separators, tags. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\u{E0000}-\u{E007F}]/u;

function capture() {
  const lines: string[] = [];
  const logger = createConsoleLogger('debug', (line) => lines.push(line));
  return { logger, lines };
}

describe('console logger: one JSON object per line', () => {
  it('a newline in a job name cannot forge a second line', () => {
    const { logger, lines } = capture();
    logger.info(`job ${FORGED} started`, { name: FORGED });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.endsWith('\n')).toBe(true);
    expect(lines[0]!.slice(0, -1)).not.toContain('\n');
    const entry = JSON.parse(lines[0]!);
    expect(entry).toMatchObject({ level: 'info', msg: `job ${FORGED} started`, fields: { name: FORGED } });
    expect(Object.keys(entry).sort()).toEqual(['fields', 'level', 'msg', 'time']);
  });

  it('control, bidi and zero-width characters are written out, and read back exactly', () => {
    const { logger, lines } = capture();
    logger.warn(CONTROLS, { file: CONTROLS, nested: { requester: CONTROLS } });
    expect(lines[0]).not.toMatch(RAW);
    expect(lines[0]).toContain('\\u202e');
    expect(lines[0]).toContain('\\u009b');
    const entry = JSON.parse(lines[0]!);
    expect(entry.msg).toBe(CONTROLS);
    expect(entry.fields).toEqual({ file: CONTROLS, nested: { requester: CONTROLS } });
  });

  it('a field cannot pose as the level or the message; bigints and errors are logged', () => {
    const { logger, lines } = capture();
    logger.debug('x', { level: 'error', msg: 'forged', amount: 10n ** 20n, error: new Error('boom') });
    const entry = JSON.parse(lines[0]!);
    expect(entry.level).toBe('debug');
    expect(entry.msg).toBe('x');
    expect(entry.fields).toMatchObject({ level: 'error', amount: '100000000000000000000', error: 'Error: boom' });
  });

  it('keeps the level threshold', () => {
    const lines: string[] = [];
    const logger = createConsoleLogger('warn', (line) => lines.push(line));
    logger.info('quiet');
    logger.error('loud');
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['loud']);
  });
});
