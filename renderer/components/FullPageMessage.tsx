import type { ReactNode } from 'react';
import styles from './FullPageMessage.module.css';

interface Props {
  title: string;
  children: ReactNode;
  testId: string;
}

/** For states where nothing else can be shown: no token, no agent, first load. */
export function FullPageMessage({ title, children, testId }: Props) {
  return (
    <main className={styles.fullPage} data-testid={testId}>
      <div className={styles.fullPageBox}>
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  );
}
