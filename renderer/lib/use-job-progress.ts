import { useEffect, useState } from 'react';
import type { JobProgress } from '../../shared/domain/job';
import { useApi } from '../app/app-context';

/**
 * The latest `jobProgress` of one job ("Pulling image: 312 of 840 MB"), from the pushed
 * events. The snapshot keeps only the job's state; the label and fraction can change every
 * second, so only the component showing them re-renders. null until the first event
 * after mounting (show a label for the snapshot's state meanwhile).
 */
export function useJobProgress(jobId: string): JobProgress | null {
  const api = useApi();
  const [progress, setProgress] = useState<JobProgress | null>(null);
  useEffect(
    () =>
      api.onEvent((event) => {
        if (event.name === 'jobProgress' && event.payload.jobId === jobId) setProgress(event.payload);
      }),
    [api, jobId],
  );
  return progress?.jobId === jobId ? progress : null;
}
