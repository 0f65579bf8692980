import type { Settings } from '../../../shared/domain/settings';

export type FixOs = 'linux' | 'windows';

/** The owner's choice in settings, else the agent's own platform (Node's `process.platform`). */
export function defaultFixOs(setting: Settings['ui']['fixOs'], platform: string): FixOs {
  if (setting !== 'auto') return setting;
  return platform === 'win32' || platform.toLowerCase().startsWith('win') ? 'windows' : 'linux';
}
