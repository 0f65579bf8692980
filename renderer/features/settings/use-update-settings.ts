import type { SettingsPatch } from '../../../shared/domain/settings';
import { useApi, useApplyAnswer } from '../../app/app-context';
import { useCall } from '../../lib/use-call';

/**
 * Every settings change goes through the agent; its answer is the new truth. `password`:
 * the wallet password, which the agent requires for settings that move money.
 */
export function useUpdateSettings() {
  const api = useApi();
  const applyAnswer = useApplyAnswer();
  return useCall(async (patch: SettingsPatch, password?: string) => {
    const result = await api.updateSettings(password === undefined ? { patch } : { patch, password });
    if (result.ok) applyAnswer({ name: 'settings', payload: result.value });
    return result;
  });
}
