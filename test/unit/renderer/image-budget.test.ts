import { describe, expect, it } from 'vitest';
import { parseImageBudget } from '../../../renderer/features/jobs/image-budget';

describe('parseImageBudget', () => {
  it('accepts whole GiB from 1 to 4096', () => {
    expect(parseImageBudget(' 40 ')).toEqual({ ok: true, gib: 40 });
    expect(parseImageBudget('1')).toEqual({ ok: true, gib: 1 });
    expect(parseImageBudget('4096')).toEqual({ ok: true, gib: 4096 });
  });
  it('refuses fractions, text, zero and huge values with a reason', () => {
    for (const text of ['1.5', 'lots', '', '-3']) expect(parseImageBudget(text)).toMatchObject({ ok: false, message: /whole number/ });
    expect(parseImageBudget('0')).toMatchObject({ ok: false, message: /at least 1 GiB/ });
    expect(parseImageBudget('5000')).toMatchObject({ ok: false, message: /4096/ });
  });
});
