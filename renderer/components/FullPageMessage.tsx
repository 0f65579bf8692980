import type { ReactNode } from 'react';

interface Props {
  title: string;
  children: ReactNode;
  testId: string;
}

/** For states where nothing else can be shown: no token, no agent, first load. */
export function FullPageMessage({ title, children, testId }: Props) {
  return (
    <main className="full-page" data-testid={testId}>
      <div className="full-page-box">
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  );
}
