import type { ManualPause } from '../../../shared/domain/controls';
import { useApi, useApplyAnswer, useCurrentSnapshot, useSnapshot } from '../../app/app-context';
import { useCall } from '../../lib/use-call';

export type PauseDuration = 'hour' | 'tomorrow' | 'indefinite';

/**
 * Pause / resume through the agent. The answer is the stored pause: folded into the
 * settings at once so the banner text changes without waiting for the pushed events.
 */
export function usePause() {
  const api = useApi();
  const applyAnswer = useApplyAnswer();
  const currentSnapshot = useCurrentSnapshot();
  const { settings } = useSnapshot();

  const applyPause = (pause: ManualPause) => {
    const current = currentSnapshot()?.settings ?? settings;
    applyAnswer({ name: 'settings', payload: { ...current, controls: { ...current.controls, pause } } });
  };

  return useCall(async (action: PauseDuration | 'resume', finishRunningJob?: boolean) => {
    const result =
      action === 'resume'
        ? await api.resumeRenting({})
        : await api.pauseRenting(finishRunningJob ? { duration: action, finishRunningJob: true } : { duration: action });
    if (result.ok) applyPause(result.value);
    return result;
  });
}
