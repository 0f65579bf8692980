import { useSnapshot } from '../../app/app-context';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Section } from '../../components/Section';
import { ListEditor } from './ListEditor';
import { shortAddress } from './market-format';
import { addBlockedRequester, addImagePrefix } from './market-lists';
import { useMarketSettings } from './use-market-settings';
import styles from './Market.module.css';

/** The owner's own rules on top of price and hardware: requesters to ignore, images to allow or refuse. */
export function MarketFilters() {
  const { settings } = useSnapshot();
  const { blockedRequesters, imageAllowList, imageDenyList } = settings.market;
  const saver = useMarketSettings();
  return (
    <Section
      id="market-filters"
      title="Your rules"
      intro="Jobs that break one of these are never claimed; the open jobs list says which rule stopped them. Each change is saved at once."
    >
      <div className={styles.filtersGrid}>
        <ListEditor
          id="market-blocked"
          label="Blocked requesters"
          help="Addresses whose jobs you never take. Paste the whole address; its checksum is checked."
          placeholder="0x…"
          emptyText="Nobody is blocked."
          list={blockedRequesters}
          add={addBlockedRequester}
          onChange={(list) => void saver.save({ blockedRequesters: list }, 'Block list saved')}
          disabled={saver.pending}
          renderItem={shortAddress}
        />
        <ListEditor
          id="market-allow"
          label="Only these images"
          help="When not empty, only images whose name starts with one of these run. Example: ghcr.io/acme/"
          placeholder="ghcr.io/acme/"
          emptyText="Empty: any image may run (unless denied below)."
          list={imageAllowList}
          add={(list, typed) => addImagePrefix(list, typed, { list: imageDenyList, name: 'denied images' })}
          onChange={(list) => void saver.save({ imageAllowList: list }, 'Allowed images saved')}
          disabled={saver.pending}
        />
        <ListEditor
          id="market-deny"
          label="Never these images"
          help="Images whose name starts with one of these never run. Example: docker.io/someone/miner"
          placeholder="docker.io/someone/"
          emptyText="No image is denied."
          list={imageDenyList}
          add={(list, typed) => addImagePrefix(list, typed, { list: imageAllowList, name: 'allowed images' })}
          onChange={(list) => void saver.save({ imageDenyList: list }, 'Denied images saved')}
          disabled={saver.pending}
        />
      </div>
      {saver.undo ? (
        <p className="saved-notice" role="status" data-testid="market-filters-saved">
          {saver.undo} ·{' '}
          <button type="button" className="button-link" onClick={() => void saver.revert()} data-testid="market-filters-undo">
            Undo
          </button>
        </p>
      ) : null}
      {saver.error ? <ErrorNotice error={saver.error} onDismiss={saver.clearError} testId="market-filters-error" /> : null}
    </Section>
  );
}
