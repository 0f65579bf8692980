import { useState } from 'react';
import type { ApiError, Result } from '../../shared/api/result';

export interface CallState<A extends unknown[], T> {
  run(...args: A): Promise<Result<T>>;
  pending: boolean;
  error: ApiError | null;
  clearError(): void;
}

/** Tracks one user-triggered call: pending flag for spinners, last error for display. */
export function useCall<A extends unknown[], T>(fn: (...args: A) => Promise<Result<T>>): CallState<A, T> {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const run = async (...args: A) => {
    setPending(true);
    setError(null);
    const result = await fn(...args);
    setPending(false);
    if (!result.ok) setError(result.error);
    return result;
  };
  return { run, pending, error, clearError: () => setError(null) };
}
