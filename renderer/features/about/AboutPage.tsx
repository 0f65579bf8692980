import { useEffect, useState } from 'react';
import type { ApiError } from '../../../shared/api/result';
import type { About } from '../../../shared/domain/desktop';
import { useApi } from '../../app/app-context';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Section } from '../../components/Section';
import { Spinner } from '../../components/Spinner';
import { CopyButton } from '../../components/CopyButton';
import styles from './About.module.css';

/** Versions of everything a support request needs, and where the data lives. */
export function AboutPage() {
  const api = useApi();
  const [value, setValue] = useState<About | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    let live = true;
    void api.getAbout({}).then((result) => {
      if (!live) return;
      if (result.ok) setValue(result.value);
      else setError(result.error);
    });
    return () => {
      live = false;
    };
  }, [api]);

  const asText = value
    ? [
        `${value.app.name} ${value.app.version} (${value.app.mode === 'electron' ? 'desktop app' : 'headless'})`,
        ...value.components.map((c) => `${c.name}: ${c.version ?? 'unknown'}${c.note ? ` (${c.note})` : ''}`),
        `Network: ${value.network.label}${value.network.chainId !== null ? ` (chain ${value.network.chainId})` : ''}`,
      ].join('\n')
    : '';

  return (
    <>
      <h1 className="visually-hidden">About</h1>
      <Section
        id="about"
        title="About RigShift"
        intro="The versions of RigShift and of what it relies on. Include them when you report a problem."
        actions={value ? <CopyButton text={asText} label="Copy versions" /> : null}
      >
        {error ? <ErrorNotice error={error} /> : null}
        {!value && !error ? (
          <p className="muted">
            <Spinner /> Reading versions…
          </p>
        ) : !value ? null : (
          <table className={styles.aboutTable} data-testid="about-versions">
            <tbody>
              <tr>
                <th scope="row">RigShift</th>
                <td data-testid="about-app-version">{value.app.version}</td>
                <td className="muted">{value.app.mode === 'electron' ? 'Desktop app' : 'Headless (browser)'}</td>
              </tr>
              {value.components.map((c) => (
                <tr key={c.name} data-testid={`about-${c.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`}>
                  <th scope="row">{c.name}</th>
                  <td>{c.version ?? <span className="muted">unknown</span>}</td>
                  <td className="muted">{c.note}</td>
                </tr>
              ))}
              <tr data-testid="about-network">
                <th scope="row">Network</th>
                <td>{value.network.label}</td>
                <td className="muted">
                  {value.network.chainId !== null ? `chain ${value.network.chainId}` : null}
                  {value.network.detail ? ` · ${value.network.detail}` : null}
                </td>
              </tr>
              <tr>
                <th scope="row">Data folder</th>
                <td colSpan={2}>
                  <code>{value.dataDir}</code>
                </td>
              </tr>
            </tbody>
          </table>
        )}
      </Section>
    </>
  );
}
