import { useQuery } from '@tanstack/react-query';
import type { JobProgress } from '../../shared/domain/job';
import { queryKeys } from './query/keys';

/**
 * The latest `jobProgress` of one job ("Pulling image: 312 of 840 MB"), kept in the query
 * cache by the pushed events (live-events.ts), so a page opened again shows the last label
 * at once. The snapshot keeps only the job's state; the label and fraction can change every
 * second, so only the component showing them re-renders. null until the first event (show a
 * label for the snapshot's state meanwhile), and again after a reconnect until the next one.
 */
export function useJobProgress(jobId: string): JobProgress | null {
  const { data } = useQuery<JobProgress | null>({ queryKey: queryKeys.jobProgress(jobId), queryFn: () => null, initialData: null });
  return data?.jobId === jobId ? data : null;
}
