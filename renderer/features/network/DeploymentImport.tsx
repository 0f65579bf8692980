import { type ChangeEvent, useRef, useState } from 'react';
import type { ApiError } from '../../../shared/api/result';
import { type DeploymentImportPreview, deploymentFileTooLarge, MAX_DEPLOYMENT_FILE_BYTES } from '../../../shared/domain/deployment-import';
import { useApi } from '../../app/app-context';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Spinner } from '../../components/Spinner';
import { UntrustedText } from '../../components/UntrustedText';
import { useCall } from '../../lib/use-call';
import type { NetworkSaver } from './use-network-save';
import styles from './Network.module.css';

/**
 * "Import deployment file…": the desktop app opens its native dialog (openDeploymentFile),
 * a browser on `rigshift headless` reads the chosen file itself; either way the text goes to
 * previewDeploymentImport, and nothing changes until the owner presses Apply (then Undo).
 */
export function DeploymentImport({ saver }: { saver: NetworkSaver }) {
  const api = useApi();
  const desktop = api.transportKind === 'ipc';
  const input = useRef<HTMLInputElement>(null);
  const [preview, setPreview] = useState<DeploymentImportPreview | null>(null);
  const [localError, setLocalError] = useState<ApiError | null>(null);
  const previewCall = useCall((text: string, fileName: string) => api.previewDeploymentImport({ text, fileName }));
  const openCall = useCall(() => api.openDeploymentFile({}));
  const busy = previewCall.pending || openCall.pending;
  const error = localError ?? openCall.error ?? previewCall.error;

  const previewText = async (text: string, fileName: string) => {
    const result = await previewCall.run(text, fileName);
    if (result.ok) setPreview(result.value);
  };

  const choose = async () => {
    setLocalError(null);
    setPreview(null);
    if (!desktop) {
      input.current?.click();
      return;
    }
    const chosen = await openCall.run();
    if (chosen.ok && chosen.value) await previewText(chosen.value.text, chosen.value.fileName);
  };

  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    // Choosing the same file again must fire change again.
    event.target.value = '';
    if (!file) return;
    if (file.size > MAX_DEPLOYMENT_FILE_BYTES) {
      setLocalError({ code: 'deployment_file', message: deploymentFileTooLarge(file.size) });
      return;
    }
    await previewText(await file.text(), file.name);
  };

  const apply = async () => {
    if (!preview) return;
    const result = await saver.save(preview.network);
    if (result.ok) setPreview(null);
  };

  return (
    <div className={styles.import}>
      <div className={styles.importBar}>
        <button type="button" onClick={() => void choose()} disabled={busy || saver.pending} aria-busy={busy} data-testid="network-import">
          {busy ? <Spinner /> : null}
          Import deployment file…
        </button>
        <span className="field-help">
          The file <code>rigshift market deploy</code> wrote. You see what changes before anything does.
        </span>
        {desktop ? null : (
          <input
            ref={input}
            type="file"
            accept=".json,application/json"
            className="visually-hidden"
            tabIndex={-1}
            aria-label="Deployment file"
            onChange={(event) => void onFile(event)}
            data-testid="network-import-input"
          />
        )}
      </div>
      {error ? (
        <ErrorNotice
          error={error}
          testId="network-import-error"
          onDismiss={() => {
            setLocalError(null);
            previewCall.clearError();
            openCall.clearError();
          }}
        />
      ) : null}
      {preview ? <ImportPreview preview={preview} pending={saver.pending} onApply={() => void apply()} onCancel={() => setPreview(null)} /> : null}
    </div>
  );
}

function ImportPreview({ preview, pending, onApply, onCancel }: { preview: DeploymentImportPreview; pending: boolean; onApply(): void; onCancel(): void }) {
  const { deployment } = preview;
  return (
    <div className={`notice notice-info ${styles.preview}`} data-testid="network-import-preview">
      <p className="notice-message">
        {preview.fileName ? (
          <>
            From <UntrustedText text={preview.fileName} />:{' '}
          </>
        ) : null}
        {preview.changes.length === 0 ? 'this deployment is already the network in effect.' : 'applying changes the network like this.'}
      </p>
      {preview.changes.length > 0 ? (
        <table className={styles.changes}>
          <thead>
            <tr>
              <th scope="col">Setting</th>
              <th scope="col">Now</th>
              <th scope="col">After applying</th>
            </tr>
          </thead>
          <tbody>
            {preview.changes.map((change) => (
              <tr key={change.field} data-field={change.field}>
                <th scope="row">{change.label}</th>
                <td className={styles.value}>{change.from === null ? '—' : <UntrustedText text={change.from} />}</td>
                <td className={styles.value}>
                  <UntrustedText text={change.to} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <dl className="facts">
        <dt>Stablecoin</dt>
        <dd className={styles.value}>
          <UntrustedText text={deployment.tokenSymbol} /> ({deployment.token})
        </dd>
        <dt>Market version</dt>
        <dd>v{deployment.marketVersion}</dd>
        <dt>Deployed</dt>
        <dd>
          block {deployment.deploymentBlock.toLocaleString('en-US')} · <UntrustedText text={deployment.deployedAt} />
        </dd>
        <dt>Confirmations</dt>
        <dd data-testid="network-import-confirmations">{preview.confirmations} blocks before an event counts</dd>
      </dl>
      <p className="notice-hint">
        RigShift reconnects to this chain. Your wallet keeps its address; on a real chain, stake and gas are paid from what it holds there.
      </p>
      <div className={styles.importBar}>
        {preview.changes.length > 0 ? (
          <button type="button" className="button-primary" onClick={onApply} disabled={pending} aria-busy={pending} data-testid="network-import-apply">
            {pending ? <Spinner /> : null}
            Apply
          </button>
        ) : null}
        <button type="button" onClick={onCancel} disabled={pending} data-testid="network-import-cancel">
          {preview.changes.length > 0 ? 'Cancel' : 'Close'}
        </button>
      </div>
    </div>
  );
}
