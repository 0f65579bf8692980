import { CopyButton } from '../../components/CopyButton';
import { parseFix, splitInlineCode } from './fix-text';
import styles from './Checks.module.css';

export function FixText({ fix }: { fix: string }) {
  const parts = parseFix(fix);
  const hasCommand = parts.some((part) => part.kind === 'command');
  return (
    <div className={styles.fixText}>
      {parts.map((part, i) =>
        part.kind === 'command' ? (
          <div className={styles.command} key={i}>
            <pre>
              <code>{part.text}</code>
            </pre>
            <CopyButton text={part.text} label="Copy command" />
          </div>
        ) : (
          <p key={i}>
            {splitInlineCode(part.text).map((run, j) => (run.code ? <code key={j}>{run.text}</code> : run.text))}
          </p>
        ),
      )}
      {/* Prose-only fixes still get one Copy, for pasting into a note or a search. */}
      {!hasCommand ? <CopyButton text={fix} label="Copy fix" /> : null}
    </div>
  );
}
