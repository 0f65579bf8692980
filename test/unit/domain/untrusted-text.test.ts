import { describe, expect, it } from 'vitest';
import { escapeUntrusted, jsonLine, splitUntrusted } from '../../../shared/domain/untrusted-text';

describe('untrusted text', () => {
  it('writes every control, bidi, zero-width and tag character out as \\u{…}', () => {
    expect(escapeUntrusted('job\u001b[2J\u001b]0;t\u0007')).toBe('job\\u{001B}[2J\\u{001B}]0;t\\u{0007}');
    expect(escapeUntrusted('a\u202Eb\u200Bc\u2066d\u0000e\u009Bf\u{E0041}')).toBe('a\\u{202E}b\\u{200B}c\\u{2066}d\\u{0000}e\\u{009B}f\\u{E0041}');
    expect(escapeUntrusted('line\nforged\r')).toBe('line\\u{000A}forged\\u{000D}');
  });

  it('leaves ordinary text alone, accents, CJK, Arabic and emoji included', () => {
    for (const text of ['Rendu 4K — été', '画像生成', 'مرحبا', 'GPU 🚀 job', 'a\\u{202E}b']) expect(escapeUntrusted(text)).toBe(text);
  });

  it('splits text into plain runs and hidden characters', () => {
    expect(splitUntrusted('ab\u202Ecd\u200B')).toEqual([
      { text: 'ab', hidden: false },
      { text: '\u202E', hidden: true },
      { text: 'cd', hidden: false },
      { text: '\u200B', hidden: true },
    ]);
    expect(splitUntrusted('')).toEqual([]);
  });

  it('jsonLine is JSON that reads back exactly, with no raw hidden character', () => {
    const value = { name: 'x\u009b\u202E\u2028\u{E0041}\n' };
    const line = jsonLine(value);
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    expect(line).not.toMatch(/[\u0000-\u001f\u009b\u202e\u2028]|\u{E0041}/u);
    expect(JSON.parse(line)).toEqual(value);
  });
});
