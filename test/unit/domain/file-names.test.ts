import { describe, expect, it } from 'vitest';
import { isWindowsReservedName } from '../../../shared/domain/file-names';

describe('isWindowsReservedName', () => {
  it.each([
    'CON', 'con', 'Prn', 'AUX', 'nul', 'COM1', 'com9', 'COM0', 'LPT1', 'lpt9', 'CONIN$', 'conout$',
    // any extension, several extensions
    'COM1.txt', 'nul.tar.gz', 'Aux.c',
    // trailing dots and spaces are dropped by Windows
    'CON.', 'PRN...', 'NUL ', 'AUX . .', 'COM3 .log',
    // superscript digits count as digits
    'COM¹', 'com²', 'LPT³', 'lpt¹.txt',
  ])('%j is a device', (name) => {
    expect(isWindowsReservedName(name)).toBe(true);
  });

  it.each(['CONSOLE', 'COM10', 'LPT', 'COM', 'con-1', 'nulls', 'data.con', 'x.COM1', 'auxiliary.txt', 'COM⁴', 'COM₁', 'result.bin'])(
    '%j is a file',
    (name) => {
      expect(isWindowsReservedName(name)).toBe(false);
    },
  );
});
