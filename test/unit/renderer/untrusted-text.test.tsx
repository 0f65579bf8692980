import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { UntrustedText, untrustedAttribute } from '../../../renderer/components/UntrustedText';
import styles from '../../../renderer/components/UntrustedText.module.css';

// The component's own (CSS module) class names.
const bdi = styles.untrusted!;
const hidden = styles.untrustedHidden!;

describe('UntrustedText', () => {
  it('isolates the text and shows hidden characters as marked code points', () => {
    const html = renderToStaticMarkup(<UntrustedText text={'invoice\u202Efdp.exe\u200B'} />);
    expect(html).toBe(
      `<bdi class="${bdi}">invoice<span class="${hidden}" title="A hidden or control character, shown by its code">\\u{202E}</span>fdp.exe<span class="${hidden}" title="A hidden or control character, shown by its code">\\u{200B}</span></bdi>`,
    );
    expect(html).not.toMatch(/[\u202E\u200B]/);
  });

  it('leaves ordinary names as they are, markup escaped by React', () => {
    expect(renderToStaticMarkup(<UntrustedText text="Rendu été <b>" className="job-name" />)).toBe(`<bdi class="${bdi} job-name">Rendu été &lt;b&gt;</bdi>`);
  });

  it('keeps tabs in log lines when asked, and marks them otherwise', () => {
    expect(renderToStaticMarkup(<UntrustedText text={'a\tb'} keepTabs />)).toBe(`<bdi class="${bdi}">a\tb</bdi>`);
    expect(renderToStaticMarkup(<UntrustedText text={'a\tb'} />)).toContain('\\u{0009}');
  });

  it('writes hidden characters out in attributes', () => {
    expect(untrustedAttribute('img\u202E:latest\u0007')).toBe('img\\u{202E}:latest\\u{0007}');
  });
});
