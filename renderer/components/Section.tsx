import type { ReactNode } from 'react';

interface Props {
  id: string;
  title: string;
  /** One line under the title that says what the section is for. */
  intro?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
}

export function Section({ id, title, intro, actions, children }: Props) {
  const headingId = `${id}-heading`;
  return (
    <section className="card" id={id} aria-labelledby={headingId}>
      <header className="card-header">
        <div>
          <h2 id={headingId}>{title}</h2>
          {intro ? <p className="card-intro">{intro}</p> : null}
        </div>
        {actions ? <div className="card-actions">{actions}</div> : null}
      </header>
      {children}
    </section>
  );
}
