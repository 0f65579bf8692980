import { useSnapshot } from '../../app/app-context';
import { Section } from '../../components/Section';
import { StatusLight } from '../../components/StatusLight';
import { describeSandbox } from './job-view';
import { cx } from '../../lib/cx';
import styles from './Jobs.module.css';

/** The sandbox new jobs get, and their network policy. */
export function SandboxInfo() {
  const { checks, settings } = useSnapshot();
  const sandbox = describeSandbox(checks, settings.sandbox.preferGvisor);
  return (
    <Section id="sandbox" title="Sandbox" intro="How jobs from strangers are kept away from your PC and your network.">
      <dl className={cx('facts', styles.sandboxFacts)} data-testid="sandbox-info" data-runtime={sandbox.runtime}>
        <dt>Sandbox in use</dt>
        <dd>
          <span className={styles.sandboxLine}>
            <StatusLight state={sandbox.state} />
            <span className="strong" data-testid="sandbox-runtime">
              {sandbox.headline}
            </span>
          </span>
          <span className="field-help">{sandbox.detail}</span>
        </dd>
        <dt>Every job</dt>
        <dd>
          Runs in a locked-down container: not as root, no extra privileges, read-only system files, memory and process
          limits, and only the GPU it was given.
        </dd>
        <dt>Network</dt>
        <dd data-testid="sandbox-network">
          {settings.jobs.allowEgress ? (
            <>
              <span className="strong">No network</span> unless a job asks for internet, which you allow; your LAN stays
              blocked
            </>
          ) : (
            <>
              <span className="strong">No network</span> (jobs cannot reach your LAN or the internet)
            </>
          )}
        </dd>
      </dl>
    </Section>
  );
}
