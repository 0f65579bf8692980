import { useEffect, useRef, useState } from 'react';
import type { ApiError, Result } from '../../../shared/api/result';
import { useApi } from '../../app/app-context';

/**
 * Loads something from the agent, and again whenever the ledger changes (`ledgerUpdated`) or
 * `key` changes (say, the range). Keeps the last good value while reloading; an answer that
 * arrives after a newer request started is dropped.
 */
export function useLedgerQuery<T>(load: () => Promise<Result<T>>, key: string) {
  const api = useApi();
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [version, setVersion] = useState(0);
  const latestLoad = useRef(load);
  useEffect(() => {
    latestLoad.current = load;
  });

  useEffect(
    () =>
      api.onEvent((event) => {
        if (event.name === 'ledgerUpdated') setVersion((v) => v + 1);
      }),
    [api],
  );

  useEffect(() => {
    let live = true;
    void latestLoad.current().then((result) => {
      if (!live) return;
      if (result.ok) {
        setValue(result.value);
        setError(null);
      } else setError(result.error);
    });
    return () => {
      live = false;
    };
  }, [key, version]);

  return { value, error };
}
