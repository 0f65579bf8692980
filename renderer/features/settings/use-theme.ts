import { useEffect } from 'react';
import type { Settings } from '../../../shared/domain/settings';

/**
 * 'system' removes the attribute so the stylesheet's prefers-color-scheme media query
 * decides (and follows the OS live); 'light'/'dark' pin it.
 */
export function useTheme(theme: Settings['ui']['theme'] | undefined): void {
  useEffect(() => {
    const root = document.documentElement;
    if (!theme || theme === 'system') delete root.dataset.theme;
    else root.dataset.theme = theme;
  }, [theme]);
}
