import { useState } from 'react';
import type { NetworkSettings as Network } from '../../../shared/domain/settings';
import { useSnapshot } from '../../app/app-context';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Section } from '../../components/Section';
import { Spinner } from '../../components/Spinner';
import { DeploymentImport } from './DeploymentImport';
import { DEPLOYMENT_BLOCK_HINT, draftOf, type NetworkDraft, type NetworkField, networkSummary, parseNetworkDraft, sameNetwork } from './network-form';
import { type NetworkSaver, useNetworkSave } from './use-network-save';
import styles from './Network.module.css';

/** Settings → Network: the chain and market RigShift rents on, typed in or imported from a deployment file. */
export function NetworkSettings() {
  const { settings } = useSnapshot();
  const saver = useNetworkSave();
  return (
    <Section
      id="network"
      title="Network"
      intro="Which chain and market RigShift rents on: the local devnet (test money), or a market deployed on a real chain."
    >
      <p className={styles.current} data-testid="network-current">
        {networkSummary(settings.network)}
      </p>
      <DeploymentImport saver={saver} />
      {/* A network saved elsewhere (an import, another window) starts the form afresh. */}
      <NetworkForm key={JSON.stringify(settings.network)} network={settings.network} saver={saver} />
    </Section>
  );
}

const FIELDS: ReadonlyArray<{ field: NetworkField; label: string; placeholder: string; help?: string; inputMode?: 'numeric' }> = [
  { field: 'rpcUrl', label: 'RPC URL', placeholder: 'https://…', help: 'Your node or provider (an API key in it stays on this computer).' },
  { field: 'chainId', label: 'Chain id', placeholder: '8453', inputMode: 'numeric', help: 'Checked against the RPC at every connect.' },
  { field: 'marketAddress', label: 'Market contract', placeholder: '0x…' },
  { field: 'deploymentBlock', label: 'Deployment block', placeholder: 'e.g. 19000123', inputMode: 'numeric', help: DEPLOYMENT_BLOCK_HINT },
];

function NetworkForm({ network, saver }: { network: Network; saver: NetworkSaver }) {
  const [draft, setDraft] = useState<NetworkDraft>(() => draftOf(network));
  const [tried, setTried] = useState(false);
  const parsed = parseNetworkDraft(draft);
  const problems = !parsed.ok && tried ? parsed.problems : {};
  const dirty = !parsed.ok || !sameNetwork(parsed.network, network);
  const set = (patch: Partial<NetworkDraft>) => setDraft((d) => ({ ...d, ...patch }));

  const save = () => {
    setTried(true);
    if (parsed.ok) void saver.save(parsed.network);
  };

  return (
    <form
      className={styles.form}
      onSubmit={(event) => {
        event.preventDefault();
        save();
      }}
      aria-busy={saver.pending}
    >
      <label className="field">
        <span className="field-label">Chain</span>
        <select value={draft.kind} onChange={(e) => set({ kind: e.target.value as NetworkDraft['kind'] })} data-testid="network-kind">
          <option value="devnet">Local devnet (test money on this computer)</option>
          <option value="custom">Custom network (your own deployment)</option>
        </select>
      </label>
      {draft.kind === 'custom' ? (
        <div className={styles.fields}>
          {FIELDS.map(({ field, label, placeholder, help, inputMode }) => (
            <label className="field" key={field}>
              <span className="field-label">{label}</span>
              <input
                type="text"
                value={draft[field]}
                placeholder={placeholder}
                inputMode={inputMode}
                spellCheck={false}
                autoComplete="off"
                aria-invalid={problems[field] ? true : undefined}
                onChange={(e) => set({ [field]: e.target.value })}
                data-testid={`network-${field}`}
              />
              {problems[field] ? (
                <span className="field-error" data-testid={`network-${field}-problem`}>
                  {problems[field]}
                </span>
              ) : help ? (
                <span className="field-help">{help}</span>
              ) : null}
            </label>
          ))}
        </div>
      ) : null}
      {saver.error ? <ErrorNotice error={saver.error} onDismiss={saver.clearError} testId="network-error" /> : null}
      <div className={styles.importBar}>
        <button type="submit" className="button-primary" disabled={!dirty || saver.pending} aria-busy={saver.pending} data-testid="network-save">
          {saver.pending ? <Spinner /> : null}
          Save
        </button>
        {dirty ? (
          <button
            type="button"
            onClick={() => {
              setDraft(draftOf(network));
              setTried(false);
            }}
            disabled={saver.pending}
            data-testid="network-discard"
          >
            Discard changes
          </button>
        ) : null}
        <span role="status">
          {saver.notice === 'saved' ? (
            <span className="saved-notice" data-testid="network-saved">
              Saved ·{' '}
              <button type="button" className="button-link" onClick={() => void saver.undo()} data-testid="network-undo">
                Undo
              </button>
            </span>
          ) : null}
          {saver.notice === 'restored' ? (
            <span className="saved-notice" data-testid="network-restored">
              Previous network restored
            </span>
          ) : null}
        </span>
      </div>
    </form>
  );
}
