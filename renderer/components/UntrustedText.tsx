import { escapeUntrusted, splitUntrusted, visibleCodePoint } from '../../shared/domain/untrusted-text';
import { cx } from '../lib/cx';
import styles from './UntrustedText.module.css';

/**
 * Text a stranger chose (job, file and image names, a job's description): inside a <bdi>
 * so its reading direction cannot reorder what is around it (a right-to-left override in a
 * name stays inside the name), with every control, bidi and zero-width character shown as
 * a marked `\u{…}` instead of acting or hiding (tabs kept where asked: log lines). React
 * already escapes the markup.
 */
export function UntrustedText({ text, className, keepTabs = false }: { text: string; className?: string; keepTabs?: boolean }) {
  return (
    <bdi className={cx(styles.untrusted, className)}>
      {splitUntrusted(text).map((part, i) =>
        part.hidden && !(keepTabs && part.text === '\t') ? (
          <span key={i} className={styles.untrustedHidden} title="A hidden or control character, shown by its code">
            {visibleCodePoint(part.text)}
          </span>
        ) : (
          part.text
        ),
      )}
    </bdi>
  );
}

/** For attributes (title, aria-label), which cannot hold markup: the text with hidden characters written out. */
export const untrustedAttribute = escapeUntrusted;
