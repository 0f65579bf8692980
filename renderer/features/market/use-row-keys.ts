import type { KeyboardEvent } from 'react';

/**
 * Arrow keys move between a table's rows (those marked data-row), Home/End jump to the
 * first/last one; Enter and Space on a row are the row's own business (its onKeyDown).
 * Put the handler on the <tbody>.
 */
export function onRowKeys(event: KeyboardEvent<HTMLElement>): void {
  const keys = ['ArrowDown', 'ArrowUp', 'Home', 'End'];
  if (!keys.includes(event.key)) return;
  const rows = [...event.currentTarget.querySelectorAll<HTMLElement>('[data-row]')];
  const current = rows.findIndex((row) => row === document.activeElement);
  if (current === -1) return;
  const last = rows.length - 1;
  const next =
    event.key === 'Home' ? 0 : event.key === 'End' ? last : event.key === 'ArrowDown' ? Math.min(last, current + 1) : Math.max(0, current - 1);
  event.preventDefault();
  rows[next]?.focus();
}

/** Enter or Space on a focused row opens or closes its detail. */
export function onRowActivate(event: KeyboardEvent<HTMLElement>, toggle: () => void): void {
  if (event.target !== event.currentTarget) return;
  if (event.key === 'Enter' || event.key === ' ') {
    event.preventDefault();
    toggle();
  }
}
